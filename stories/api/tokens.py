"""Making and revoking personal access tokens (the writes behind the Preferences
page's token section)."""

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from stories.models import ApiToken, TokenScope
from stories.models.tokens import token_digest, token_new_secret

MAX_TOKENS = 20  # per reader: more is a leak waiting to happen, not a need


class TokenRefused(ValueError):
    """A token that cannot be made; the message is shown as it is."""


@transaction.atomic
def token_create(*, user: AbstractBaseUser, name: str, scopes: Sequence[str]) -> tuple[ApiToken, str]:
    """A new token for `user` named `name` (1-100 characters) with `scopes` (a
    non-empty subset of read, write; write implies read). Returns the row and the
    token's text, which is never stored and cannot be shown again. Raises
    TokenRefused for a bad name or scope, or past MAX_TOKENS active tokens."""
    name = " ".join((name or "").split())
    if not name or len(name) > 100 or not name.isprintable():
        raise TokenRefused("Give the token a name of 1 to 100 characters.")
    chosen = set(scopes)
    if not chosen or not chosen <= set(TokenScope.values):
        raise TokenRefused("Choose what the token may do.")
    if TokenScope.WRITE in chosen:
        chosen.add(TokenScope.READ)
    # Lock the reader's row so two quick submissions cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_TOKENS:
        raise TokenRefused(f"You have {MAX_TOKENS} tokens already: revoke one first.")
    secret = token_new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=token_digest(secret),
        hint=secret[:10],
        scopes=sorted(chosen),
    )
    return token, secret


def token_revoke(*, token: ApiToken, user: AbstractBaseUser) -> None:
    """Revoke `token` at once (it belongs to `user`; raises TokenRefused otherwise)."""
    if token.user_id != user.pk:
        raise TokenRefused("You can only revoke your own tokens.")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
