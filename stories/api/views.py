"""The read API, /api/v1/: django-ninja operations, each a thin function over the
site's own list code. Every list of works is a WorksQuery (the works index, a tag's
works, a search, an author's works), so the API filters, sorts, hides and mutes
exactly as the pages do; single works and chapters come through work_for_reader.

Who is calling, rate limits, CORS and conditional GET are handled in front of these
views by stories.api.middleware; the OpenAPI 3 schema is at /api/v1/schema and its
docs page at /api/v1/docs.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Router, Status
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import Redoc
from ninja.security import HttpBearer

from stories.api import schemas as s
from stories.api.paging import BadCursor, Pager
from stories.api.serialise import Links, bookmark_row, last_modified, series_row, tag_ref, work_row
from stories.core.access import work_for_reader
from stories.core.paging import paginate
from stories.discovery.blurbs import attach_listing
from stories.discovery.query import WorksQuery, reader_works
from stories.discovery.search import clean_query
from stories.models import Bookmark, Chapter, Series, SeriesPart, Subscription, Tag, Work
from stories.readers import services as readers

User = get_user_model()
TAGS_PER_PAGE = 50
LIST_PER_PAGE = 20
# Every operation may answer these besides its own.
COMMON = {400: s.ErrorOut, 404: s.ErrorOut, 429: s.ErrorOut}


class TokenAuth(HttpBearer):
    """A personal access token with `scope` (the middleware has looked it up)."""

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str):
        caller = getattr(request, "api_caller", None)
        if caller is None or caller.token is None:
            return None
        if not caller.allows(self.scope):
            raise HttpError(403, f"This token lacks the “{self.scope}” scope.")
        return caller


api = NinjaAPI(
    title="Quire read API",
    version="1",
    description=(
        "Works, chapters, tags, series and readers' public lists of the Quire archive, as JSON. "
        "Every list takes a `cursor` (the `next` of the page before). With a personal access token "
        "(`Authorization: Bearer quire_…`, made in Preferences) you also get your own lists, and may "
        "bookmark and leave kudos. Rate-limited per token or address: 429 with Retry-After."
    ),
    urls_namespace="api-v1",
    openapi_url="/schema",
    docs=Redoc(),
    docs_url="/docs",
)
READ = TokenAuth("read")
WRITE = TokenAuth("write")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        errors.setdefault(where, []).append(str(error.get("msg", "Invalid value.")))
    return api.create_response(request, {"detail": "Some parameters are not valid.", "errors": errors}, status=400)


@api.exception_handler(BadCursor)
def _bad_cursor(request: HttpRequest, exc: BadCursor) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(readers.ReaderActionRefused)
def _refused(request: HttpRequest, exc: readers.ReaderActionRefused) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


def _filter_params(filters: s.WorkFilters) -> tuple[list[tuple[str, str]], str]:
    """The filters as the index's query string (name, value) pairs, and the search."""
    data = filters.dict(exclude={"cursor", "q"}, exclude_none=True)
    params: list[tuple[str, str]] = []
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        params.extend((name, _as_query_value(item)) for item in values if item is not False)
    q = clean_query(filters.q or "")
    if q:
        params.append(("q", q))
    return params, q


def _as_query_value(value) -> str:
    """A parsed parameter as the index's form reads it (dates ISO, choices by code)."""
    if value is True:
        return "on"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(getattr(value, "value", value))


def _works_page(request: HttpRequest, response: HttpResponse, filters: s.WorkFilters, **narrow) -> dict:
    params, q = _filter_params(filters)
    pager = Pager(request, params, filters.cursor)
    result = WorksQuery(pager.request_for_page(), q=q, **narrow).run(blurbs=False)
    if not result.valid:
        errors = {name: [str(e) for e in errs] for name, errs in result.form.errors.items()}
        raise _FormRefused(errors)
    links = Links(request)
    works = list(result.page)
    if modified := last_modified(*(work.updated_at for work in works)):
        response["Last-Modified"] = modified
    return {
        **pager.envelope(result.page, count=result.page.paginator.count, capped=result.capped),
        "results": [work_row(links, work) for work in works],
    }


class _FormRefused(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("Some filters are not valid.")
        self.errors = errors


@api.exception_handler(_FormRefused)
def _form_refused(request: HttpRequest, exc: _FormRefused) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "errors": exc.errors}, status=400)


# Works ---------------------------------------------------------------------------

works_router = Router(tags=["works"])


@works_router.get("", response={200: s.WorkPage, **COMMON}, summary="The works index, filtered, sorted or searched")
def work_list(request: HttpRequest, response: HttpResponse, filters: Query[s.WorkFilters]):
    """Every filter and sort of /works/ by the same names; with `q`, a full-text
    search (sorted by relevance unless `sort` says otherwise)."""
    return _works_page(request, response, filters)


