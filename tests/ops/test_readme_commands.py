"""The README's commands, run as a newcomer would: in a new shell with nothing
exported (only PATH and HOME), on a fresh copy of the project, against the embedded
PostgreSQL that copy starts for itself. Nothing of the developer's own .env or data
is touched.

`make run` is started and left serving while the other commands run "in another
shell", as the README says; `make stop` then ends gunicorn and the copy's PostgreSQL.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
# The copy shares this interpreter's virtualenv; `make` must not reinstall packages into it.
MAKE = ["make", "--no-print-directory", "-o", ".venv/bin/.installed"]
SUPERUSER = {
    "DJANGO_SUPERUSER_USERNAME": "admin",
    "DJANGO_SUPERUSER_EMAIL": "admin@example.org",
    "DJANGO_SUPERUSER_PASSWORD": "a-long-admin-password-42",
}

pytestmark = pytest.mark.ops


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own local server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def newcomer(seeds):
    """A copy of the project beside ../shared/seeds, and a runner for shell commands in
    it with a new shell's environment. The copy is not under pytest's own temporary
    folder: the embedded PostgreSQL runs as another user, who must be able to enter
    every folder above its data, and any pytest starting meanwhile on the machine
    makes /tmp/pytest-of-<user> private again."""
    tmp_path = Path(tempfile.mkdtemp(prefix="quire-newcomer-"))
    tree = tmp_path / "quire"
    shutil.copytree(
        ROOT,
        tree,
        ignore=shutil.ignore_patterns(".git", ".venv", "var", ".env", "__pycache__", "*_cache", "test-results"),
    )
    (tree / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "shared").symlink_to(seeds.parent)
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}

    def run(command: list[str], stdin: str = "", **env: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            command, cwd=tree, env={**clean, **env}, input=stdin, capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, (
            f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
        return result

    run.tree, run.env = tree, clean
    yield run
    # Whatever happened, leave no server behind.
    subprocess.run([*MAKE, "stop"], cwd=tree, env=clean, capture_output=True, timeout=120)
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_the_readme_commands_work_as_written_in_a_new_shell(newcomer):
    tree = newcomer.tree
    port = free_port()
    log = (tree.parent / "make-run.log").open("w")
    # Metrics on, as an operator would turn them on; a dead server's count file is left over.
    stale = tree / "var" / "metrics" / "counter_999999.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"\0" * 16)
    server = subprocess.Popen(
        [*MAKE, "run", f"PORT={port}", "DEMO_WORKS=3"],
        cwd=tree,
        env={**newcomer.env, "METRICS_ENABLED": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None, (
                f"make run exited {server.returncode}:\n{(tree.parent / 'make-run.log').read_text()}"
            )
            assert time.monotonic() < deadline, "make run did not serve within 240 s"
            try:
                if _get(f"http://127.0.0.1:{port}/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(1)
        output = (tree.parent / "make-run.log").read_text()
        assert f"http://127.0.0.1:{port}/" in output
        assert "embedded PostgreSQL" in output and str(tree / "var" / "pgdata") in output
        assert (tree / ".env").is_file()

        # Readers' view: Quire's own 404 page, static files by whitenoise under hashed names.
        status, body = _get(f"http://127.0.0.1:{port}/works/987654321/")
        assert status == 404 and 'class="brand"' in body and "Using the URLconf" not in body
        stylesheet = re.search(r'href="(/static/css/quire\.[0-9a-f]{12}\.css)"', body)
        assert stylesheet and _get(f"http://127.0.0.1:{port}{stylesheet.group(1)}")[0] == 200

        # Metrics for the scraper on this machine, counted by gunicorn's workers in var/metrics/.
        status, body = _get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and "quire_http_requests_total{" in body and 'view="stories:work-detail"' in body
        assert not stale.exists() and list((tree / "var" / "metrics").glob("counter_*.db"))

        # "In another shell": the README's commands, exactly as written.
        newcomer([".venv/bin/python", "manage.py", "check"])
        newcomer([".venv/bin/python", "manage.py", "createsuperuser", "--noinput"], **SUPERUSER)
        imported = newcomer(
            [
                ".venv/bin/python",
                "manage.py",
                "import_works",
                "../shared/seeds/moving-on.txt",
                "--creator",
                "newbie",
                "--create-user",
                "--fandom",
                "Naruto",
            ]
        ).stdout
        work_url = re.search(r"-> (/works/\d+/)", imported).group(1)
        assert _get(f"http://127.0.0.1:{port}{work_url}")[0] == 200

        newcomer([*MAKE, "backup"])
        (backup,) = (tree / "var" / "backups").glob("quire-*.dump")
        refused = subprocess.run(
            [*MAKE, "restore", f"FILE={backup.relative_to(tree)}"],
            cwd=tree,
            env=newcomer.env,
            capture_output=True,
            text=True,
        )
        assert refused.returncode != 0 and "not empty" in refused.stderr
        newcomer([*MAKE, "restore", f"FILE={backup.relative_to(tree)}"], QUIRE_DB_NAME="quire_restored")
        newcomer([*MAKE, "restore", f"FILE={backup.relative_to(tree)}", "FORCE=1"])
        assert _get(f"http://127.0.0.1:{port}{work_url}")[0] == 200
        psql = newcomer([*MAKE, "psql"], stdin="SELECT username FROM auth_user WHERE is_superuser;\n")
        assert "admin" in psql.stdout

        stopped = newcomer([*MAKE, "stop"]).stdout
        assert "Stopped gunicorn" in stopped and "Stopped the embedded PostgreSQL" in stopped
        assert server.wait(timeout=60) == 0
        assert not (tree / "var" / "pgdata" / "postmaster.pid").exists()
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=60)
        log.close()
