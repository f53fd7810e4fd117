"""The real job worker and gunicorn, as `make run` starts them, killed with SIGKILL in
the middle of a subscription fan-out and of hit counting, then restarted: every email
is sent exactly once and no hit is lost.

The kill lands at the same point on every run, whatever the machine's speed: a send
job hangs on one email it holds (tests/readers/mail_trap.py) after every other email
was sent, and the hit aggregation hangs inside its statement, waiting for a lock the
test holds on the works table. Nothing is then left to chance: earlier versions killed
after a fixed number of page views, and on a slow run the periodic job had already
added every hit (or a sender was between handing an email over and recording it)."""

import collections
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email import message_from_string
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from stories.importers.base import ChapterDraft
from stories.models import Hit, OutgoingEmail, Rating, Subscription, Work
from stories.readers.notifications import outgoing_email_message_id
from stories.works.services import work_create
from tests import factories
from tests.helpers import free_port, gunicorn_command, server_environment, wait_until_up
from tests.readers.mail_trap import MARKER, TRAP_ADDRESS

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 60
WORKS = 3


def _environment(mail_dir: Path) -> dict[str, str]:
    return server_environment(
        ALLOWED_HOSTS="127.0.0.1",
        QUIRE_PAGE_CACHE_SECONDS="0",
        EMAIL_BACKEND="tests.readers.mail_trap.TrapFileBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        QUIRE_HITS_EVERY_SECONDS="5",
        QUIRE_EMAIL_SWEEP_SECONDS="3",
        QUIRE_JOB_HEARTBEAT_SECONDS="1",
        QUIRE_JOB_STALLED_SECONDS="3",
    )


class Servers:
    """A job worker and a gunicorn, started and SIGKILLed like the real ones."""

    def __init__(self, env: dict[str, str], port: int, logs: Path):
        self.env, self.port, self.logs = env, port, logs
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        for name, command in (
            ("worker", [sys.executable, "manage.py", "procrastinate", "worker"]),  # as `make run` starts it
            ("gunicorn", gunicorn_command(self.port)),
        ):
            with (self.logs / f"{name}.log").open("a") as log:
                self.processes.append(
                    subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
                )
        try:
            wait_until_up(self.port)
        except AssertionError:
            self.kill()  # nothing left running behind a failed start
            raise AssertionError(
                "gunicorn did not start:\n" + (self.logs / "gunicorn.log").read_text()[-3000:]
            ) from None

    def kill(self) -> None:
        for process in self.processes:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.processes = []


def _visit(port: int, work: Work, agent: str) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/works/{work.pk}/", headers={"User-Agent": agent})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _message_ids(mail_dir: Path) -> collections.Counter:
    ids: collections.Counter = collections.Counter()
    for path in mail_dir.iterdir():
        if path.name == MARKER:
            continue
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                ids[message_from_string(chunk.strip())["Message-ID"]] += 1
    return ids


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def only_the_trapped_email_waits() -> bool:
    """The fan-outs are done and every email is sent except the one the trap holds."""
    total = OutgoingEmail.objects.count()
    return total == SUBSCRIBERS * WORKS and OutgoingEmail.objects.filter(sent_at__isnull=True).count() == 1


@contextlib.contextmanager
def works_locked():
    """Hold the works table in SHARE mode on a second connection: page views and the
    hit rows' foreign-key checks pass, any write to a work waits. The hit aggregation
    statement waits before it touches a row (it takes its table locks first). Yields a
    check that is true once that statement is waiting."""
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with holder.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(f"LOCK TABLE {Work._meta.db_table} IN SHARE MODE")
            cursor.execute("SELECT pg_backend_pid()")
            holder_pid = cursor.fetchone()[0]

        def aggregation_waiting() -> bool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid)) AND query LIKE %s",
                    [holder_pid, "%hit_count%"],
                )
                return cursor.fetchone()[0] > 0

        yield aggregation_waiting
        with holder.cursor() as cursor:
            cursor.execute("ROLLBACK")
    finally:
        holder.close()