@works_router.get("/{int:work_id}", response={200: s.WorkDetailOut, **COMMON}, summary="A work and its chapters")
def work_detail(request: HttpRequest, response: HttpResponse, work_id: int):
    work = work_for_reader(request, work_id)
    links = Links(request)
    chapters = list(work.chapters.defer("body", "body_html").order_by("position"))
    parts = list(SeriesPart.objects.filter(work=work).select_related("series").order_by("series__title"))
    outgoing = list(work.outgoing_links.select_related("target").order_by("id"))
    targets = [link.target_id for link in outgoing if link.target_id]
    readable = set(reader_works(request).filter(pk__in=targets).values_list("pk", flat=True)) if targets else set()
    response["Last-Modified"] = last_modified(work.updated_at, *(c.updated_at for c in chapters))
    return {
        **work_row(links, work),
        "disclaimer": work.disclaimer,
        "notes_html": work.notes_html,
        "end_notes_html": work.end_notes_html,
        "series": [
            {
                "id": p.series_id,
                "title": p.series.title,
                "position": p.position,
                "api_url": links.api(f"/series/{p.series_id}"),
            }
            for p in parts
        ],
        "links": [
            {
                "kind": link.kind,
                "label": link.get_kind_display(),
                # A work this reader may not open reads as its title only, as on the site.
                "title": link.target.title if link.target_id in readable else link.target_title,
                "work_id": link.target_id if link.target_id in readable else None,
            }
            for link in outgoing
        ],
        "chapters": [
            {
                "position": c.position,
                "title": c.title,
                "word_count": c.word_count,
                "published_on": c.published_on,
                "url": links.site(c.get_absolute_url()),
                "api_url": links.api(f"/works/{work.pk}/chapters/{c.position}"),
            }
            for c in chapters
        ],
    }


@works_router.get(
    "/{int:work_id}/chapters/{int:position}", response={200: s.ChapterOut, **COMMON}, summary="One chapter's text"
)
def chapter_detail(request: HttpRequest, response: HttpResponse, work_id: int, position: int):
    work = work_for_reader(request, work_id)
    chapter = get_object_or_404(Chapter, work=work, position=position)
    positions = list(work.chapters.order_by("position").values_list("position", flat=True))
    index = positions.index(chapter.position)
    response["Last-Modified"] = last_modified(chapter.updated_at, work.updated_at)
    return {
        "work_id": work.pk,
        "position": chapter.position,
        "title": chapter.title,
        "summary_html": chapter.summary_html,
        "notes_html": chapter.notes_html,
        "end_notes_html": chapter.end_notes_html,
        "body_html": chapter.body_html,
        "word_count": chapter.word_count,
        "published_on": chapter.published_on,
        "url": Links(request).site(chapter.get_absolute_url()),
        "previous": positions[index - 1] if index > 0 else None,
        "next": positions[index + 1] if index + 1 < len(positions) else None,
    }


def _work_to_bookmark(request: HttpRequest, work_id: int) -> Work:
    work = work_for_reader(request, work_id)
    if not work.is_posted or work.is_hidden:
        raise Http404("No such work.")
    return work


@works_router.put(
    "/{int:work_id}/bookmark",
    auth=WRITE,
    response={200: s.BookmarkOut, 401: s.ErrorOut, 403: s.ErrorOut, **COMMON},
    summary="Bookmark a work (or mark it for later), or change the bookmark",
)
def bookmark_put(request: HttpRequest, work_id: int, data: s.BookmarkIn):
    work = _work_to_bookmark(request, work_id)
    tags = readers.bookmark_tags_parse(",".join(tag.replace(",", " ") for tag in data.tags))
    bookmark = readers.bookmark_save(
        user=request.user, work=work, note=data.note, tags=tags, is_private=data.is_private, for_later=data.for_later
    )
    bookmark.work = work
    attach_listing([work])
    return bookmark_row(Links(request), bookmark)


@works_router.delete(
    "/{int:work_id}/bookmark",
    auth=WRITE,
    response={204: None, 401: s.ErrorOut, 403: s.ErrorOut, **COMMON},
    summary="Remove your bookmark of a work",
)
def bookmark_remove(request: HttpRequest, work_id: int):
    bookmark = Bookmark.objects.filter(user=request.user, work_id=work_id).first()
    if bookmark is None:
        raise Http404("You have no bookmark of this work.")
    readers.bookmark_delete(bookmark=bookmark, user=request.user)
    return Status(204, None)


@works_router.post(
    "/{int:work_id}/kudos",
    auth=WRITE,
    response={200: s.KudosOut, 401: s.ErrorOut, 403: s.ErrorOut, **COMMON},
    summary="Leave kudos on a work (once; kudos cannot be taken back, as on the site)",
)
def kudos_post(request: HttpRequest, work_id: int):
    work = _work_to_bookmark(request, work_id)
    created = readers.kudos_give(work=work, user=request.user)
    return {"created": created, "kudos_count": Work.objects.filter(pk=work.pk).values_list("kudos_count", flat=True)[0]}


