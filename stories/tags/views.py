"""The tag index and a tag's page of works (synonyms included)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from stories.discovery.query import WorksQuery
from stories.models import Tag, TagKind


def tag_list(request: HttpRequest) -> HttpResponse:
    tags = list(Tag.objects.canonical_or_free().with_work_counts().filter(work_count__gt=0).order_by("name"))
    groups = [(label, [t for t in tags if t.kind == kind]) for kind, label in TagKind.choices]
    return render(request, "tags/tag_list.html", {"groups": groups})


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.select_related("synonym_of"), slug=slug)
    if tag.synonym_of_id:
        # A synonym's works are the canonical tag's works: one page for both.
        return redirect(tag.synonym_of)
    if not tag.canonical and not Tag.objects.with_work_counts().filter(pk=tag.pk, work_count__gt=0).exists():
        # A tag only drafts (or hidden works) use is not public yet.
        raise Http404("No such tag.")
    result = WorksQuery(request, tag=tag).run()
    context = {"tag": tag, "synonyms": tag.synonyms.order_by("name"), "parents": tag.parents.order_by("name")}
    return render(request, "tags/tag_detail.html", {**context, **result.context()}, status=result.status)