def test_killing_worker_and_gunicorn_mid_fan_out_and_hit_counting_loses_and_repeats_nothing(tmp_path):
    mail_dir, logs = tmp_path / "mail", tmp_path / "logs"
    mail_dir.mkdir()
    logs.mkdir()
    author = factories.UserFactory(username="author")
    readers = [
        factories.UserFactory(email=TRAP_ADDRESS if n == SUBSCRIBERS // 2 else f"reader{n}@example.org")
        for n in range(SUBSCRIBERS)
    ]
    Subscription.objects.bulk_create([Subscription(user=user, creator=author) for user in readers])
    servers = Servers(_environment(mail_dir), free_port(), logs)
    servers.start()
    try:
        works = [
            work_create(
                creators=[author],
                title=f"Work {n}",
                chapters=[ChapterDraft(body="Text.")],
                rating=Rating.GENERAL,
                warnings=["none"],
                tags_by_kind={"fandoms": ["Original Work"]},
            )
            for n in range(WORKS)
        ]
        _wait_for((mail_dir / MARKER).exists, 60, "the worker to reach the trapped email")
        # Every other email sent, so no sender is between handing an email to the mail
        # server and recording it as sent (a kill there sends it again, as with any mailer).
        _wait_for(only_the_trapped_email_waits, 60, "every email but the trapped one to be sent")

        with works_locked() as aggregation_waiting:
            # Hits just before the kill: 40 readers, some twice (counted once).
            agents = [f"reader-agent-{n}" for n in range(40)]
            visits = [(works[n % WORKS], agent) for n, agent in enumerate(agents)]
            for work, agent in visits + visits[:10]:
                assert _visit(servers.port, work, agent)
            _wait_for(aggregation_waiting, 30, "the hit aggregation to wait for the works table")
            assert Hit.objects.filter(counted=False).count() == len(visits)  # none added up yet
            servers.kill()
        # The killed worker's statement may still run now that the lock is gone (the
        # server notices a dead client only when it next speaks to it); either way each
        # hit is added once.

        # Killed in the middle: emails sent but one, hits written but not added up.
        assert OutgoingEmail.objects.filter(sent_at__isnull=True).count() == 1
        assert not _visit(servers.port, works[0], "while-down")  # nobody answers now

        servers.start()
        # After the restart: new readers, the one refused while down, and repeats of earlier ones.
        later = [(works[n % WORKS], f"later-agent-{n}") for n in range(15)] + [(works[0], "while-down")]
        for work, agent in later + visits[:5]:
            assert _visit(servers.port, work, agent)
        expected_hits = collections.Counter(work.pk for work, _ in set(visits + later))

        def all_sent() -> bool:
            return (
                OutgoingEmail.objects.count() == SUBSCRIBERS * WORKS
                and not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()
            )

        def all_counted() -> bool:
            return {w.pk: w.hit_count for w in Work.objects.all()} == dict(expected_hits)

        _wait_for(all_sent, 90, "every email to be sent")
        _wait_for(all_counted, 60, "every hit to be counted")
    finally:
        servers.kill()

    ids = _message_ids(mail_dir)
    expected_ids = {outgoing_email_message_id(email) for email in OutgoingEmail.objects.all()}
    assert set(ids) == expected_ids
    assert [mid for mid, times in ids.items() if times != 1] == []
    assert len(expected_ids) == SUBSCRIBERS * WORKS


def test_with_the_default_worker_a_hit_shows_within_a_minute_even_while_a_send_hangs(tmp_path):
    # `make run`'s worker and settings as they are (hits every 20 s, 4 jobs at once);
    # only the mail server differs: it hangs on the first email, for two minutes.
    mail_dir, logs = tmp_path / "mail", tmp_path / "logs"
    mail_dir.mkdir()
    logs.mkdir()
    env = server_environment(
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_BACKEND="tests.readers.mail_trap.TrapFileBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )
    author = factories.UserFactory(username="author")
    Subscription.objects.create(user=factories.UserFactory(email=TRAP_ADDRESS), creator=author)
    servers = Servers(env, free_port(), logs)
    servers.start()
    try:
        work = work_create(
            creators=[author],
            title="Counted soon",
            chapters=[ChapterDraft(body="Text.")],
            rating=Rating.GENERAL,
            warnings=["none"],
            tags_by_kind={"fandoms": ["Original Work"]},
        )
        _wait_for((mail_dir / MARKER).exists, 60, "the send job to hang")
        assert _visit(servers.port, work, "a-reader")
        visited = time.monotonic()
        _wait_for(lambda: Work.objects.get(pk=work.pk).hit_count == 1, 60, "the hit to be added")
        waited = time.monotonic() - visited
        with urllib.request.urlopen(f"http://127.0.0.1:{servers.port}/works/{work.pk}/", timeout=10) as page:
            assert "<dt>Hits:</dt><dd>1</dd>" in page.read().decode()
    finally:
        servers.kill()
    assert waited < 60
    assert not OutgoingEmail.objects.filter(sent_at__isnull=False).exists()  # the send was still hanging
