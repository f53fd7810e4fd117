"""The filtered works index shared by /works/, tag pages and search: the filter
form, the sidebar with facet counts, sorting and pagination, in a fixed number of
queries whatever the page holds.

Counting is what costs at scale. For guests, the total of an index or tag page is
cached with its facet counts (the same key: filters and the listing generation, not
page or sort), so any change to what they count gives new keys. A search
counts at most SEARCH_COUNT_CAP matches ("1,000+ works found"). Facet counts of a
result bigger than filters.FACET_SAMPLE come from a sample of that many works.
"""

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stories.blurbs import attach_blurbs, attach_listing
from stories.filters import (
    FACET_CACHE_SECONDS,
    SORTS,
    WorkFilterForm,
    facet_cache_key,
    facet_counts,
    filter_works,
    sort_works,
)
from stories.search import is_plain, ranked_matches, search_works, snippets_for
from stories.views.works import paginate

SEARCH_SORTS = {"relevance": ("Relevance", ("-rank", "-id")), **SORTS}
SEARCH_COUNT_CAP = 1000
# Columns no blurb shows; the search vectors hold a work's whole text.
NOT_LISTED = ("search_vector", "search_head", "notes", "notes_html", "end_notes", "end_notes_html", "disclaimer")


def render_works_index(
    request: HttpRequest, works, template: str, context: dict, *, facet_prefix: str, query: str | None = None
) -> HttpResponse:
    """`works` (already limited to what this reader may see) filtered by the query
    string; a bad filter re-renders the page with its errors and status 400."""
    sorts = SEARCH_SORTS if query else SORTS
    form = WorkFilterForm(request.GET, sorts=sorts)
    context = {**context, "form": form, "sorts": sorts, "query": query or ""}
    if not form.is_valid():
        return render(request, template, {**context, "page": None, "facets": None}, status=400)
    work_filter = form.to_filter()
    reader_base = works
    near = capped = False
    key = facet_cache_key(request, facet_prefix)
    known_rows = ranked = None
    if query:
        # The search runs over the filtered works (its candidate sets are bounded):
        # its matches are the result, and the facets count them. A chosen rating or
        # language counts its alternatives over the search without that choice:
        # `base`, the only use of it, so it is built only then.
        filtered = filter_works(works, work_filter)
        # One more than are counted: that one says there are more.
        matches = ranked_matches(filtered, query, limit=SEARCH_COUNT_CAP + 1)
        ranked = list(matches)
        works = filtered.filter(pk__any_of=ranked)
        base = search_works(reader_base, query) if work_filter.rating or work_filter.language else None
        known_rows = matches
        # The ids were drawn from the filtered works: there are exactly that many.
        count = len(ranked)
        if count == 0 and is_plain(query):
            # Nothing matches as typed: look for titles and tags spelled nearly so.
            base, near, known_rows, ranked = search_works(reader_base, query, near=True), True, None, None
            works = filter_works(base, work_filter)
            count = _capped_count(works)
        capped = count > SEARCH_COUNT_CAP
        count = min(count, SEARCH_COUNT_CAP)
    else:
        base, works = works, filter_works(works, work_filter)
    sort = work_filter.sort or ("relevance" if query else "updated")
    facets = facet_counts(base, work_filter, cache_key=key, result_rows=known_rows)
    if not query and facets.result_ids is not None:
        # The facets hold the whole result: its size is the count, and the page is
        # drawn from its ids instead of filtering every work again.
        count = len(facets.result_ids)
        works = base.filter(pk__any_of=list(facets.result_ids))
    elif not query:
        count = cache.get("count:" + key) if key else None
        if count is None:
            count = works.count()
            if key:
                cache.set("count:" + key, count, FACET_CACHE_SECONDS)
    if ranked is not None and sort == "relevance":
        # Already in order: the page needs only its twenty works.
        page = paginate(request, ranked, count=count)
        listed = filtered.filter(pk__any_of=page.object_list).defer(*NOT_LISTED).order_by()
        by_pk = {work.pk: work for work in listed}
        page.object_list = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    else:
        ordered = works.order_by(*sorts[sort][1]) if query else sort_works(works, sort)
        page = paginate(request, ordered.defer(*NOT_LISTED), count=count)
    # Chosen tags show in their own list; the facets offer the others.
    included = {term.tag.slug for term in work_filter.includes}
    tag_facets = {kind: [v for v in values if v.value not in included] for kind, values in facets.tags.items()}
    snippets = snippets_for([work.pk for work in page], query) if query else {}
    for work in page:
        work.snippet = snippets.get(work.pk)
    attach_listing(page)
    attach_blurbs(page)
    context.update(
        page=page,
        facets=facets,
        tag_facets=tag_facets,
        work_filter=work_filter,
        sort=sort,
        near=near,
        capped=capped,
    )
    return render(request, template, context)


def _capped_count(works) -> int:
    """The number of works, counting no further than SEARCH_COUNT_CAP + 1."""
    return works.order_by().values("pk")[: SEARCH_COUNT_CAP + 1].count()