# Tags ----------------------------------------------------------------------------

tags_router = Router(tags=["tags"])


class TagListIn(s.CursorIn):
    kind: s.TagKindCode | None = None


@tags_router.get("", response={200: s.TagPage, **COMMON}, summary="Tags with works, by name")
def tag_list(request: HttpRequest, filters: Query[TagListIn]):
    params = [("kind", filters.kind.value)] if filters.kind else []
    pager = Pager(request, params, filters.cursor)
    tags = Tag.objects.canonical_or_free().with_work_counts().filter(work_count__gt=0).order_by("name", "id")
    if filters.kind:
        tags = tags.filter(kind=filters.kind.value)
    page = _paginate(pager, tags, TAGS_PER_PAGE)
    links = Links(request)
    rows = [
        {
            "slug": t.slug,
            "name": t.name,
            "kind": t.kind,
            "canonical": t.canonical,
            "work_count": t.work_count,
            "api_url": links.api(f"/tags/{t.slug}"),
        }
        for t in page
    ]
    return {**pager.envelope(page), "results": rows}


@tags_router.get("/{slug}", response={200: s.TagOut, **COMMON}, summary="A tag: kind, wrangling, synonyms, parents")
def tag_detail(request: HttpRequest, slug: str):
    tag = get_object_or_404(Tag.objects.select_related("synonym_of"), slug=slug)
    links = Links(request)
    return {
        **tag_ref(links, tag),
        "canonical": tag.canonical,
        "synonym_of": tag.synonym_of.slug if tag.synonym_of_id else None,
        "synonyms": list(tag.synonyms.order_by("name").values_list("slug", flat=True)),
        "parents": list(tag.parents.order_by("name").values_list("slug", flat=True)),
        "works_api_url": links.api(f"/tags/{tag.merged_into.slug}/works"),
    }


@tags_router.get("/{slug}/works", response={200: s.WorkPage, **COMMON}, summary="A tag's works (synonyms included)")
def tag_works(request: HttpRequest, response: HttpResponse, slug: str, filters: Query[s.WorkFilters]):
    tag = get_object_or_404(Tag.objects.select_related("synonym_of"), slug=slug)
    return _works_page(request, response, filters, tag=tag.merged_into)


def _paginate(pager: Pager, items, per_page: int):
    return paginate(pager.request_for_page(), items, per_page)


# Series and people ---------------------------------------------------------------

people_router = Router(tags=["series and people"])


@people_router.get(
    "/series/{int:series_id}", response={200: s.SeriesOut, **COMMON}, summary="A series in reading order"
)
def series_detail(request: HttpRequest, response: HttpResponse, series_id: int):
    series = get_object_or_404(Series.objects.prefetch_related("creators"), pk=series_id)
    parts = list(
        SeriesPart.objects.filter(series=series, work__in=reader_works(request))
        .select_related("work")
        .order_by("position")
    )
    attach_listing([part.work for part in parts])
    links = Links(request)
    response["Last-Modified"] = last_modified(series.updated_at, *(part.work.updated_at for part in parts))
    return {
        **series_row(links, series),
        "description_html": series.description_html,
        "notes_html": series.notes_html,
        "creators": [links.user(user.username) for user in series.creators.all()],
        "url": links.site(series.get_absolute_url()),
        "parts": [{"position": part.position, "work": work_row(links, part.work)} for part in parts],
    }


def _person(username: str):
    return get_object_or_404(User, username=username, is_active=True)


@people_router.get("/users/{username}", response={200: s.UserOut, **COMMON}, summary="A person")
def user_detail(request: HttpRequest, username: str):
    person = _person(username)
    links = Links(request)
    ref = links.user(person.username)
    return {
        "username": person.username,
        "url": ref["url"],
        "works_api_url": ref["api_url"] + "/works",
        "series_api_url": ref["api_url"] + "/series",
        "bookmarks_api_url": ref["api_url"] + "/bookmarks",
    }


@people_router.get("/users/{username}/works", response={200: s.WorkPage, **COMMON}, summary="A person's works")
def user_works(request: HttpRequest, response: HttpResponse, username: str, paging: Query[s.CursorIn]):
    person = _person(username)
    pager = Pager(request, [], paging.cursor)
    page = WorksQuery(pager.request_for_page(), creator=person).recent_page(blurbs=False)
    links = Links(request)
    if modified := last_modified(*(work.updated_at for work in page)):
        response["Last-Modified"] = modified
    return {**pager.envelope(page), "results": [work_row(links, work) for work in page]}


