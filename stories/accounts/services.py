"""Write paths for accounts that are not django.contrib.auth's own: sign-up confirmed by
email, and accounts made for imports.

Sign-up answers the same whether an address is known or not; the email sent to that
address carries the difference (services below, views in accounts.views):

- unknown address: a SignupRequest row and a link to confirm it, signed with Django's
  signing machinery (a TimestampSigner under SECRET_KEY), valid QUIRE_SIGNUP_LINK_HOURS;
- known address: a note to its owner that someone tried, with links to log in and to
  reset the password; nothing is saved.
"""

import logging
import smtplib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from stories.accounts.usernames import username_problem
from stories.models import SignupRequest

User = get_user_model()
logger = logging.getLogger(__name__)

SIGNUP_SALT = "quire.accounts.signup"
MAX_NEXT_LENGTH = 1000
CONFIRM_SUBJECT = "Confirm your Quire account"
KNOWN_SUBJECT = "Someone tried to sign up to Quire with your email address"


class SignupError(Exception):
    """A sign-up that cannot go on; str() is the message for the reader."""


class SignupMailError(SignupError):
    """The email of a sign-up could not be handed to the mail server (nothing was saved)."""


def user_get_or_create(*, username: str) -> AbstractBaseUser:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def signup_token(*, request_id: int, next_url: str) -> str:
    """The signed, timestamped token of a confirmation link (URL-safe characters and ':')
    carrying the SignupRequest id and where to return the reader afterwards."""
    return signing.dumps({"r": request_id, "n": next_url[:MAX_NEXT_LENGTH]}, salt=SIGNUP_SALT)


def signup_token_read(token: str) -> tuple[int, str]:
    """(SignupRequest id, next URL) from a token. Raises SignupError when it was not made
    here, was altered, or is older than QUIRE_SIGNUP_LINK_HOURS."""
    try:
        data = signing.loads(token, salt=SIGNUP_SALT, max_age=settings.QUIRE_SIGNUP_LINK_HOURS * 3600)
    except signing.SignatureExpired:
        raise SignupError("This confirmation link has expired. Sign up again to get a new one.") from None
    except signing.BadSignature:
        raise SignupError("This confirmation link is not valid. Check that you copied all of it.") from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int) or not isinstance(data.get("n"), str):
        raise SignupError("This confirmation link is not valid. Check that you copied all of it.")
    return data["r"], data["n"]


def signup_begin(*, username: str, email: str, password: str, next_url: str, site: str) -> None:
    """Take a valid sign-up form (`username` already passed the username rules) and send
    exactly one email to `email`: a confirmation link (`site` + path, `site` like
    "https://example.org") when no account uses the address, otherwise a note to its
    owner. Raises SignupMailError, saving nothing, when the mail cannot be sent."""
    # Hash in both cases, so that the two answers take about as long.
    password_hash = make_password(password)
    known = list(User.objects.filter(email__iexact=email).order_by("pk"))
    try:
        with transaction.atomic():
            if known:
                _send_known_address_mail(users=known, next_url=next_url, site=site)
            else:
                SignupRequest.objects.expired().delete()
                pending = SignupRequest.objects.create(username=username, email=email, password=password_hash)
                _send_confirmation_mail(pending=pending, next_url=next_url, site=site)
    except (smtplib.SMTPException, OSError) as error:
        logger.error("Sign-up email could not be sent: %s", error)
        raise SignupMailError(
            "We could not send you an email just now. Nothing was saved: please try again in a few minutes."
        ) from error


def _send_confirmation_mail(*, pending: SignupRequest, next_url: str, site: str) -> None:
    token = signup_token(request_id=pending.pk, next_url=next_url)
    body = render_to_string(
        "registration/signup_confirm_email.txt",
        {
            "username": pending.username,
            "link": site + reverse("signup-confirm", args=[token]),
            "hours": settings.QUIRE_SIGNUP_LINK_HOURS,
        },
    )
    send_mail(CONFIRM_SUBJECT, body, None, [pending.email])


def _send_known_address_mail(*, users: list[AbstractBaseUser], next_url: str, site: str) -> None:
    login = site + reverse("login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    body = render_to_string(
        "registration/signup_known_email.txt",
        {
            "usernames": [user.get_username() for user in users],
            "login_link": login,
            "reset_link": site + reverse("password_reset"),
        },
    )
    send_mail(KNOWN_SUBJECT, body, None, [users[0].email])


def signup_pending_for(token: str) -> tuple[SignupRequest, str]:
    """The live SignupRequest a token confirms, and its next URL. Raises SignupError
    (with the reader's message) when the token is bad or expired or the request is gone."""
    request_id, next_url = signup_token_read(token)
    pending = SignupRequest.objects.live().filter(pk=request_id).first()
    if pending is None:
        raise SignupError("This confirmation link has already been used or has expired. Log in, or sign up again.")
    return pending, next_url


@dataclass(frozen=True)
class SignupConfirmed:
    user: AbstractBaseUser
    next_url: str


@transaction.atomic
def signup_confirm(*, token: str) -> SignupConfirmed:
    """Turn the sign-up a confirmation token names into an active account and forget
    every other sign-up for the same address. Raises SignupError (saving nothing) when
    the link is bad, expired or used, when the address has an account by now, or when
    someone else took the username meanwhile."""
    pending, next_url = signup_pending_for(token)
    # Lock every sign-up for this address (in id order), so two links of the same
    # address opened at once make one account: the second waits, then finds it.
    same_address = list(
        SignupRequest.objects.select_for_update().filter(email__iexact=pending.email).order_by("pk").only("pk")
    )
    if pending.pk not in {row.pk for row in same_address}:
        raise SignupError("This confirmation link has already been used or has expired. Log in, or sign up again.")
    if User.objects.filter(email__iexact=pending.email).exists():
        SignupRequest.objects.filter(email__iexact=pending.email).delete()
        raise SignupError(
            "This email address already has an account. Log in, or reset its password if you have forgotten it."
        )
    taken = f"Someone took the username “{pending.username}” before you confirmed. Please sign up again with another."
    if problem := username_problem(pending.username):
        raise SignupError(f"{problem} Please sign up again with another username.")
    try:
        with transaction.atomic():
            user = User.objects.create(
                username=pending.username, email=pending.email, password=pending.password, is_active=True
            )
    except IntegrityError:  # the same name, case aside, committed a moment ago
        raise SignupError(taken) from None
    SignupRequest.objects.filter(email__iexact=pending.email).delete()
    return SignupConfirmed(user=user, next_url=next_url)


def signup_unconfirmed(*, username: str, password: str) -> bool:
    """Whether `username` and `password` match a live sign-up that is still waiting for
    its confirmation (so the log-in page can say so to the one who typed them)."""
    candidates = SignupRequest.objects.live().filter(username__iexact=username).order_by("-pk")[:5]
    return any(check_password(password, row.password) for row in candidates)
