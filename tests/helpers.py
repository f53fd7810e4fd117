"""Small assertions shared by view tests, and the pieces of the tests that start
servers and workers in other processes."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import html5lib
from bs4 import BeautifulSoup


def assert_valid_html(response) -> None:
    """Parse the page as strict HTML5: any parse error fails the test."""
    assert response["Content-Type"].startswith("text/html")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(response.content.decode())


def blurb_titles(response) -> set[str]:
    """The titles of the work blurbs on a list page."""
    soup = BeautifulSoup(response.content, "html.parser")
    return {a.get_text() for a in soup.select(".blurb-title a")}


def jobs_run_pending(*, limit: int = 1000) -> list[str]:
    """Run the queued jobs in this test's thread and transaction, oldest first, as the
    worker would run them (the worker itself, in another process, cannot see a test's
    uncommitted rows: tests/readers/test_job_queue.py runs the real one). Returns the
    task names run; a job that raises fails the test."""
    from django.db import connection
    from procrastinate.contrib.django import app

    app.perform_import_paths()
    ran: list[str] = []
    for _ in range(limit):
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM procrastinate_jobs WHERE id = (SELECT id FROM procrastinate_jobs "
                "WHERE status = 'todo' ORDER BY id LIMIT 1) RETURNING task_name, args"
            )
            row = cursor.fetchone()
        if row is None:
            return ran
        name, args = row
        app.tasks[name](**(json.loads(args) if isinstance(args, str) else args))
        ran.append(name)
    raise AssertionError(f"still jobs queued after {limit}: a job that defers itself?")


def jobs_clear() -> None:
    """Empty Procrastinate's tables (jobs, their events, periodic defers, workers).
    Django's flush after a transactional test leaves them alone (unmanaged models), so
    jobs a test committed, or a killed run left in a reused database, would otherwise
    reach later tests: run by jobs_run_pending, or holding a queueing lock."""
    from django.db import connection
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    if not connection.settings_dict["NAME"].startswith(TEST_DATABASE_PREFIX):
        # pytest-django sets up no test database for a session none of whose tests use
        # one: this is then the real database, whose jobs are not ours to delete.
        return
    with connection.cursor() as cursor:
        for table in ("procrastinate_periodic_defers", "procrastinate_events", "procrastinate_jobs"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        cursor.execute("DELETE FROM procrastinate_workers")


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL naming the database a test uses, for a server or worker the test
    starts in another process: a TCP host, or the embedded server's socket folder
    (percent-encoded in the host part, which dj-database-url reads back)."""
    from urllib.parse import quote

    # The embedded server is reached through its socket folder, which its URL gives
    # as a `host` option (dj-database-url keeps it in OPTIONS, HOST left empty).
    host = settings_dict.get("HOST") or settings_dict.get("OPTIONS", {}).get("host") or "127.0.0.1"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD")
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}@{quote(host, safe='')}{port}/{quote(settings_dict['NAME'], safe='')}"


def signup_link(message) -> str:
    """The path of the confirmation link in a sign-up email (django.core.mail.outbox)."""
    found = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", message.body)
    assert found, f"no confirmation link in: {message.body}"
    return found.group(1)


def sign_up_and_confirm(client, data: dict, *, next_url: str = ""):
    """Sign up with the form `data` through the real pages, open the link mailed to
    data["email"] and confirm it. Returns the confirming POST's response (a redirect)."""
    from django.core import mail
    from django.urls import reverse

    sent = len(mail.outbox)
    response = client.post(reverse("signup"), {**data, **({"next": next_url} if next_url else {})})
    assert response.status_code == 302 and response["Location"] == reverse("signup-sent"), response
    assert len(mail.outbox) == sent + 1 and mail.outbox[-1].to == [data["email"]]
    link = signup_link(mail.outbox[-1])
    assert client.get(link).status_code == 200
    return client.post(link)


GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for a server a test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(**extra: str) -> dict[str, str]:
    """The environment for a gunicorn or job worker a test starts in another process:
    this one's, on the test's database (committed rows only: transactional tests),
    DEBUG off, plain HTTP, unhashed static files, no Redis and no replicas unless
    `extra` (which wins) sets them."""
    from django.db import connection

    db = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_REPLICA_URLS"}}
    env |= {"DATABASE_URL": database_url(db), "DEBUG": "0", "SECRET_KEY": "test-only-servers-share-this-key"}
    env |= dict.fromkeys(("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"), "0")
    env["QUIRE_PLAIN_STATIC"] = "1"
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env | extra


def gunicorn_command(port: int, *, workers: int = 2) -> list[str]:
    """Gunicorn serving the archive on 127.0.0.1:`port` with `workers` workers, as `make
    run` does, without the control socket (one path in ~/.gunicorn/ for every server
    on the machine: tests run several at once)."""
    return [
        str(GUNICORN),
        "archive.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--no-control-socket",
    ]


def wait_until_up(port: int, *, seconds: float = 60) -> None:
    """Return once /healthz on 127.0.0.1:`port` answers; AssertionError after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10)  # noqa: S310 - our own local server
            return
        except OSError:  # refused while starting, or slow to answer the first request
            time.sleep(0.2)
    raise AssertionError(f"the server on port {port} did not answer within {seconds:.0f} s")


def django_setup_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    """Load the settings and set Django up in a new Python process with this one's
    environment plus `env` (for settings that fail at start-up); its exit status and
    output, as text."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
