"""Load run against gunicorn (2 sync workers) on 127.0.0.1 with Debian's wrk.

    .venv/bin/python bench/generate.py --works 100000   # once: fills quire_bench
    .venv/bin/python bench/run.py                       # or: make bench

Each scenario has hundreds of URLs drawn from the data (different tags, filters,
search words, pages, sorts). For each, the server is restarted with empty caches,
then two passes are measured:

- cold: every URL requested once, eight at a time: nothing is cached, so this is
  what a page costs to build;
- warm: wrk for --warm seconds over the same URLs again (each connection starting
  at a different place in the list): guests' pages now come from the page cache
  (stories/discovery/pagecache.py), or, with --no-page-cache, are built again with only the
  blurb and count caches warm. The share of responses served from the page cache
  is printed.

/healthz, a view that only runs SELECT 1, is the yardstick measured in the same run.
The cache is Redis when REDIS_URL is set or one answers on 127.0.0.1:6379 (its
database 15 is emptied before each scenario), per-process memory otherwise.
"""

import argparse
import concurrent.futures
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"  # the bench only ever targets this machine
WRK = "/usr/bin/wrk"

SERVER_ENV = {
    "QUIRE_DB_NAME": "quire_bench",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key",
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "QUIRE_PLAIN_STATIC": "1",
    # The load comes from one address: the API's per-client limit would answer 429.
    "QUIRE_API_RATE": "100000000/m",
}

LUA = r"""
local paths = {%(paths)s}
local counter = 0
local threads = {}
setup = function(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
  table.insert(threads, thread)
end
init = function(args)
  i = offset or 0
  hits = 0
end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
response = function(status, headers, body)
  if headers["X-Quire-Cache"] == "hit" then hits = hits + 1 end
end
done = function(summary, latency, requests)
  local total_hits = 0
  for _, thread in ipairs(threads) do total_hits = total_hits + thread:get("hits") end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout, total_hits))
end
"""


def build_urls(seed: int) -> tuple[dict[str, list[str]], int, str]:
    """Hundreds of realistic URLs per scenario, drawn from the benchmark data; with
    the number of works and the server's shared_buffers, printed beside the figures."""
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    from django.db import connection

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM stories_work")
        total = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        if total == 0:
            sys.exit("quire_bench is empty: run `make bench-data` first")
        # Works to build filters and searches from: each combination then has results.
        cursor.execute(
            """
            SELECT w.id, w.title, w.summary, w.rating,
                   array_agg(t.slug ORDER BY t.slug) FILTER (WHERE t.kind = 'fandom'),
                   array_agg(t.slug ORDER BY t.slug) FILTER (WHERE t.kind <> 'fandom'),
                   array_agg(split_part(t.name, ' ', 1) ORDER BY t.name) FILTER (WHERE t.kind = 'character')
            FROM stories_work w
            JOIN stories_taggedwork tw ON tw.content_object_id = w.id
            JOIN stories_tag t ON t.id = tw.tag_id
            WHERE w.id IN (SELECT id FROM stories_work TABLESAMPLE BERNOULLI (2) REPEATABLE (%s)
                           WHERE status = 'posted' AND NOT is_hidden AND NOT restricted ORDER BY md5(id::text) LIMIT 600)
            GROUP BY w.id ORDER BY w.id
            """,
            [seed],
        )
        sample = cursor.fetchall()
        cursor.execute(
            """
            SELECT t.slug FROM stories_tag t JOIN stories_taggedwork tw ON tw.tag_id = t.id
            WHERE t.synonym_of_id IS NULL GROUP BY t.slug ORDER BY count(*) DESC, t.slug LIMIT 400
            """
        )
        popular = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT slug FROM stories_tag WHERE kind = 'freeform' ORDER BY id LIMIT 40")
        freeforms = [row[0] for row in cursor.fetchall()]

    sorts = ["updated", "published", "title", "words", "kudos", "hits", "comments", "bookmarks"]
    unfiltered = [f"/works/?{urlencode({'sort': rng.choice(sorts), 'page': rng.randint(1, 50)})}" for _ in range(400)]
    filtered, searches = [], []
    for _, title, summary, rating, fandoms, others, first_names in sample:
        others = others or []
        if len(others) >= 2:
            include = [fandoms[0], *rng.sample(others, 2)]
            exclude = rng.choice([f for f in freeforms if f not in others])
            params = [("tag", slug) for slug in include] + [("exclude", exclude), ("rating", rating)]
            filtered.append("/works/?" + urlencode(params))
        words = [w.strip(".,!?\"'").lower() for w in f"{title} {summary}".split() if len(w) > 3]
        names = first_names or []
        if words:
            pair = [rng.choice(words), rng.choice(names) if names and rng.random() < 0.5 else rng.choice(words)]
            searches.append("/search/?" + urlencode({"q": " ".join(pair)}))
    tag_pages = [f"/tags/{slug}/?{urlencode({'page': rng.choice([1, 1, 1, 2, 3])})}" for slug in popular]
    rng.shuffle(filtered)
    rng.shuffle(searches)
    # Each URL once: the cold pass then measures pages that are not in the cache.
    unfiltered, filtered, searches, tag_pages = (
        list(dict.fromkeys(urls)) for urls in (unfiltered, filtered, searches, tag_pages)
    )
    return (
        {
            "healthz": ["/healthz"],
            "works unfiltered": unfiltered,
            "works 3 tags + exclude + rating": filtered,
            # The same filtered lists through the read API (JSON), beside the HTML index.
            "api works 3 tags + exclude + rating": [url.replace("/works/?", "/api/v1/works?", 1) for url in filtered],
            "tag page": tag_pages,
            "search two words": searches,
        },
        total,
        shared_buffers,
    )


