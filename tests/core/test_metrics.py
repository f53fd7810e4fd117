"""Prometheus metrics at /metrics: off by default (404, no middleware); when on, the
counters move with requests and only permitted scrapers may read them. Several
gunicorn workers adding up is tested with a real server in tests/ops/test_metrics.py."""

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from stories.core.metrics import _QueryCounter
from tests import factories
from tests.helpers import django_setup_in_subprocess

pytestmark = pytest.mark.django_db
METRICS_MIDDLEWARE = "stories.core.metrics.MetricsMiddleware"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_ENABLED = True
    settings.MIDDLEWARE = [METRICS_MIDDLEWARE, *settings.MIDDLEWARE]
    return settings


def scrape(client=None, **extra) -> dict[tuple[str, frozenset], float]:
    """{(sample name, its labels): value} of one scrape, parsed as Prometheus would."""
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_are_off_by_default_and_cost_no_middleware(client):
    assert django_settings.METRICS_ENABLED is False
    assert METRICS_MIDDLEWARE not in django_settings.MIDDLEWARE
    response = client.get("/metrics")
    assert response.status_code == 404
    assert b"quire_http_requests_total" not in response.content


def test_requests_move_the_counters_by_view_and_status(client, metrics_on):
    before = scrape()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.get("/works/987654321/").status_code == 404
    assert client.get("/no-such-page/").status_code == 404
    after = scrape()

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("quire_http_requests_total", view="healthz", method="GET", status="200") == 3
    assert moved("quire_http_requests_total", view="stories:work-detail", method="GET", status="404") == 1
    assert moved("quire_http_requests_total", view="unresolved", method="GET", status="404") == 1
    assert moved("quire_http_request_duration_seconds_count", view="healthz", method="GET") == 3
    assert moved("quire_http_request_duration_seconds_bucket", view="healthz", method="GET", le="+Inf") == 3
    assert moved("quire_http_request_duration_seconds_sum", view="healthz", method="GET") > 0
    assert moved("quire_db_queries_total", view="healthz") >= 3  # one SELECT 1 each at least


def test_a_stranger_method_is_counted_as_other(client, metrics_on):
    before = scrape()
    client.generic("BREW", "/healthz")
    after = scrape()
    labels = {"view": "unresolved", "method": "other", "status": "405"}
    assert (
        value(after, "quire_http_requests_total", **labels) - value(before, "quire_http_requests_total", **labels) == 1
    )


def test_failed_statements_are_counted():
    counter = _QueryCounter()
    # The savepoint's own statements (outside the wrapper) are not counted here.
    with (
        pytest.raises(Exception, match="division by zero"),
        transaction.atomic(),
        connection.execute_wrapper(counter),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT 1")
        cursor.execute("SELECT 1 / 0")
    assert (counter.queries, counter.errors) == (2, 1)


def test_the_scrape_reports_the_job_queue_works_and_waiting_hits(metrics_on):
    from procrastinate.contrib.django import app

    from stories.readers.hits import hit_record

    before = scrape()
    work = factories.WorkFactory()
    hit_record(work_id=work.pk, visitor="someone")
    app.perform_import_paths()
    app.tasks["stories.readers.tasks.hits_aggregate_job"].defer(timestamp=1)
    after = scrape()
    assert value(after, "quire_works_posted") == value(before, "quire_works_posted") + 1
    assert value(after, "quire_hits_waiting") == value(before, "quire_hits_waiting") + 1
    assert value(after, "quire_jobs", queue="default", status="todo") == (
        value(before, "quire_jobs", queue="default", status="todo") + 1
    )
    assert ("quire_jobs", frozenset({"queue": "default", "status": "failed"}.items())) in after  # zeros shown too
    assert value(after, "quire_database_up") == 1


@pytest.mark.parametrize(
    ("address", "headers", "status"),
    [
        ("127.0.0.1", {}, 200),
        ("::1", {}, 200),
        ("::ffff:127.0.0.1", {}, 200),
        ("203.0.113.9", {}, 403),  # the world
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, 403),  # the world through a local proxy
        ("203.0.113.9", {"HTTP_AUTHORIZATION": "Bearer wrong-token"}, 403),
        ("203.0.113.9", {"HTTP_AUTHORIZATION": "Bearer s3cret-scrape-token"}, 200),
        ("10.20.30.40", {}, 403),
    ],
)
def test_only_allowed_addresses_or_the_token_may_read(metrics_on, address, headers, status):
    metrics_on.METRICS_TOKEN = "s3cret-scrape-token"
    response = Client().get("/metrics", REMOTE_ADDR=address, **headers)
    assert response.status_code == status
    assert (b"quire_http_requests_total" in response.content) == (status == 200)


def test_allowed_addresses_may_be_networks(metrics_on):
    import ipaddress

    metrics_on.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    assert Client().get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    assert Client().post("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 405


def test_a_scraper_on_the_machine_needs_neither_the_site_name_nor_https(metrics_on):
    # Production settings: another host name, HTTPS only; Prometheus asks 127.0.0.1:8000 over HTTP.
    metrics_on.ALLOWED_HOSTS = ["quire.example.org"]
    metrics_on.SECURE_SSL_REDIRECT = True
    scraper = Client(HTTP_HOST="127.0.0.1:8000")
    assert scraper.get("/metrics").status_code == 200
    assert scraper.get("/healthz").status_code == 400  # every other address still checks the host


def test_a_bad_allowed_address_stops_the_settings_with_a_clear_message():
    result = django_setup_in_subprocess(METRICS_ALLOWED_IPS="127.0.0.1,not-an-address")
    assert result.returncode != 0
    assert "METRICS_ALLOWED_IPS must list addresses or networks" in result.stderr
