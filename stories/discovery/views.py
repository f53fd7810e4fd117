"""The home page, the works index and search: each asks a WorksQuery and renders."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from stories.discovery.blurbs import attach_blurbs
from stories.discovery.query import WorksQuery
from stories.discovery.search import clean_query
from stories.models import Tag

HOME_WORKS = 10


def home(request: HttpRequest) -> HttpResponse:
    works = WorksQuery(request).latest(HOME_WORKS)
    attach_blurbs(works)
    return render(request, "discovery/home.html", {"works": works, "popular_tags": Tag.objects.popular()})


def work_list(request: HttpRequest) -> HttpResponse:
    """The works index with its filters (400 with the form's errors for refused
    filters). A reader with a saved default filter who opens /works/ bare gets it
    applied; `?all=1` (or any query) shows the index as asked."""
    query = WorksQuery(request)
    if not request.GET and query.default_filter:
        return HttpResponseRedirect(f"{request.path}?{query.default_filter}")
    result = query.run()
    return render(request, "discovery/work_list.html", result.context(), status=result.status)


def search(request: HttpRequest) -> HttpResponse:
    """Full-text search, combinable with every filter of the works index."""
    query = clean_query(request.GET.get("q", ""))
    if not query:
        return render(request, "discovery/search.html", {"query": ""})
    result = WorksQuery(request, q=query).run()
    return render(request, "discovery/search.html", result.context(), status=result.status)
