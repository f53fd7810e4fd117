from django.http import HttpRequest, HttpResponseBadRequest


class RejectNulMiddleware:
    """PostgreSQL text cannot hold NUL characters; a URL or form value carrying one
    would fail deep in a query. Refuse such requests up front with a 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest("Bad request: the address or form contains a NUL character.")
        return self.get_response(request)


def _has_nul(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())