@people_router.get("/users/{username}/series", response={200: s.SeriesPage, **COMMON}, summary="A person's series")
def user_series(request: HttpRequest, username: str, paging: Query[s.CursorIn]):
    person = _person(username)
    pager = Pager(request, [], paging.cursor)
    page = _paginate(pager, Series.objects.filter(creators=person).order_by("title", "id"), LIST_PER_PAGE)
    links = Links(request)
    return {**pager.envelope(page), "results": [series_row(links, series) for series in page]}


def _bookmark_page(request: HttpRequest, pager: Pager, bookmarks) -> dict:
    """A page of bookmarks of works this reader may open (and of series), newest first."""
    visible = Work.objects.viewable_by(request.user).values("pk")
    bookmarks = bookmarks.filter(Q(work__isnull=True) | Q(work__in=visible)).select_related("series", "work")
    page = _paginate(pager, bookmarks.order_by("-updated_at", "-id"), LIST_PER_PAGE)
    attach_listing([bookmark.work for bookmark in page if bookmark.work_id])
    links = Links(request)
    return {**pager.envelope(page), "results": [bookmark_row(links, bookmark) for bookmark in page]}


@people_router.get(
    "/users/{username}/bookmarks", response={200: s.BookmarkPage, **COMMON}, summary="A person's public bookmarks"
)
def user_bookmarks(request: HttpRequest, username: str, paging: Query[s.CursorIn]):
    person = _person(username)
    bookmarks = Bookmark.objects.filter(user=person, for_later=False, is_private=False).filter(
        Q(work__isnull=True) | Q(work__status="posted", work__is_hidden=False)
    )
    return _bookmark_page(request, Pager(request, [], paging.cursor), bookmarks)


# The reader's own lists (a token with the read scope) ----------------------------

me_router = Router(tags=["your lists (token)"], auth=READ)
ME = {200: None, 401: s.ErrorOut, 403: s.ErrorOut, **COMMON}


@me_router.get("", response={**ME, 200: s.MeOut}, summary="Who the token belongs to")
def me(request: HttpRequest):
    links = Links(request)
    return {
        "username": request.user.username,
        "scopes": request.api_caller.token.scopes,
        "url": links.user(request.user.username)["url"],
    }


@me_router.get("/bookmarks", response={**ME, 200: s.BookmarkPage}, summary="Your bookmarks (private ones too)")
def my_bookmarks(request: HttpRequest, paging: Query[s.CursorIn]):
    bookmarks = Bookmark.objects.filter(user=request.user, for_later=False)
    return _bookmark_page(request, Pager(request, [], paging.cursor), bookmarks)


@me_router.get("/later", response={**ME, 200: s.BookmarkPage}, summary="Your works marked for later")
def my_later(request: HttpRequest, paging: Query[s.CursorIn]):
    bookmarks = Bookmark.objects.filter(user=request.user, for_later=True)
    return _bookmark_page(request, Pager(request, [], paging.cursor), bookmarks)


@me_router.get("/history", response={**ME, 200: s.HistoryPage}, summary="Your reading history")
def my_history(request: HttpRequest, paging: Query[s.CursorIn]):
    pager = Pager(request, [], paging.cursor)
    positions = readers.reading_history(user=request.user)
    page = _paginate(pager, positions, LIST_PER_PAGE)
    attach_listing([position.work for position in page])
    links = Links(request)
    rows = [
        {
            "work": work_row(links, p.work),
            "chapter": p.chapter.position if p.chapter_id else None,
            "visits": p.visits,
            "read_at": p.read_at,
        }
        for p in page
    ]
    return {**pager.envelope(page), "results": rows}


@me_router.get("/subscriptions", response={**ME, 200: s.SubscriptionPage}, summary="Your subscriptions")
def my_subscriptions(request: HttpRequest, paging: Query[s.CursorIn]):
    pager = Pager(request, [], paging.cursor)
    subscriptions = (
        Subscription.objects.filter(user=request.user)
        .select_related("work", "series", "creator", "tag")
        .order_by("-created_at", "-id")
    )
    page = _paginate(pager, subscriptions, LIST_PER_PAGE)
    return {**pager.envelope(page), "results": [_subscription_row(sub) for sub in page]}


def _subscription_row(sub: Subscription) -> dict:
    if sub.work_id:
        kind, key, title = "work", str(sub.work_id), sub.work.title
    elif sub.series_id:
        kind, key, title = "series", str(sub.series_id), sub.series.title
    elif sub.creator_id:
        kind, key, title = "user", sub.creator.username, sub.creator.username
    else:
        kind, key, title = "tag", sub.tag.slug, sub.tag.name
    return {"id": sub.pk, "kind": kind, "key": key, "title": title, "created_at": sub.created_at}


api.add_router("/works", works_router)
api.add_router("/tags", tags_router)
api.add_router("/", people_router)
api.add_router("/me", me_router)