class Server:
    def __init__(self, port: int, workers: int):
        self.port, self.workers, self.process = port, workers, None

    def __enter__(self):
        env = {**os.environ, **SERVER_ENV}
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "archive.wsgi", "--bind", f"{HOST}:{self.port}",
             "--workers", str(self.workers), "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(port: int, paths: list[str], seconds: int, connections: int) -> dict:
    script = LUA % {"paths": ", ".join(json.dumps(p) for p in paths)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", handle.name,
             f"http://{HOST}:{port}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(handle.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, duration_us, p50, p95, p99, errors, hits = (int(x) for x in line.split()[1:])
    return {
        "rps": requests / (duration_us / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": errors,
        "requests": requests,
        "hits": hits,
    }


def once_each(port: int, paths: list[str], connections: int) -> dict:
    """Every URL once, `connections` at a time: the cost of building each page."""

    def fetch(path: str) -> tuple[float, bool, bool]:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=30) as response:
                response.read()
                ok, hit = response.status == 200, response.headers.get("X-Quire-Cache") == "hit"
        except OSError:
            ok, hit = False, False
        return time.perf_counter() - started, ok, hit

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        results = list(pool.map(fetch, paths))
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds * 1000 for seconds, _, _ in results)

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))]

    return {
        "rps": len(paths) / elapsed,
        "p50": percentile(0.50),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
        "errors": sum(not ok for _, ok, _ in results),
        "requests": len(paths),
        "hits": sum(hit for _, _, hit in results),
    }


def choose_cache() -> str | None:
    """REDIS_URL, or the machine's Redis on its usual port, or None (per-process memory)."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    try:
        with socket.create_connection((HOST, 6379), timeout=0.5):
            return f"redis://{HOST}:6379/15"
    except OSError:
        return None


def empty_cache(redis_url: str | None) -> None:
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--warm", type=int, default=20, help="seconds of the warm pass")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="run only scenarios whose name contains this")
    parser.add_argument("--no-page-cache", action="store_true", help="serve with QUIRE_PAGE_CACHE_SECONDS=0")
    args = parser.parse_args()
    if not Path(WRK).exists():
        sys.exit(f"{WRK} not found: `make bench` installs Debian's wrk")

    redis_url = choose_cache()
    if redis_url:
        SERVER_ENV["REDIS_URL"] = redis_url
    if args.no_page_cache:
        SERVER_ENV["QUIRE_PAGE_CACHE_SECONDS"] = "0"
    urls, total, shared_buffers = build_urls(args.seed)
    cache_name = redis_url or "per-process memory"
    page_cache = "off" if args.no_page_cache else "on"
    print(
        f"quire_bench: {total} works; PostgreSQL shared_buffers {shared_buffers}; "
        f"gunicorn {args.workers} workers; {args.connections} connections"
    )
    print(f"cache: {cache_name}; guests' page cache {page_cache}")
    rows = []
    for name, paths in urls.items():
        if args.only and args.only not in name and name != "healthz":
            continue
        empty_cache(redis_url)
        with Server(args.port, args.workers):
            cold = once_each(args.port, paths * 200 if name == "healthz" else paths, args.connections)
            warm = wrk(args.port, paths, args.warm, args.connections)
        rows.append((name, len(paths), cold, warm))
        print(f"  {name}: done ({len(paths)} URLs)", flush=True)

    yardstick = rows[0][3]["rps"]
    print()
    print(
        "| scenario | URLs | pass | requests | req/s | p50 ms | p95 ms | p99 ms | errors | from cache | % of /healthz |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, count, cold, warm in rows:
        for label, result in (("cold", cold), ("warm", warm)):
            share = 100 * result["rps"] / yardstick
            cached = 100 * result["hits"] / max(result["requests"], 1)
            print(
                f"| {name} | {count} | {label} | {result['requests']} | {result['rps']:.0f} | {result['p50']:.1f} "
                f"| {result['p95']:.1f} | {result['p99']:.1f} | {result['errors']} | {cached:.0f}% | {share:.0f}% |"
            )


if __name__ == "__main__":
    main()
