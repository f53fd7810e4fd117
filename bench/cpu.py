"""What one cold page costs in CPU, page kind by page kind, one request at a time.

    .venv/bin/python bench/cpu.py             # or: make bench-cpu (N=40 URLs per kind)

For the same URLs as bench/run.py (drawn from quire_bench, `make bench-data`), each
page is requested in this process through Django's test client with every cache
emptied first, and three figures are taken per request:

- Python: the process's CPU time (time.process_time) while it builds the page;
- PostgreSQL: the CPU time of the database backend serving this process's
  connection, read from /proc/<pid>/stat before and after (the server must run on
  this machine, as the embedded one and the machine's own do);
- wall: elapsed time.

CPU figures hardly move with the machine's load (what other processes do takes
wall time, not this process's CPU), which is why they, not timings, compare two
versions of the code. The median of Python and wall and the mean of PostgreSQL
(its clock ticks are 10 ms, so only a mean over many requests is meaningful) are
printed per page kind, in milliseconds.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))
from bench.environment import stat_fields  # noqa: E402 - needs the working directory on sys.path
from bench.run import build_urls  # noqa: E402 - sets the bench environment and sets Django up


def backend_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (fields 14 and 15 of
    /proc/<pid>/stat, see proc(5)); raises OSError if the process is not local."""
    fields = stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=int(os.environ.get("N", "40")), help="URLs per page kind")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    urls, total, shared_buffers = build_urls(args.seed)

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    client = Client()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    print(f"quire_bench: {total} works; shared_buffers {shared_buffers}; load average {os.getloadavg()[0]:.2f}")
    for url in urls["works unfiltered"][:5]:  # imports, template compilation, connection set-up
        client.get(url, HTTP_HOST="127.0.0.1")
    for name, items in urls.items():
        if name == "healthz":
            continue
        python, postgres, wall = [], [], []
        for url in items[: args.n]:
            cache.clear()
            cpu, backend, start = time.process_time(), backend_cpu_seconds(pid), time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            python.append((time.process_time() - cpu) * 1000)
            postgres.append((backend_cpu_seconds(pid) - backend) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
            if response.status_code >= 500:
                sys.exit(f"{url} answered {response.status_code}")
        print(
            f"{name:34s} n={len(python):3d}  Python {statistics.median(python):6.1f} ms"
            f"  PostgreSQL {statistics.mean(postgres):6.1f} ms  wall {statistics.median(wall):6.1f} ms"
        )


if __name__ == "__main__":
    main()
