"""Who is calling through an `Authorization` header: a personal access token
(`Bearer quire_…`) or, for e-reader apps that only know passwords, HTTP Basic.

The API knows readers only by token: it ignores the session cookie, so a page on
another site can never act as a signed-in visitor (no CSRF surface, no credentials
in CORS). The OPDS catalogue and EPUB downloads also take Basic, and fall back on
the session for a reader browsing them in the same browser.
"""

import base64
import binascii
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from stories.models import ApiToken

# A token's last use is written at most this often: reads stay reads.
LAST_USED_EVERY_SECONDS = 300


class CredentialsRefused(Exception):
    """The request carried credentials that do not work (unknown, revoked or
    malformed token; wrong password). `scheme` names the challenge to send back."""

    def __init__(self, message: str, scheme: str = "Bearer"):
        super().__init__(message)
        self.scheme = scheme


@dataclass
class Caller:
    """Who is calling: `user` (None for a guest) and the `token` used, if any."""

    user: AbstractBaseUser | None = None
    token: ApiToken | None = None

    def allows(self, scope: str) -> bool:
        """Whether this caller may use `scope`: a token must carry it; a password
        or session (OPDS only) is the reader themself and may read."""
        if self.user is None:
            return False
        if self.token is not None:
            return self.token.allows(scope)
        return scope == "read"


def caller_from_header(request: HttpRequest, *, basic: bool) -> Caller | None:
    """The caller named by the Authorization header; None when there is no header.
    Raises CredentialsRefused for credentials that do not work, at once for a token
    revoked a moment ago (every call looks the token up again)."""
    header = request.META.get("HTTP_AUTHORIZATION", "").strip()
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "bearer":
        return Caller(user=(token := _token(value)).user, token=token)
    if scheme == "basic" and basic:
        return _basic_caller(request, value)
    raise CredentialsRefused("Send a personal access token as `Authorization: Bearer <token>`.")


def _token(value: str) -> ApiToken:
    if not value or len(value) > 200 or not value.isprintable():
        raise CredentialsRefused("That is not a token.")
    token = ApiToken.objects.for_secret(value)
    if token is None:
        raise CredentialsRefused("This token is unknown or has been revoked.")
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def _basic_caller(request: HttpRequest, value: str) -> Caller:
    # Password guessing through the catalogue is held to the log-in form's rate.
    if is_ratelimited(
        request,
        group="opds-basic",
        key="ip",
        rate=lambda group, request: settings.QUIRE_LOGIN_RATE,
        increment=True,
    ):
        raise CredentialsRefused("Too many attempts; wait a minute and try again.", scheme="Basic")
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CredentialsRefused("Malformed Basic credentials.", scheme="Basic") from None
    username, sep, password = decoded.partition(":")
    if not sep or not username:
        raise CredentialsRefused("Malformed Basic credentials.", scheme="Basic")
    # A token works as the password too: apps that only ask for a password can use one.
    if password.startswith("quire_"):
        token = _token(password)
        if token.user.get_username() == username:
            return Caller(user=token.user, token=token)
        raise CredentialsRefused("Wrong user name or password.", scheme="Basic")
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise CredentialsRefused("Wrong user name or password.", scheme="Basic")
    return Caller(user=user)
