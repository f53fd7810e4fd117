"""Small assertions shared by view tests."""

import json
import re

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
