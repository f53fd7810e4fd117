"""Site-wide pages that belong to no feature: error pages and the health check."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from stories.core.readiness import CHECKS, readiness_failures


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that might touch the database again.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any database failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": str(error)[:200]}, status=503)
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    """200 when the database, the cache and the job queue answer and every migration
    is applied; 503 naming what failed (for a load balancer or an orchestrator)."""
    failures = readiness_failures()
    checks = {name: failures.get(name, "ok") for name in CHECKS}
    return JsonResponse(
        {"status": "unavailable" if failures else "ok", "checks": checks}, status=503 if failures else 200
    )
