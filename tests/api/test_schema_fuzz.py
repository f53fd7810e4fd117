"""Schemathesis against the live server, driven by the API's own OpenAPI schema:
for every operation a bounded number of generated requests (valid and invalid
parameters, with and without a token), and none may answer 5xx or with a status,
content type or body the schema does not document."""

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stories.api.tokens import token_create
from stories.models import Bookmark, ReadingPosition, Series, SeriesPart, Subscription
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def populated(settings):
    """A small archive with something behind every endpoint, and a write token."""
    settings.QUIRE_API_RATE = "100000/m"
    reader = factories.UserFactory(username="reader")
    fandom = factories.TagFactory(name="Naruto", kind="fandom", canonical=True)
    factories.TagFactory(name="Naruto (Anime)", kind="fandom", synonym_of=fandom)
    series = Series.objects.create(title="A series", description="Its *description*.")
    works = [factories.WorkFactory(tags=[fandom, factories.TagFactory()], chapters=2) for _ in range(3)]
    series.creators.add(works[0].creator_users[0])
    SeriesPart.objects.create(series=series, work=works[0], position=1)
    Bookmark.objects.create(user=reader, work=works[1], note="Good.")
    Bookmark.objects.create(user=reader, work=works[2], for_later=True, is_private=True)
    ReadingPosition.objects.create(
        user=reader, work=works[0], chapter=works[0].chapters.first(), read_at=works[0].updated_at
    )
    Subscription.objects.create(user=reader, tag=fandom)
    return token_create(user=reader, name="fuzz", scopes=["read", "write"])[1]


def _run(operation, base_url: str, headers: dict) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call(base_url=base_url, headers=headers)
        case.validate_response(response, checks=CHECKS)

    check()


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "token"])
def test_every_operation_answers_as_its_schema_says(live_server, populated, signed_in):
    base_url = f"{live_server.url}/api/v1"
    schema = openapi.from_url(f"{base_url}/schema")
    headers = {"Authorization": f"Bearer {populated}"} if signed_in else {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:
        _run(operation, live_server.url, headers)
