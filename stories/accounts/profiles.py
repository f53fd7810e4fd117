from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from stories.models import Series, SeriesPart, Work
from stories.views.works import paginate, reader_works

User = get_user_model()


def series_detail(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_object_or_404(Series.objects.prefetch_related("creators"), pk=series_id)
    visible = reader_works(request)
    parts = list(
        SeriesPart.objects.filter(series=series, work__in=visible)
        .prefetch_related(Prefetch("work", queryset=Work.objects.for_listing()))
        .order_by("position")
    )
    return render(request, "stories/series_detail.html", {"series": series, "parts": parts})


def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    works = reader_works(request).by_creator(person).for_listing().order_by("-updated_at", "-id")
    page = paginate(request, works)
    series = Series.objects.filter(creators=person).order_by("title")
    return render(request, "stories/user_detail.html", {"person": person, "page": page, "series": series})


def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any database failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": str(error)[:200]}, status=503)
    return JsonResponse({"status": "ok"})
