"""Sign-ups waiting for their email confirmation.

A sign-up for an address no account uses is held here, not as a User, until someone
opens the link mailed to that address: nobody can log in, hold a username or be found
by email before then. Each sign-up is its own row with its own password hash, so a
second sign-up for the same address (a retry, or someone else's) never changes what an
earlier link confirms. Rows older than QUIRE_SIGNUP_LINK_HOURS are dead and are
deleted by the next sign-up.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class SignupRequestQuerySet(models.QuerySet):
    def live(self):
        """Requests whose link has not expired yet."""
        return self.filter(created_at__gt=signup_link_oldest())

    def expired(self):
        return self.filter(created_at__lte=signup_link_oldest())


def signup_link_oldest() -> datetime.datetime:
    """The creation time before which a sign-up link no longer works."""
    return timezone.now() - datetime.timedelta(hours=settings.QUIRE_SIGNUP_LINK_HOURS)


class SignupRequest(models.Model):
    """A sign-up form as submitted: `password` is a Django password hash (never the
    password itself); `username` has passed the username rules at sign-up and is
    checked again when the link is opened."""

    username = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = SignupRequestQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(models.functions.Lower("email"), name="signuprequest_email_lower"),
            models.Index(models.functions.Lower("username"), name="signuprequest_username_lower"),
        ]

    def __str__(self) -> str:
        return f"{self.username} <{self.email}> (unconfirmed)"
