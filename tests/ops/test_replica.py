"""A real streaming replica: a PostgreSQL primary and a standby made with
`pg_basebackup -R`, both started in a temporary folder, and gunicorn reading from the
standby (DATABASE_REPLICA_URLS). Replay on the standby is paused to make it lag, so
which server answered shows in the page: guests read the replica, a reader who has
just left kudos reads the primary (pinned), a replica lagging past the limit is
skipped, and a stopped one never turns a page into an error."""

import subprocess
import sys
import time

import pytest

from tests.helpers import free_port, server_environment, wait_until_up
from tests.servers import ROOT, StreamingPair, Visitor, postgres_bin_dir, start_gunicorn, stop_all

pytestmark = pytest.mark.ops

MAX_LAG = 6  # QUIRE_REPLICA_MAX_LAG_SECONDS for the servers started here
PIN = 2  # QUIRE_REPLICA_PIN_SECONDS
PASSWORD = "a-long-replica-password-7"

SETUP = f"""
from django.contrib.auth import get_user_model
from tests import factories
get_user_model().objects.create_user("replica-reader", "r@example.org", "{PASSWORD}")
work = factories.WorkFactory(title="Written before the pause")
print(work.get_absolute_url())
"""


@pytest.fixture
def pair():
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup): set QUIRE_PG_BIN_DIR")
    streaming = StreamingPair(bin_dir)
    try:
        streaming.start()
        yield streaming
    finally:
        streaming.close()


def _manage(pair: StreamingPair, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=server_environment(DATABASE_URL=pair.url("primary")),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _server(pair: StreamingPair, tmp_path, name: str, check_seconds: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        "DATABASE_URL": pair.url("primary"),
        "DATABASE_REPLICA_URLS": pair.url("standby"),
        "QUIRE_REPLICA_MAX_LAG_SECONDS": str(MAX_LAG),
        "QUIRE_REPLICA_CHECK_SECONDS": str(check_seconds),
        "QUIRE_REPLICA_PIN_SECONDS": str(PIN),
        "QUIRE_PAGE_CACHE_SECONDS": "0",  # every page read from a database, never from the cache
    }
    server = start_gunicorn(port, env, workers=1, log=tmp_path / f"{name}.log")
    wait_until_up(port)
    return server, port


def test_reads_go_to_a_healthy_replica_and_writers_read_their_writes(pair, tmp_path):
    _manage(pair, "migrate", "--noinput", "-v0")
    work_url = _manage(pair, "shell", "-c", SETUP).strip().splitlines()[-1]
    pair.wait_for_standby()
    servers = []
    try:
        server, port = _server(pair, tmp_path, "checking-often", check_seconds=1)
        servers.append(server)
        guest = Visitor(f"http://127.0.0.1:{port}")
        reader = Visitor(f"http://127.0.0.1:{port}")
        reader.log_in("replica-reader", PASSWORD)
        assert guest.get(work_url)[0] == 200
        time.sleep(PIN + 0.5)  # logging in pinned the reader to the primary; let that pass

        # A commit the standby replays, then replay paused: from now on the standby
        # keeps what the primary had, and lags more each second.
        pair.query("primary", "SELECT txid_current()")
        pair.wait_for_standby()
        pair.query("standby", "SELECT pg_wal_replay_pause()")
        paused_at = time.monotonic()
        pair.query("primary", "UPDATE stories_work SET title = 'Retitled on the primary'")

        status, page = guest.get(work_url)
        assert status == 200 and "Written before the pause" in page, "the guest's read did not come from the replica"
        status, page = reader.get(work_url)
        assert status == 200 and "Written before the pause" in page, "an unpinned reader did not read the replica"
        status, page = reader.post(f"{work_url}kudos/", {"next": work_url}, page)
        assert status == 200 and "Kudos left ♥" in page, "the reader does not see their own kudos"
        assert "Retitled on the primary" in page
        status, page = guest.get(work_url)
        assert "Written before the pause" in page and "replica-reader" not in page
        assert time.monotonic() - paused_at < MAX_LAG, "too slow: the replica lagged past the limit mid-test"

        # Lagging past the limit: skipped, guests read the primary.
        time.sleep(max(0.0, paused_at + MAX_LAG + 2.5 - time.monotonic()))
        status, page = guest.get(work_url)
        assert status == 200 and "Retitled on the primary" in page and "replica-reader" in page

        pair.query("standby", "SELECT pg_wal_replay_resume()")
        pair.wait_for_standby()
        assert pair.query("standby", "SELECT count(*) FROM stories_kudos")[0][0] == 1

        # A second server that asks about the replica rarely, so it still believes the
        # replica is up when it dies: its requests fail there and are answered again
        # from the primary.
        trusting, trusting_port = _server(pair, tmp_path, "checking-rarely", check_seconds=600)
        servers.append(trusting)
        late_guest = Visitor(f"http://127.0.0.1:{trusting_port}")
        assert late_guest.get(work_url)[0] == 200
        pair.stop_standby()
        pages = ["/", "/works/", work_url, "/tags/", "/search/?q=retitled"]
        for visitor in (guest, reader, late_guest, reader.use(f"http://127.0.0.1:{trusting_port}")):
            for path in pages:
                status, page = visitor.get(path)
                assert status == 200, (visitor.base_url, path, status, page[:500])
        status, page = late_guest.get(work_url)
        assert "Retitled on the primary" in page
        # Past its check interval the often-checking server asks again and finds the
        # standby gone (its first failures may all have come mid-request).
        time.sleep(1.5)
        assert guest.get("/works/")[0] == 200
    finally:
        stop_all(servers)
    assert "failed during a request" in (tmp_path / "checking-rarely.log").read_text()
    assert "unreachable" in (tmp_path / "checking-often.log").read_text()
