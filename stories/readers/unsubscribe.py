"""One-click unsubscribe links for emails: a signed token naming the user, so the
link works without signing in and cannot be forged for someone else."""

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.urls import reverse

SALT = "quire.unsubscribe"


def unsubscribe_token(user: AbstractBaseUser) -> str:
    return signing.dumps({"u": user.pk}, salt=SALT, compress=True)


def unsubscribe_url(user: AbstractBaseUser) -> str:
    return reverse("stories:unsubscribe", args=[unsubscribe_token(user)])


def unsubscribe_user_id(token: str) -> int | None:
    """The user id in a valid token; None for a forged or damaged one."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    user_id = value.get("u") if isinstance(value, dict) else None
    return user_id if isinstance(user_id, int) else None
