"""Accounts that cannot impersonate: normalised, case-insensitive, confusable and
reserved names refused at sign-up with a message naming the rule."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from stories.accounts.usernames import normalise, reserved_names, skeleton
from tests import factories
from tests.authoring_support.forms import CsrfClient
from tests.helpers import sign_up_and_confirm

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "correct-horse-battery-9"


def sign_up(username: str, email: str = "new@example.org"):
    data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return CsrfClient().post(reverse("signup"), data)


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("dоnaldlozano", "looks like an existing one"),  # Cyrillic о
        ("DonaldLozano", "already exists"),
        ("ｄｏｎａｌｄｌｏｚａｎｏ", "already exists"),  # full-width: NFKC makes it the same
        ("..", "start or end with a dot"),
        (".hidden", "start or end with a dot"),
        ("trailing.", "start or end with a dot"),
        ("admin", "reserved"),
        ("API", "reserved"),
        ("opds", "reserved"),
        ("static", "reserved"),
        ("works", "reserved"),
        ("tags", "reserved"),
        ("inbox", "reserved"),
        ("healthz", "reserved"),
        ("two words", "only letters, digits"),
        ("slash/name", "only letters, digits"),
        ("at@sign", "only letters, digits"),
        ("rtl\u202eevil", "only letters, digits"),
        ("pаypal", "mixes alphabets"),  # Cyrillic а, no such account yet
    ],
)
def test_impersonating_or_unsafe_usernames_are_refused(username, message):
    factories.UserFactory(username="donaldlozano")
    before = User.objects.count()
    response = sign_up(username)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


@pytest.mark.parametrize("username", ["donald.lozano", "d_l-2", "Иван", "山田", "émile"])
def test_safe_usernames_are_accepted(username):
    factories.UserFactory(username="donaldlozano")
    data = {"username": username, "email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD}
    response = sign_up_and_confirm(CsrfClient(), data)
    assert response.status_code == 302
    assert User.objects.filter(username=normalise(username)).exists()


def test_the_database_refuses_a_case_twin_whatever_path_writes_it():
    factories.UserFactory(username="casey")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="CASEY")


def test_every_first_path_segment_is_reserved():
    for segment in ("works", "users", "series", "search", "post", "drafts", "admin", "accounts", "invitations"):
        assert segment in reserved_names()


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcdefghijkmnoprstuvwxyz", min_size=1, max_size=20))
def test_a_cyrillic_look_alike_has_the_same_skeleton(name):
    # Cyrillic о, а, е, р, с, х look exactly like the Latin letters.
    twin = name.translate(str.maketrans("oaepcx", "оаерсх"))
    assert skeleton(twin) == skeleton(name)
