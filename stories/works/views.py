"""Reading a work: its page, a chapter, the entire work, the content notice before
it, its downloads and the series it belongs to. Every view starts from
core.access.work_for_reader, so a draft or hidden work is a 404 for everyone else."""

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from stories.core.access import is_creator, work_for_reader
from stories.core.limits import LimitExceeded, text_seconds, time_limit
from stories.core.requests import safe_next
from stories.discovery.blurbs import attach_blurbs, attach_listing
from stories.discovery.query import NOT_LISTED, reader_works
from stories.exporters import export_work, load_work_for_export
from stories.models import Bookmark, Chapter, Series, SeriesPart, Work, WorkLink
from stories.readers.forms import BookmarkForm
from stories.readers.mutes import reader_preference
from stories.readers.work_page import DOWNLOAD_FORMATS, work_page_reader_context

NOTICE_SESSION_KEY = "quire_notices_passed"
# What the chapter index and the previous/next links read of a chapter.
CHAPTER_INDEX_FIELDS = ("id", "work_id", "position", "title")
# A linked work's search vectors hold its whole text; a link shows its title.
TARGET_UNSHOWN = ("target__search_vector", "target__search_head")
SOURCE_UNSHOWN = ("source__search_vector", "source__search_head")


def _work_for_page(request: HttpRequest, work_id: int) -> Work:
    """work_for_reader's work with its tags and creators as plain rows (attach_listing:
    two queries and no model instances, where for_listing's prefetches build both)."""
    work = work_for_reader(request, work_id, listing=False)
    attach_listing([work])
    return work


def work_detail(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _work_for_page(request, work_id)
    if "chapter" in request.GET:
        # The chapter index of the navigation is a GET form: ?chapter=<n>.
        position = request.GET["chapter"]
        if not position.isdigit() or not 0 < int(position) < 100_000:
            raise Http404("No such chapter.")
        return redirect("stories:chapter-detail", work.pk, int(position))
    if notice := _content_notice(request, work):
        return notice
    if request.GET.get("view") == "full":
        return _render_work(request, work, full=True)
    return _render_work(request, work, position=None)


def chapter_detail(request: HttpRequest, work_id: int, position: int) -> HttpResponse:
    work = _work_for_page(request, work_id)
    if notice := _content_notice(request, work):
        return notice
    return _render_work(request, work, position=position)


def _render_work(request: HttpRequest, work: Work, *, position: int | None = None, full: bool = False) -> HttpResponse:
    """The work page: metadata, then one chapter (the first when `position` is None)
    or, with `full`, every chapter."""
    if full:
        # Every chapter is shown, so the index is the same list: one query, without
        # the Markdown sources (the page shows the rendered HTML).
        chapters = list(work.chapters.defer("body").order_by("position"))
        context = {"chapters": chapters, "shown_chapters": chapters}
    else:
        # The index needs only what the navigation shows; the text is loaded for one chapter.
        chapters = list(work.chapters.only(*CHAPTER_INDEX_FIELDS).order_by("position"))
        if position is None:
            index = 0
        else:
            index = next((i for i, c in enumerate(chapters) if c.position == position), None)
            if index is None:
                raise Http404("No such chapter.")
        chapter = get_object_or_404(Chapter.objects.defer("body"), pk=chapters[index].pk) if chapters else None
        context = {
            "chapters": chapters,
            "chapter": chapter,
            "shown_chapters": [chapter] if chapter else [],
            "previous_chapter": chapters[index - 1] if index > 0 else None,
            "next_chapter": chapters[index + 1] if index + 1 < len(chapters) else None,
        }
    context = {"chapter": None, **context, **_work_context(request, work), "full": full}
    context.update(work_page_reader_context(request, work, context, landing=position is None and not full))
    context["chapters_html"] = _jinja2_html("works/_chapters.html", context, "chapters", "shown_chapters")
    for where in ("top", "bottom"):
        context[f"chapter_nav_{where}"] = _jinja2_html(
            "works/_chapter_nav.html",
            {**context, "where": where, "work_url": work.get_absolute_url()},
            *("where", "work_url", "chapters", "chapter", "full", "previous_chapter", "next_chapter"),
        )
    return render(request, "works/work_detail.html", context)


def _jinja2_html(template: str, context: dict, *names: str) -> SafeString:
    """`template` (under templates/jinja2/) rendered with the `names` of `context`
    (those missing are None), as safe HTML for a Django template to show. For the
    parts of a work page that repeat per chapter: Jinja2 renders them several times
    faster than Django's engine (an entire work has thirty chapters)."""
    html = engines["jinja2"].get_template(template).render({name: context.get(name) for name in names})
    return mark_safe(html)  # noqa: S308 - rendered by our own autoescaping template


def _work_context(request: HttpRequest, work: Work) -> dict:
    """Links, series and counts shown in every view of a work."""
    has_outgoing, has_incoming, in_series = _work_relations(work.pk)
    context = {"work": work, "outgoing_links": [], "incoming_links": [], "series_nav": []}
    context["is_creator"] = is_creator(request, work)
    if has_outgoing or has_incoming:
        context.update(_work_links(request, work))
    if in_series:
        context["series_nav"] = _series_nav(work)
    return context


def _work_relations(work_id: int) -> tuple[bool, bool, bool]:
    """Whether the work links to others, others link to it, and it is in a series:
    one query, so the usual work (none of the three) costs no more."""
    links, parts = WorkLink._meta.db_table, SeriesPart._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {links} WHERE source_id = %s), "  # noqa: S608 - our table names
            f"EXISTS (SELECT 1 FROM {links} WHERE target_id = %s), EXISTS (SELECT 1 FROM {parts} WHERE work_id = %s)",
            [work_id, work_id, work_id],
        )
        return cursor.fetchone()


