from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stories.search import clean_query
from stories.views.listing import render_works_index
from stories.views.works import reader_works


def search(request: HttpRequest) -> HttpResponse:
    """Full-text search, combinable with every filter of the works index."""
    query = clean_query(request.GET.get("q", ""))
    if not query:
        return render(request, "stories/search.html", {"query": ""})
    return render_works_index(
        request, reader_works(request), "stories/search.html", {}, facet_prefix=f"search:{query}", query=query
    )
