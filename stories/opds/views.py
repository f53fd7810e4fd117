"""The OPDS catalogue, /opds/: the root navigation feed, feeds of popular fandoms
and tags, acquisition feeds of works (any filter of the works index, a tag's works,
a search) and a signed-in reader's bookmarks and marked-for-later list.

Every list of works is a WorksQuery, so the catalogue shows what the site would. A
reader signs in with HTTP Basic (user name and password, or a token as password), a
Bearer token, or their session; stories.api.middleware sets `request.user`.
"""

from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from stories.core.paging import paginate
from stories.discovery.blurbs import attach_listing
from stories.discovery.query import WorksQuery
from stories.discovery.search import clean_query
from stories.models import Bookmark, Tag, TagKind, Work
from stories.opds.feeds import (
    ACQUISITION,
    NAVIGATION,
    OPENSEARCH_TYPE,
    Feed,
    Link,
    NavEntry,
    acquisition_feed,
    navigation_feed,
    opensearch_description,
)

POPULAR = 50
PER_PAGE = 20


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _feed_links(request: HttpRequest, kind: str, title: str) -> list[Link]:
    return [
        Link("self", request.get_full_path(), kind, title),
        Link("start", "/opds/", NAVIGATION, "Quire"),
        Link("up", "/opds/", NAVIGATION, "Quire"),
        Link("search", "/opds/opensearch.xml", OPENSEARCH_TYPE, "Search Quire"),
    ]


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"


def _paging_links(request: HttpRequest, page) -> list[Link]:
    links = [Link("first", _page_url(request, 1), ACQUISITION, "First page")]
    if page.has_previous():
        links.append(Link("previous", _page_url(request, page.previous_page_number()), ACQUISITION, "Previous page"))
    if page.has_next():
        links.append(Link("next", _page_url(request, page.next_page_number()), ACQUISITION, "Next page"))
    links.append(Link("last", _page_url(request, page.paginator.num_pages), ACQUISITION, "Last page"))
    return links


def _respond(body: bytes, kind: str) -> HttpResponse:
    return HttpResponse(body, content_type=kind)


def _works_feed(request: HttpRequest, feed_id: str, title: str, **narrow) -> HttpResponse:
    """An acquisition feed of the page of works the query string asks for."""
    result = WorksQuery(request, **narrow).run(blurbs=False)
    if not result.valid:
        errors = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in result.form.errors.items())
        return HttpResponse(f"Those filters are not valid: {errors}", status=400, content_type="text/plain")
    works = list(result.page)
    feed = Feed(
        id=feed_id,
        title=title,
        kind=ACQUISITION,
        base=_base(request),
        updated=max((w.updated_at for w in works), default=timezone.now()),
        links=_feed_links(request, ACQUISITION, title) + _paging_links(request, result.page),
        total=result.page.paginator.count,
        per_page=result.page.paginator.per_page,
    )
    return _respond(acquisition_feed(feed, works), ACQUISITION)


@require_GET
def root(request: HttpRequest) -> HttpResponse:
    updated = Work.objects.listed().aggregate(latest=Max("updated_at"))["latest"] or timezone.now()
    entries = [
        NavEntry("urn:quire:opds:recent", "Recently updated works", "/opds/works/", ACQUISITION,
                 "Every work, newest update first.", rel="http://opds-spec.org/sort/new"),
        NavEntry("urn:quire:opds:complete", "Complete works", "/opds/works/?complete=on", ACQUISITION,
                 "Works whose every chapter is posted."),
        NavEntry("urn:quire:opds:fandoms", "Popular fandoms", "/opds/fandoms/", NAVIGATION,
                 "The fandoms with the most works."),
        NavEntry("urn:quire:opds:tags", "Popular tags", "/opds/tags/", NAVIGATION,
                 "Characters, relationships and tags with the most works."),
        # Shown to everyone: an app asks for the reader's password when it opens one.
        NavEntry("urn:quire:opds:bookmarks", "Your bookmarks", "/opds/bookmarks/", ACQUISITION,
                 "The works you bookmarked (sign in)."),
        NavEntry("urn:quire:opds:later", "Marked for later", "/opds/later/", ACQUISITION,
                 "The works you marked to read later (sign in)."),
    ]  # fmt: skip
    feed = Feed("urn:quire:opds:root", "Quire", NAVIGATION, _base(request), updated,
                _feed_links(request, NAVIGATION, "Quire"))  # fmt: skip
    return _respond(navigation_feed(feed, entries), NAVIGATION)


