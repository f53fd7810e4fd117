from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from stories.models import Chapter, SeriesPart, Tag, Work, WorkLink
from stories.muting import apply_mutes, reader_preference


def reader_works(request: HttpRequest):
    """The works a list page may show this reader: every list, feed and search starts
    here, so rules about what a reader sees (hidden, restricted, muted) live in one place."""
    return apply_mutes(Work.objects.listed().visible_to(request.user), reader_preference(request))


def _work_for_reader(request: HttpRequest, work_id: int) -> Work:
    """The work, if this reader may open it; a 404 otherwise (drafts and hidden works
    exist only for their creators and moderators)."""
    work = Work.objects.viewable_by(request.user).for_listing().filter(pk=work_id).first()
    if work is None:
        raise Http404("No such work.")
    return work


def paginate(request: HttpRequest, queryset, per_page: int | None = None, *, count: int | None = None):
    """A page of `queryset`; a page number that is not a number or out of range gives 404.
    Pass `count` when the total is already known, so it is not counted again."""
    paginator = Paginator(queryset, per_page or settings.QUIRE_WORKS_PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is never recomputed
    number = page_number(request)
    if number > paginator.num_pages:
        raise Http404("No such page.")
    return paginator.page(number)


def page_number(request: HttpRequest, name: str = "page") -> int:
    """The page number asked for in `name` (1 when absent); anything but a whole
    number from 1 on gives 404."""
    try:
        number = int(request.GET.get(name, "1"))
    except ValueError:
        raise Http404("No such page.") from None
    if number < 1:
        raise Http404("No such page.")
    return number


def home(request: HttpRequest) -> HttpResponse:
    works = reader_works(request).for_listing().order_by("-updated_at", "-id")[:10]
    return render(request, "stories/home.html", {"works": works, "popular_tags": Tag.objects.popular()})


def work_list(request: HttpRequest) -> HttpResponse:
    from stories.views.listing import render_works_index
    from stories.views.readers import default_filter_redirect

    if redirect_to := default_filter_redirect(request):
        return redirect_to
    return render_works_index(request, reader_works(request), "stories/work_list.html", {}, facet_prefix="works")


def work_detail(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _work_for_reader(request, work_id)
    from stories.views.readers import content_notice

    if notice := content_notice(request, work):
        return notice
    if request.GET.get("view") == "full":
        return _render_work(request, work, full=True)
    return _render_work(request, work, position=None)


def chapter_detail(request: HttpRequest, work_id: int, position: int) -> HttpResponse:
    work = _work_for_reader(request, work_id)
    from stories.views.readers import content_notice

    if notice := content_notice(request, work):
        return notice
    return _render_work(request, work, position=position)


def _render_work(request: HttpRequest, work: Work, *, position: int | None = None, full: bool = False) -> HttpResponse:
    """The work page: metadata, then one chapter (the first when `position` is None)
    or, with `full`, every chapter."""
    chapters = list(work.chapters.defer("body", "body_html").order_by("position"))
    context = {**_work_context(request, work), "chapters": chapters, "full": full, "chapter": None}
    if full:
        context["shown_chapters"] = list(work.chapters.order_by("position"))
    else:
        if position is None:
            chapter = work.chapters.order_by("position").first()
        else:
            chapter = get_object_or_404(Chapter, work=work, position=position)
        index = next((i for i, c in enumerate(chapters) if chapter and c.pk == chapter.pk), 0)
        context.update(
            chapter=chapter,
            shown_chapters=[chapter] if chapter else [],
            previous_chapter=chapters[index - 1] if index > 0 else None,
            next_chapter=chapters[index + 1] if index + 1 < len(chapters) else None,
        )
    from stories.views.readers import work_page_reader_context

    context.update(work_page_reader_context(request, work, context, landing=position is None and not full))
    return render(request, "stories/work_detail.html", context)


def _work_context(request: HttpRequest, work: Work) -> dict:
    """Links, series and counts shown in every view of a work."""
    visible = Work.objects.viewable_by(request.user).values("pk")
    outgoing = list(work.outgoing_links.select_related("target").order_by("id"))
    targets = [link.target_id for link in outgoing if link.target_id]
    readable = set(reader_works(request).filter(pk__in=targets).values_list("pk", flat=True)) if targets else set()
    for link in outgoing:
        # A link to a work this reader may not open reads as an unresolved title.
        if link.target_id and link.target_id not in readable:
            link.target = None
    incoming = list(
        WorkLink.objects.filter(target=work, source__in=visible, source__status="posted", source__is_hidden=False)
        .select_related("source")
        .order_by("id")
    )
    parts = list(SeriesPart.objects.filter(work=work).select_related("series").order_by("series__title"))
    series_nav = []
    for part in parts:
        siblings = list(
            SeriesPart.objects.filter(series=part.series, work__status="posted", work__is_hidden=False)
            .select_related("work")
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
    is_creator = request.user.is_authenticated and any(u.pk == request.user.pk for u in work.creator_users)
    return {
        "work": work,
        "outgoing_links": outgoing,
        "incoming_links": incoming,
        "series_nav": series_nav,
        "is_creator": is_creator,
    }
