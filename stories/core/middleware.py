from django.http import HttpRequest, JsonResponse
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