def _tags_feed(request: HttpRequest, feed_id: str, title: str, tags) -> HttpResponse:
    entries = [
        NavEntry(f"urn:quire:tag:{tag.slug}", tag.name, f"/opds/tags/{tag.slug}/", ACQUISITION,
                 f"{tag.work_count:,} works · {tag.get_kind_display()}")
        for tag in tags
    ]  # fmt: skip
    feed = Feed(feed_id, title, NAVIGATION, _base(request), timezone.now(), _feed_links(request, NAVIGATION, title))
    return _respond(navigation_feed(feed, entries), NAVIGATION)


@require_GET
def fandoms(request: HttpRequest) -> HttpResponse:
    tags = Tag.objects.filter(kind=TagKind.FANDOM).popular(POPULAR)
    return _tags_feed(request, "urn:quire:opds:fandoms", "Popular fandoms", tags)


@require_GET
def tags(request: HttpRequest) -> HttpResponse:
    tags = Tag.objects.exclude(kind=TagKind.FANDOM).popular(POPULAR)
    return _tags_feed(request, "urn:quire:opds:tags", "Popular tags", tags)


@require_GET
def works(request: HttpRequest) -> HttpResponse:
    title = "Complete works" if request.GET.get("complete") else "Works"
    return _works_feed(request, "urn:quire:opds:works", title)


@require_GET
def tag_works(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.select_related("synonym_of"), slug=slug).merged_into
    return _works_feed(request, f"urn:quire:tag:{tag.slug}", f"Works tagged {tag.name}", tag=tag)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = clean_query(request.GET.get("q", ""))
    if not query:
        return HttpResponse("Say what to search for: ?q=words", status=400, content_type="text/plain")
    return _works_feed(request, f"urn:quire:search:{query}", f"Works matching “{query}”", q=query)


@require_GET
def opensearch(request: HttpRequest) -> HttpResponse:
    return HttpResponse(opensearch_description(_base(request)), content_type=OPENSEARCH_TYPE)


def _sign_in() -> HttpResponse:
    response = HttpResponse("Sign in to see your lists.", status=401, content_type="text/plain")
    response["WWW-Authenticate"] = 'Basic realm="Quire", charset="UTF-8"'
    return response


def _bookmarks_feed(request: HttpRequest, *, for_later: bool) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in()
    visible = Work.objects.viewable_by(request.user).values("pk")
    bookmarks = (
        Bookmark.objects.filter(user=request.user, for_later=for_later, work__isnull=False)
        .filter(Q(work__in=visible), work__status="posted", work__is_hidden=False)
        .select_related("work")
        .order_by("-updated_at", "-id")
    )
    page = paginate(request, bookmarks, PER_PAGE)
    works = [bookmark.work for bookmark in page]
    attach_listing(works)
    title = "Marked for later" if for_later else "Your bookmarks"
    feed = Feed(
        id=f"urn:quire:opds:{'later' if for_later else 'bookmarks'}:{request.user.pk}",
        title=title,
        kind=ACQUISITION,
        base=_base(request),
        updated=max((w.updated_at for w in works), default=timezone.now()),
        links=_feed_links(request, ACQUISITION, title) + _paging_links(request, page),
        total=page.paginator.count,
        per_page=PER_PAGE,
    )
    response = _respond(acquisition_feed(feed, works), ACQUISITION)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def bookmarks(request: HttpRequest) -> HttpResponse:
    return _bookmarks_feed(request, for_later=False)


@require_GET
def later(request: HttpRequest) -> HttpResponse:
    return _bookmarks_feed(request, for_later=True)
