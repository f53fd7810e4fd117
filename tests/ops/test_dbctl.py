"""archive.dbctl's pieces that need no database: `make stop`'s pid files, the address
printed for an external server, the choice of PostgreSQL client tools, and emptying
the Prometheus multiprocess folder."""

import os
import subprocess
import sys
import time

import pytest

from archive.dbctl import Database, OpsError, metrics_reset, pg_tool, stop


@pytest.fixture
def sleeper():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_stop_ends_each_process_with_a_pid_file_and_removes_the_file(tmp_path, sleeper, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "gunicorn.pid").write_text(f"{sleeper.pid}\n")

    messages = stop(tmp_path, pgdata=tmp_path / "no-pgdata")

    assert sleeper.wait(timeout=10) is not None
    assert messages == [f"Stopped gunicorn (pid {sleeper.pid})", f"No embedded PostgreSQL in {tmp_path / 'no-pgdata'}"]
    assert not (tmp_path / "gunicorn.pid").exists()


def test_stop_leaves_alone_a_process_that_reused_a_dead_servers_pid(tmp_path, sleeper):
    pid_file = tmp_path / "gunicorn.pid"
    pid_file.write_text(str(sleeper.pid))
    an_hour_ago = time.time() - 3600
    os.utime(pid_file, (an_hour_ago, an_hour_ago))  # written long before this process started

    messages = stop(tmp_path, pgdata=tmp_path / "no-pgdata")

    assert sleeper.poll() is None
    assert messages[0] == f"gunicorn was not running (stale {pid_file} removed)"
    assert not pid_file.exists()


def test_a_stale_pid_file_is_removed(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / "worker.pid").write_text(finished.stdout)

    assert stop(tmp_path, pgdata=tmp_path / "no-pgdata")[0].startswith("worker was not running")


def test_the_printed_address_of_an_external_server_hides_its_password():
    db = Database(name="quire", user="quire", password="s3cret", host="db.example.org", port="5433")

    assert db.describe() == "postgresql://quire:***@db.example.org:5433/quire"
    assert "s3cret" not in repr(db)


def test_no_client_tools_for_the_servers_version_is_a_clear_error():
    with pytest.raises(OpsError, match=r"No pg_dump for PostgreSQL 99 .*postgresql-client-99.*QUIRE_PG_BIN_DIR"):
        pg_tool("pg_dump", 99)


def test_client_tools_match_the_servers_major_version():
    path = pg_tool("pg_dump", 18)  # the embedded wheel's server version

    version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    assert "(PostgreSQL) 18." in version


def test_metrics_reset_deletes_only_the_multiprocess_files(tmp_path):
    (tmp_path / "counter_101.db").write_bytes(b"\0" * 8)
    (tmp_path / "histogram_102.db").write_bytes(b"\0" * 8)
    (tmp_path / "notes.txt").write_text("the operator's own file")
    assert metrics_reset(tmp_path) == 2
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]
    assert metrics_reset(tmp_path / "missing") == 0
