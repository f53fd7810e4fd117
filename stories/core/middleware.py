import logging
import re
import time

from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render

request_log = logging.getLogger("quire.requests")


class RejectNulMiddleware:
    """PostgreSQL text cannot hold NUL characters; a URL or query-string value carrying
    one would fail deep in a query. Refuse such requests up front with a 400.

    Form bodies are left to the forms (Django's CharField already refuses NUL), so that
    upload views can still choose their upload handlers before the body is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if "\x00" in request.path or _has_nul(request.GET):
            reason = "The address contains a NUL character, which no page here accepts."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": reason}, status=400)  # the API answers JSON, errors too
            return render(request, "400.html", {"reason": reason}, status=400)
        return self.get_response(request)


def _has_nul(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


class AllowedMethodsMiddleware:
    """No page of the archive serves PUT, PATCH, DELETE, TRACE, CONNECT or any
    invented method: answer them 405 (with the Allow header) before any view runs,
    so a view written for GET cannot answer `TRACE /` with a page. Views narrow the
    set further (require_POST …)."""

    ALLOWED = ("GET", "HEAD", "POST", "OPTIONS")
    # The read API's only other methods: a reader's bookmark of a work is set with PUT
    # and removed with DELETE (stories/api/views.py).
    API_WRITES = re.compile(r"^/api/v1/works/[^/]+/bookmark$")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method in ("PUT", "DELETE") and self.API_WRITES.match(request.path):
            return self.get_response(request)
        if request.method not in self.ALLOWED:
            response = HttpResponseNotAllowed(self.ALLOWED)
            response.content = b"This method is not allowed here."
            return response
        return self.get_response(request)


class RequestLogMiddleware:
    """One log line per request on the `quire.requests` logger: method, path, status
    and time taken in milliseconds (plus the user id when signed in), e.g.
    `GET /works/ 200 12.4ms`. First in MIDDLEWARE, so the time covers the others too.
    The query string is left out: it may carry a search a reader would keep private."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed = (time.perf_counter() - start) * 1000
        user = getattr(request, "user", None)
        who = f" user={user.pk}" if user is not None and user.is_authenticated else ""
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        request_log.log(
            level,
            "%s %s %s %.1fms%s",
            request.method,
            request.path,
            response.status_code,
            elapsed,
            who,
            extra={"status_code": response.status_code, "duration_ms": round(elapsed, 1)},
        )
        return response
