from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render


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
    # The read API's few writes are PUT and DELETE on its own routes, which answer
    # 405 themselves for any other method (django-ninja routes by method).
    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method not in self.ALLOWED and not request.path.startswith(self.API_PREFIX):
            response = HttpResponseNotAllowed(self.ALLOWED)
            response.content = b"This method is not allowed here."
            return response
        return self.get_response(request)
