"""Personal access tokens: how a reader's own tools (and e-reader apps) act as them
through the read API and the OPDS catalogue.

Only a SHA-256 digest of each token is stored: the token itself is shown once, when
it is made, and a leaked table gives nobody a working token. A token carries scopes
(`read` for the reader's own lists, `write` for bookmarks and kudos) and stops
working the moment it is revoked: every request looks it up again.
"""

import hashlib
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

TOKEN_PREFIX = "quire_"  # noqa: S105 - a marker, not a secret


class TokenScope(models.TextChoices):
    READ = "read", "Read your bookmarks, history, marked-for-later and subscriptions"
    WRITE = "write", "Add and remove bookmarks, leave kudos"


def token_digest(token: str) -> str:
    """The stored form of a token: the hex SHA-256 of its text (64 characters).
    The secret is 256 random bits, so a plain hash is enough (no salt, no stretching)."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def token_new_secret() -> str:
    """A fresh token: "quire_" and 43 URL-safe characters (32 random bytes)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Tokens that still work: not revoked, and whose owner may still sign in."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def for_secret(self, token: str):
        """The active token whose text is `token` (looked up by digest), or None."""
        return self.active().filter(digest=token_digest(token)).select_related("user").first()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the reader uses it for, to tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, shown in the list so a reader can tell which is which.
    hint = models.CharField(max_length=16, editable=False)
    scopes = ArrayField(models.CharField(max_length=8, choices=TokenScope.choices), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user")]
        constraints = [
            models.CheckConstraint(condition=~Q(scopes=[]), name="apitoken_has_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
