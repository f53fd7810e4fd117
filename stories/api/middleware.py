"""What every call to the read API shares, in one place in front of its views:
who is calling (a token, never the session cookie), per-client rate limits (429 with
Retry-After), read-only CORS, HEAD, and conditional GET (ETag / Last-Modified, 304).

The OPDS catalogue and EPUB downloads only take their caller from here (a token or
HTTP Basic, so an e-reader app can reach what its reader may read).
"""

import hashlib
import json
import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_http_date_safe
from django_ratelimit.core import get_usage

from stories.api.auth import CredentialsRefused, caller_from_header
from stories.core.requests import client_ip

API_PREFIX = "/api/"
# Where an Authorization header may stand in for the session (read-only pages).
HEADER_AUTH_PATHS = re.compile(r"^/(opds/|works/\d+/download\.epub$)")
READ_METHODS = ("GET", "HEAD", "OPTIONS")
EXPOSED = "ETag, Last-Modified, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining"


def _json(status: int, detail: str) -> HttpResponse:
    return HttpResponse(json.dumps({"detail": detail}), status=status, content_type="application/json")


def _rate(group: str, request: HttpRequest) -> str:
    return settings.QUIRE_API_RATE


def _rate_key(group: str, request: HttpRequest) -> str:
    # One budget per token (wherever it calls from), else per address.
    token = getattr(request, "api_token", None)
    return f"token:{token.pk}" if token is not None else f"ip:{client_ip(request)}"


class ApiMiddleware:
    """Sits after AuthenticationMiddleware (it replaces `request.user`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            return self._api(request)
        if HEADER_AUTH_PATHS.match(request.path):
            try:
                caller = caller_from_header(request, basic=True)
            except CredentialsRefused as refused:
                response = HttpResponse(str(refused), status=401, content_type="text/plain; charset=utf-8")
                response["WWW-Authenticate"] = f'{refused.scheme} realm="Quire", charset="UTF-8"'
                return response
            if caller is not None:
                request.user, request.api_caller = caller.user, caller
        return self.get_response(request)

    def _api(self, request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":
            return _cors(request, self._preflight())
        try:
            caller = caller_from_header(request, basic=False)
        except CredentialsRefused as refused:
            response = _json(401, str(refused))
            response["WWW-Authenticate"] = 'Bearer realm="Quire"'
            return _cors(request, response)
        request.api_caller = caller
        request.api_token = caller.token if caller else None
        request.user = caller.user if caller else AnonymousUser()
        usage = get_usage(request, group="api", key=_rate_key, rate=_rate, increment=True)
        if usage is not None and usage["should_limit"]:
            response = _json(429, "Too many requests: slow down and try again after the time in Retry-After.")
            response["Retry-After"] = str(max(1, int(usage["time_left"])))
            return _cors(request, _rate_headers(response, usage))
        head = request.method == "HEAD"
        if head:
            request.method = "GET"  # the views answer GET; the body is dropped below
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            # Django's own pages (no such URL, a server error) as the API's JSON errors.
            response = _json(response.status_code, response.reason_phrase)
        if request.method == "GET":
            response = _conditional(request, response)
        if head:
            length = len(response.content) if not response.streaming else None
            response.content = b""
            if length is not None:
                response["Content-Length"] = str(length)
            request.method = "HEAD"
        patch_vary_headers(response, ["Authorization"])
        return _cors(request, _rate_headers(response, usage))

    @staticmethod
    def _preflight() -> HttpResponse:
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Authorization, If-None-Match, If-Modified-Since"
        response["Access-Control-Max-Age"] = "86400"
        return response


def _cors(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Anyone may read the API from a page on any site; nothing else crosses."""
    if request.method in READ_METHODS:
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED
    return response


def _rate_headers(response: HttpResponse, usage: dict | None) -> HttpResponse:
    if usage is not None:
        response["X-RateLimit-Limit"] = str(usage["limit"])
        response["X-RateLimit-Remaining"] = str(max(0, usage["limit"] - usage["count"]))
    return response


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """ETag from the body (what the client holds is what it would get), and the
    Last-Modified a view set from its data; a match answers 304 with no body."""
    if response.status_code != 200 or response.streaming:
        return response
    if not response.has_header("ETag"):
        response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    last_modified = parse_http_date_safe(response["Last-Modified"]) if response.has_header("Last-Modified") else None
    private = getattr(request, "api_caller", None) is not None
    response["Cache-Control"] = ("private" if private else "public") + ", max-age=0, must-revalidate"
    return get_conditional_response(request, etag=response["ETag"], last_modified=last_modified, response=response)
