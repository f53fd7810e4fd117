"""Prometheus metrics, served at /metrics when METRICS_ENABLED is on (off by default).

What is measured (prometheus_client, in the Prometheus text format):
- per request, by view name (`stories:work-detail`; `unresolved` for an unknown
  address), method and status: `quire_http_requests_total` and the latency histogram
  `quire_http_request_duration_seconds` (seconds, from the first middleware to the last);
- per request, by view: the SQL statements run, `quire_db_queries_total`, and those
  that raised, `quire_db_errors_total`;
- read from the database when scraped: the job queue by queue and status
  (`quire_jobs`), works posted, hits not yet added to the works' counters, emails
  waiting to be sent, and `quire_database_up` (0 when those could not be read).

Several gunicorn workers add up: the settings point prometheus_client's multiprocess
mode at a folder (PROMETHEUS_MULTIPROC_DIR, default var/metrics/) where each process
keeps its own counts in a small file; a scrape, answered by any worker, sums the files
of every process, those that have since exited included (counters never go down).
The folder must be emptied when the server starts: `make run` does it
(`python -m archive.dbctl metrics-reset`).

The middleware answers /metrics itself, before the other middleware: a scraper on the
server's own machine asks for http://127.0.0.1:PORT/metrics, a host name ALLOWED_HOSTS
may not list, over plain HTTP that SECURE_SSL_REDIRECT would send elsewhere; who may
read is decided by `metrics_allowed` instead (scrapes are neither counted nor logged).
Without METRICS_ENABLED the middleware
is not installed and /metrics is an address like any unknown one: 404.
"""

import hmac
import ipaddress
import logging
import os
import time
from contextlib import ExitStack

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed
from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

logger = logging.getLogger("quire.metrics")

# registry=None: nothing is registered globally; each scrape builds its own registry.
REQUESTS = Counter(
    "quire_http_requests_total",
    "Requests answered, by view, method and status.",
    ["view", "method", "status"],
    registry=None,
)
LATENCY = Histogram(
    "quire_http_request_duration_seconds",
    "Time to answer a request, in seconds, by view.",
    ["view", "method"],
    registry=None,
)
DB_QUERIES = Counter(
    "quire_db_queries_total", "SQL statements run while answering requests, by view.", ["view"], registry=None
)
DB_ERRORS = Counter("quire_db_errors_total", "SQL statements that raised an error, by view.", ["view"], registry=None)
REQUEST_METRICS = (REQUESTS, LATENCY, DB_QUERIES, DB_ERRORS)

# Any other method (a client may send anything) is counted as "other", so a stranger
# cannot add label values without end; the same goes for addresses no view serves.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNRESOLVED = "unresolved"
METRICS_PATH = "/metrics"
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


class _QueryCounter:
    """A database execute wrapper (Django's connection.execute_wrapper) counting the
    statements of one request and those that raised."""

    def __init__(self):
        self.queries = 0
        self.errors = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        try:
            return execute(sql, params, many, context)
        except Exception:
            self.errors += 1
            raise


class MetricsMiddleware:
    """Counts each request (view, method, status), its time and its SQL statements.
    Installed first in MIDDLEWARE by the settings only when METRICS_ENABLED is on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path_info == METRICS_PATH:
            return metrics_response(request)
        counter = _QueryCounter()
        start = time.perf_counter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        elapsed = time.perf_counter() - start
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else UNRESOLVED
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        LATENCY.labels(view, method).observe(elapsed)
        if counter.queries:
            DB_QUERIES.labels(view).inc(counter.queries)
        if counter.errors:
            DB_ERRORS.labels(view).inc(counter.errors)
        return response


class QuireFigures:
    """A collector read at each scrape: the job queue, works posted, hits and emails
    waiting. Four small queries (counts over indexed columns or small tables)."""

    def collect(self):
        jobs = GaugeMetricFamily("quire_jobs", "Jobs in the queue, by queue and status.", labels=["queue", "status"])
        up = GaugeMetricFamily("quire_database_up", "1 when the figures below could be read from the database.")
        try:
            figures = _database_figures()
        except DatabaseError as error:
            logger.warning("metrics: could not read the database figures: %s", error)
            connection.close_if_unusable_or_obsolete()
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for (queue, status), count in sorted(figures["jobs"].items()):
            jobs.add_metric([queue, status], count)
        yield jobs
        for name, documentation in (
            ("works_posted", "Works posted (hidden ones included)."),
            ("hits_waiting", "Hits recorded but not yet added to their works' counters."),
            ("emails_waiting", "Emails queued and not yet sent."),
        ):
            yield GaugeMetricFamily(f"quire_{name}", documentation, value=figures[name])


def _database_figures() -> dict:
    from procrastinate.jobs import Status

    from stories.models import Hit, OutgoingEmail, Work

    with connection.cursor() as cursor:
        cursor.execute("SELECT queue_name, status, count(*) FROM procrastinate_jobs GROUP BY queue_name, status")
        rows = cursor.fetchall()
    queues = {queue for queue, _status, _count in rows} or {"default"}
    # Every status of every queue seen, zeros included, so a rate over time has a start.
    jobs = {(queue, status.value): 0 for queue in queues for status in Status}
    jobs.update({(queue, status): count for queue, status, count in rows})
    return {
        "jobs": jobs,
        "works_posted": Work.objects.posted().count(),
        "hits_waiting": Hit.objects.filter(counted=False).count(),
        "emails_waiting": OutgoingEmail.objects.filter(sent_at__isnull=True).count(),
    }


def metrics_registry() -> CollectorRegistry:
    """A registry holding what one scrape reports: every process's request metrics (from
    the multiprocess folder when there is one, else this process's own) and the figures."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in REQUEST_METRICS:
            registry.register(metric)
    registry.register(QuireFigures())
    return registry


def metrics_response(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus text format for a permitted scraper (`metrics_allowed`);
    403 for anyone else; 405 for a method other than GET and HEAD."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not metrics_allowed(request):
        return HttpResponseForbidden(
            "Metrics are served only to the addresses in METRICS_ALLOWED_IPS or with the bearer token.",
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(generate_latest(metrics_registry()), content_type=CONTENT_TYPE_LATEST)


def metrics_allowed(request: HttpRequest) -> bool:
    """Whether this request may read the metrics: it carries `Authorization: Bearer
    <METRICS_TOKEN>` (when a token is set), or it comes straight from an address in
    METRICS_ALLOWED_IPS (addresses or networks; default the loopback addresses). A
    request that came through a proxy (it carries X-Forwarded-For, Forwarded or
    X-Real-IP) is not let in by address: the address seen is the proxy's."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:  # ::ffff:127.0.0.1 from a dual-stack socket
        address = address.ipv4_mapped
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)
