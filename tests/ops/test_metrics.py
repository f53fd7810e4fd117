"""Prometheus metrics under gunicorn with two workers: each worker counts in its own
file of the multiprocess folder, and a scrape (answered by either worker) reports the
sum; `metrics-reset`, which `make run` runs before starting, makes a new start count
from zero."""

import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import free_port, gunicorn_command, server_environment, wait_until_up

pytestmark = [pytest.mark.ops, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
BATCH = 24


def _healthz_count(port: int) -> float:
    """quire_http_requests_total for /healthz, summed over methods and statuses."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:  # noqa: S310 - local
        text = response.read().decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "quire_http_requests_total" and sample.labels["view"] == "healthz"
    )


def _get_healthz(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=20) as response:  # noqa: S310 - local
        return response.status


class Gunicorn:
    """Gunicorn with two workers and metrics on, counting into `folder`."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.env = server_environment(METRICS_ENABLED="1", PROMETHEUS_MULTIPROC_DIR=str(folder))
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn
            gunicorn_command(self.port, workers=2),
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(self.port)
        except AssertionError:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=60)


def test_two_workers_counts_add_up_and_a_reset_start_counts_from_zero(tmp_path):
    folder = tmp_path / "metrics"
    with Gunicorn(folder) as server:
        # Requests in parallel until both workers have served some (each keeps a file
        # counter_<pid>.db); every request is counted once, whichever worker took it.
        before = _healthz_count(server.port)  # wait_until_up's own requests
        assert before >= 1
        sent = 0
        with ThreadPoolExecutor(max_workers=8) as pool:
            for _ in range(20):
                statuses = list(pool.map(lambda _: _get_healthz(server.port), range(BATCH)))
                assert statuses == [200] * BATCH
                sent += BATCH
                if len(list(folder.glob("counter_*.db"))) >= 2:
                    break
        assert len(list(folder.glob("counter_*.db"))) == 2, sorted(path.name for path in folder.iterdir())
        assert _healthz_count(server.port) == before + sent
        # Scrapes answered by either worker agree.
        assert {_healthz_count(server.port) for _ in range(6)} == {before + sent}

    # A new start after `metrics-reset` (as `make run` does) counts from zero; without
    # it the dead workers' files would still be summed.
    subprocess.run(
        [sys.executable, "-m", "archive.dbctl", "metrics-reset"], cwd=ROOT, env=server.env, check=True, timeout=60
    )
    assert not list(folder.glob("*.db"))
    with Gunicorn(folder) as server:
        assert 1 <= _healthz_count(server.port) < BATCH  # only wait_until_up's requests