def _work_links(request: HttpRequest, work: Work) -> dict:
    """The work's outgoing and incoming links, as this reader may follow them."""
    visible = Work.objects.viewable_by(request.user).values("pk")
    outgoing = list(work.outgoing_links.select_related("target").defer(*TARGET_UNSHOWN).order_by("id"))
    targets = [link.target_id for link in outgoing if link.target_id]
    readable = set(reader_works(request).filter(pk__in=targets).values_list("pk", flat=True)) if targets else set()
    for link in outgoing:
        # A link to a work this reader may not open reads as an unresolved title.
        if link.target_id and link.target_id not in readable:
            link.target = None
    incoming = list(
        WorkLink.objects.filter(target=work, source__in=visible, source__status="posted", source__is_hidden=False)
        .select_related("source")
        .defer(*SOURCE_UNSHOWN)
        .order_by("id")
    )
    return {"outgoing_links": outgoing, "incoming_links": incoming}


def _series_nav(work: Work) -> list[dict]:
    """Each series the work is in, with its place and the works before and after it."""
    parts = list(SeriesPart.objects.filter(work=work).select_related("series").order_by("series__title"))
    series_nav = []
    for part in parts:
        siblings = list(
            SeriesPart.objects.filter(series=part.series, work__status="posted", work__is_hidden=False)
            .select_related("work")
            .defer("work__search_vector", "work__search_head")
            .order_by("position")
        )
        index = next((i for i, s in enumerate(siblings) if s.work_id == work.pk), None)
        series_nav.append(
            {
                "series": part.series,
                "position": part.position,
                "previous": siblings[index - 1].work if index else None,
                "next": siblings[index + 1].work if index is not None and index + 1 < len(siblings) else None,
            }
        )
    return series_nav


def _content_notice(request: HttpRequest, work: Work) -> HttpResponse | None:
    """The one-page notice before a Mature, Explicit or Not Rated work, unless this
    session passed it already, the reader turned notices off, or it is their work."""
    if not work.needs_content_notice or is_creator(request, work):
        return None
    if work.pk in request.session.get(NOTICE_SESSION_KEY, []):
        return None
    preference = reader_preference(request)
    if preference is not None and not preference.show_content_notices:
        return None
    return render(request, "works/content_notice.html", {"work": work, "next": request.get_full_path()})


@require_POST
def content_notice_proceed(request: HttpRequest, work_id: int) -> HttpResponse:
    work = work_for_reader(request, work_id)
    passed = request.session.get(NOTICE_SESSION_KEY, [])
    if work.pk not in passed:
        request.session[NOTICE_SESSION_KEY] = [*passed[-499:], work.pk]
    return redirect(safe_next(request, work.get_absolute_url()))


@require_GET
def work_download(request: HttpRequest, work_id: int, fmt: str) -> HttpResponse:
    # The export loads the work again with all it shows: this only checks access.
    work = work_for_reader(request, work_id, listing=False)
    if fmt not in dict(DOWNLOAD_FORMATS):
        raise Http404("No such format.")
    if not work.is_posted or work.is_hidden:
        # Downloads are copies that leave the archive: only listed works.
        raise Http404("No such work.")
    seconds = text_seconds()
    label = dict(DOWNLOAD_FORMATS)[fmt]
    loaded = load_work_for_export(work.pk)
    try:
        # Bounded like every other piece of work on an author's text (core.limits):
        # a work too large to build in time is a clear 503, not a worker held hostage.
        with time_limit(
            f"Building this work's {label} download took longer than {seconds:g} seconds, the most Quire "
            "spends on one download, so it was stopped. Read it on the site chapter by chapter, or try "
            "another format.",
            seconds=seconds,
        ):
            exported = export_work(loaded, fmt, url=request.build_absolute_uri(work.get_absolute_url()))
    except LimitExceeded as error:
        response = render(request, "works/download_unavailable.html", {"work": work, "message": str(error)}, status=503)
        response["Retry-After"] = "3600"
        return response
    response = HttpResponse(exported.data, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    return response


def series_detail(request: HttpRequest, series_id: int) -> HttpResponse:
    """A series in reading order: the parts this reader may see, its creators,
    description, notes and stats, and for a signed-in reader their subscription and
    bookmark. A fixed number of queries however many parts it has."""
    # A series only drafts use is private to its creators (and moderators) until one is posted.
    series = get_object_or_404(Series.objects.visible_to(request.user).prefetch_related("creators"), pk=series_id)
    parts = list(
        SeriesPart.objects.filter(series=series, work__in=reader_works(request))
        .select_related("work")
        .defer(*(f"work__{name}" for name in NOT_LISTED))
        .order_by("position")
    )
    works = [part.work for part in parts]
    attach_blurbs(works)
    user = request.user
    bookmark = Bookmark.objects.filter(user=user, series=series).first() if user.is_authenticated else None
    context = {
        "series": series,
        "parts": parts,
        "word_count": sum(work.word_count for work in works),
        "first_published": min((work.published_on for work in works), default=None),
        "last_updated": max((work.updated_at for work in works), default=None),
        "is_series_creator": user.is_authenticated and any(c.pk == user.pk for c in series.creators.all()),
        "bookmark": bookmark,
        "bookmark_form": BookmarkForm.for_bookmark(bookmark),
    }
    return render(request, "works/series_detail.html", context)
