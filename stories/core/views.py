"""Site-wide pages that belong to no feature: error pages, the health check and the
endpoint browsers send Content-Security-Policy violation reports to."""

import json
import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from stories.core.readiness import CHECKS, readiness_failures

csp_logger = logging.getLogger("quire.csp")
# A browser's report is a few hundred bytes; anything far larger is not one.
MAX_CSP_REPORT_BYTES = 8 * 1024


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


@csrf_exempt  # browsers send reports without a token (and no cookies are trusted here)
@require_POST
@ratelimit(key="ip", rate=lambda group, request: settings.QUIRE_CSP_REPORT_RATE, method="POST", block=False)
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log one Content-Security-Policy violation report (JSON, at most 8 KB) and answer
    204; 413 when larger, 400 when not JSON, 429 when one address sends too many."""
    if getattr(request, "limited", False):
        return HttpResponse(status=429)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return HttpResponse(status=400)
    if length > MAX_CSP_REPORT_BYTES:
        return HttpResponse(status=413)
    body = request.read(MAX_CSP_REPORT_BYTES + 1)
    if len(body) > MAX_CSP_REPORT_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return HttpResponse(status=400)
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    details = report.get("csp-report", report)
    if not isinstance(details, dict):
        return HttpResponse(status=400)
    fields = ("document-uri", "violated-directive", "effective-directive", "blocked-uri", "source-file", "line-number")
    csp_logger.warning(
        "CSP violation: %s", {name: str(details.get(name, ""))[:300] for name in fields if name in details}
    )
    return HttpResponse(status=204)


def readyz(request: HttpRequest) -> HttpResponse:
    """200 when the database, the cache and the job queue answer and every migration
    is applied; 503 naming what failed (for a load balancer or an orchestrator)."""
    failures = readiness_failures()
    checks = {name: failures.get(name, "ok") for name in CHECKS}
    return JsonResponse(
        {"status": "unavailable" if failures else "ok", "checks": checks}, status=503 if failures else 200
    )
