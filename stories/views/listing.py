"""The filtered works index shared by /works/, tag pages and search: the filter
form, the sidebar with facet counts, sorting and pagination, in a fixed number of
queries whatever the page holds."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stories.filters import SORTS, WorkFilterForm, facet_cache_key, facet_counts, filter_works, sort_works
from stories.search import is_plain, search_works, snippets_for
from stories.views.works import paginate

SEARCH_SORTS = {"relevance": ("Relevance", ("-rank", "-id")), **SORTS}


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
    near = False
    if query:
        exact = search_works(works, query)
        if is_plain(query) and not filter_works(exact, work_filter).exists():
            # Nothing matches as typed: look for titles and tags spelled nearly so.
            exact, near = search_works(works, query, near=True), True
        works = exact
    base, works = works, filter_works(works, work_filter)
    sort = work_filter.sort or ("relevance" if query else "updated")
    ordered = works.order_by(*sorts[sort][1]).for_listing() if query else sort_works(works, sort).for_listing()
    page = paginate(request, ordered)
    facets = facet_counts(base, work_filter, cache_key=facet_cache_key(request, facet_prefix))
    included = {term.tag.slug for term in work_filter.includes}
    # Chosen tags show in their own list; the facets offer the others.
    tag_facets = {kind: [v for v in values if v.value not in included] for kind, values in facets.tags.items()}
    snippets = snippets_for([work.pk for work in page], query) if query else {}
    for work in page:
        work.snippet = snippets.get(work.pk)
    context.update(page=page, facets=facets, tag_facets=tag_facets, work_filter=work_filter, sort=sort, near=near)
    return render(request, template, context)
