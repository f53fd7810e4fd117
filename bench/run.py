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

Then a third pass, mixed (--mixed seconds, 60 by default): wrk over at least
--mixed-urls (60,000) different URLs of every kind (sorts and pages of the index,
filters, tag pages and their later pages, searches, work and chapter pages), in an
order drawn from a Zipf distribution over a popularity rank, with one request in
five from one of 40 signed-in readers who mute tags and creators: the page cache
then hits as often as a real archive's traffic lets it.

Beside req/s and latency each pass prints CPU per request: of the app server
(gunicorn's master and workers) and of the PostgreSQL server (every process under
its postmaster), read from /proc before and after the pass. PostgreSQL must run on
this machine and serve nothing else meanwhile: the embedded server does.

/healthz, a view that only runs SELECT 1, is the yardstick measured in the same run.
The cache is Redis when REDIS_URL is set or one answers on 127.0.0.1:6379 (its
database 15 is emptied before each scenario), per-process memory otherwise.
"""

import argparse
import concurrent.futures
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
from bench.environment import stat_fields  # noqa: E402 - needs ROOT on sys.path

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
    # No line per request on the terminal (a production server keeps its request log).
    "QUIRE_REQUEST_LOG": "0",
}

# Each wrk thread reads the URLs, the sessions and the order of requests from files
# (a script holding tens of thousands of literals would pass LuaJIT's limits).
LUA = r"""
local function read_lines(name)
  local items = {}
  for line in io.lines(name) do items[#items + 1] = line end
  return items
end
local counter = 0
local threads = {}
setup = function(thread)
  counter = counter + 1
  thread:set("number", counter)
  table.insert(threads, thread)
end
init = function(args)
  paths = read_lines("PATHS_FILE")
  cookies = read_lines("COOKIES_FILE")
  order = {}
  for line in io.lines("ORDER_FILE") do
    local path, cookie = line:match("(%d+) (%d+)")
    order[#order + 1] = {tonumber(path), tonumber(cookie)}
  end
  i = math.floor((number - 1) * #order / 2)
  hits = 0
end
request = function()
  i = (i % #order) + 1
  local item = order[i]
  if item[2] > 0 then
    return wrk.format("GET", paths[item[1]], {Cookie = "sessionid=" .. cookies[item[2]]})
  end
  return wrk.format("GET", paths[item[1]])
end
response = function(status, headers, body)
  if headers["X-Quire-Cache"] == "hit" then hits = hits + 1 end
end
done = function(summary, latency, requests)
  local total_hits = 0
  for _, thread in ipairs(threads) do total_hits = total_hits + thread:get("hits") end
  io.write(string.format("RESULT %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
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
        cursor.execute(
            "SELECT id FROM stories_work TABLESAMPLE BERNOULLI (1) REPEATABLE (%s) "
            "WHERE status = 'posted' AND NOT is_hidden AND NOT restricted ORDER BY md5(id::text) LIMIT 400",
            [seed],
        )
        work_pages = [f"/works/{row[0]}/" for row in cursor.fetchall()]

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
            "work page": work_pages,
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


def wrk(
    port: int,
    paths: list[str],
    seconds: int,
    connections: int,
    order: list[tuple[int, int]] | None = None,
    cookies: list[str] = (),
) -> dict:
    """wrk for `seconds` over `paths`: each once in turn, or in `order`, pairs of
    (index into paths, index into cookies + 1, or 0 for a guest); the two threads
    start half-way apart. Returns req/s, latency percentiles (ms), errors, requests
    and how many the page cache served."""
    order = order or [(index, 0) for index in range(len(paths))]
    with tempfile.TemporaryDirectory() as directory:
        files = {name: Path(directory) / name for name in ("paths", "cookies", "order", "script.lua")}
        files["paths"].write_text("".join(f"{path}\n" for path in paths))
        files["cookies"].write_text("".join(f"{cookie}\n" for cookie in cookies))
        files["order"].write_text("".join(f"{path + 1} {cookie}\n" for path, cookie in order))
        script = LUA
        for name in ("paths", "cookies", "order"):
            script = script.replace(f"{name.upper()}_FILE", str(files[name]))
        files["script.lua"].write_text(script)
        output = subprocess.run(
            [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(files["script.lua"]),
             f"http://{HOST}:{port}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
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


def process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU clock ticks of the process itself and of its reaped
    children: utime + stime + cutime + cstime), from /proc/<pid>/stat (proc(5))."""
    table = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = stat_fields(int(entry.name))
            except OSError:  # it ended while we looked
                continue
            table[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    return table


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by process `root` and every process under it, live
    or ended (an ended child's time is in its parent's cutime/cstime once reaped)."""
    table = process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += table.get(pid, (0, 0))[1]
        stack += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds of the app server (gunicorn's master and workers) and of the
    PostgreSQL server (postmaster, backends, background processes) over a pass.
    PostgreSQL must run on this machine; on a server shared with other databases
    their work counts too, which is why the bench uses its own (embedded) one."""

    def __init__(self, app_pid: int, postgres_pid: int):
        self.pids = (app_pid, postgres_pid)

    def __enter__(self):
        self.start = [tree_cpu_seconds(pid) for pid in self.pids]
        return self

    def __exit__(self, *exc):
        self.app, self.postgres = (
            tree_cpu_seconds(pid) - start for pid, start in zip(self.pids, self.start, strict=True)
        )

    def per_request(self, result: dict) -> dict:
        """`result` with app_ms and postgres_ms: CPU milliseconds per request."""
        requests = max(result["requests"], 1)
        return {**result, "app_ms": 1000 * self.app / requests, "postgres_ms": 1000 * self.postgres / requests}


def postmaster_pid() -> int:
    """The pid of the PostgreSQL server Django's connection talks to (the parent of
    its backend process)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    return int(stat_fields(backend)[1])


READERS = 40  # signed-in readers in the mixed pass, each with muted tags and creators


def build_mixed(seed: int, distinct: int, length: int) -> tuple[list[str], list[tuple[int, int]]]:
    """At least `distinct` different URLs of every kind a reader asks for, and the
    order of `length` requests over them: Zipf-distributed (s = 1) over a popularity
    rank in which the first pages of the index and of popular tags come first and
    everything else is shuffled; one request in five is a signed-in reader's
    (cookie index 1..READERS, 0 for a guest). Returns (paths, order)."""
    from django.db import connection

    from stories.management.prose import zipf_weights

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM stories_work")
        total = cursor.fetchone()[0]
        share = min(100.0, 100.0 * distinct / max(total, 1) * 1.2)
        cursor.execute(
            """
            SELECT w.id, w.chapter_count, w.title, w.summary, w.rating,
                   array_agg(t.slug ORDER BY t.slug) FILTER (WHERE t.kind = 'fandom'),
                   array_agg(t.slug ORDER BY t.slug) FILTER (WHERE t.kind <> 'fandom')
            FROM stories_work w
            JOIN stories_taggedwork tw ON tw.content_object_id = w.id
            JOIN stories_tag t ON t.id = tw.tag_id
            WHERE w.id IN (SELECT id FROM stories_work TABLESAMPLE BERNOULLI (%s) REPEATABLE (%s)
                           WHERE status = 'posted' AND NOT is_hidden AND NOT restricted)
            GROUP BY w.id ORDER BY md5(w.id::text)
            """,
            [share, seed],
        )
        sample = cursor.fetchall()
        cursor.execute(
            "SELECT t.slug, count(*) FROM stories_tag t JOIN stories_taggedwork tw ON tw.tag_id = t.id "
            "WHERE t.synonym_of_id IS NULL GROUP BY t.slug ORDER BY count(*) DESC, t.slug LIMIT 3000"
        )
        counted = cursor.fetchall()
        popular = [slug for slug, _ in counted]
    sorts = ["updated", "published", "title", "words", "kudos", "hits", "comments", "bookmarks"]
    first = [f"/works/?sort={sort}" for sort in sorts] + [f"/tags/{slug}/" for slug in popular[:200]]
    rest = [f"/works/?{urlencode({'sort': sort, 'page': page})}" for sort in sorts for page in range(2, 200)]
    # Pages 2-5 of the popular tags, where the tag has that many pages (20 works a page, a
    # few hidden or restricted).
    rest += [f"/tags/{slug}/?page={page}" for slug, n in counted[:1000] for page in range(2, 6) if n > page * 25]
    rest += [f"/tags/{slug}/" for slug in popular[200:]]
    for work_id, chapters, title, summary, rating, fandoms, others in sample:
        rest.append(f"/works/{work_id}/")
        if chapters > 1:
            rest.append(f"/works/{work_id}/chapters/{rng.randint(2, chapters)}/")
        others = others or []
        if rng.random() < 0.5 and others:
            include = [fandoms[0], *rng.sample(others, min(len(others), rng.randint(1, 2)))]
            params = [("tag", slug) for slug in include] + [("sort", rng.choice(sorts))]
            if rng.random() < 0.5:
                params.append(("rating", rating))
            rest.append("/works/?" + urlencode(params))
        words = [w.strip(".,!?\"'").lower() for w in f"{title} {summary}".split() if len(w) > 3]
        if words and rng.random() < 0.5:
            rest.append("/search/?" + urlencode({"q": " ".join(rng.sample(words, min(2, len(words))))}))
    rest = list(dict.fromkeys(url for url in rest if url not in set(first)))
    rng.shuffle(rest)
    paths = first + rest
    weights = zipf_weights(len(paths), 1.0)
    ranks = rng.choices(range(len(paths)), cum_weights=weights, k=length)
    order = [(rank, rng.randint(1, READERS) if rng.random() < 0.2 else 0) for rank in ranks]
    return paths, order


def reader_sessions() -> list[str]:
    """Session keys of READERS signed-in readers (made once in the bench database,
    each muting three popular tags and two prolific creators), logged in afresh
    after the cache (which holds sessions) was emptied."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from stories.models import ReaderPreference, Tag

    User = get_user_model()
    # The generator's first freeform tags and first authors are its most popular.
    tags = list(Tag.objects.filter(kind="freeform").order_by("id")[:30])
    creators = list(User.objects.filter(username__regex=r"^bench[0-9]+$").order_by("id")[:20])
    keys = []
    for number in range(READERS):
        reader, made = User.objects.get_or_create(username=f"bench_reader{number}")
        if made:
            preference, _ = ReaderPreference.objects.get_or_create(user=reader)
            preference.muted_tags.set(tags[number % 10 :: 10][:3])
            preference.muted_creators.set(creators[number % 10 :: 10][:2])
        client = Client()
        client.force_login(reader)
        keys.append(client.cookies["sessionid"].value)
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--warm", type=int, default=20, help="seconds of the warm pass")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="run only scenarios whose name contains this")
    parser.add_argument("--no-page-cache", action="store_true", help="serve with QUIRE_PAGE_CACHE_SECONDS=0")
    parser.add_argument("--mixed", type=int, default=60, help="seconds of the mixed pass (0: none)")
    parser.add_argument("--mixed-urls", type=int, default=60_000, help="distinct URLs the mixed pass draws from")
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
    postgres = postmaster_pid()
    rows = []

    def measure(name: str, paths: list[str], passes) -> None:
        """Empties the cache, starts the server and runs `passes` (label, callable
        taking the port) under one CpuMeter each; adds a row per pass."""
        empty_cache(redis_url)
        with Server(args.port, args.workers) as server:
            for label, run in passes:
                with CpuMeter(server.process.pid, postgres) as meter:
                    result = run()
                rows.append((name, len(paths), label, meter.per_request(result)))
        print(f"  {name}: done ({len(paths)} URLs), load average {os.getloadavg()[0]:.2f}", flush=True)

    for name, paths in urls.items():
        if args.only and args.only not in name and name != "healthz":
            continue
        cold_paths = paths * 200 if name == "healthz" else paths
        measure(name, paths, [
            ("cold", lambda paths=cold_paths: once_each(args.port, paths, args.connections)),
            ("warm", lambda paths=paths: wrk(args.port, paths, args.warm, args.connections)),
        ])  # fmt: skip
    if args.mixed and (not args.only or args.only in "mixed"):
        paths, order = build_mixed(args.seed, args.mixed_urls, args.mixed * 1_000)
        empty_cache(redis_url)
        cookies = reader_sessions()
        with Server(args.port, args.workers) as server, CpuMeter(server.process.pid, postgres) as meter:
            result = wrk(args.port, paths, args.mixed, args.connections, order, cookies)
        rows.append(("mixed (Zipf, 1 in 5 signed in)", len(set(paths)), "mixed", meter.per_request(result)))
        print(f"  mixed: done ({len(paths)} URLs), load average {os.getloadavg()[0]:.2f}", flush=True)

    yardstick = next(result["rps"] for name, _, label, result in rows if name == "healthz" and label == "warm")
    print()
    print(
        "| scenario | URLs | pass | requests | req/s | p50 ms | p95 ms | p99 ms | errors | from cache "
        "| % of /healthz | app CPU ms/req | PostgreSQL CPU ms/req |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, count, label, result in rows:
        share = 100 * result["rps"] / yardstick
        cached = 100 * result["hits"] / max(result["requests"], 1)
        print(
            f"| {name} | {count} | {label} | {result['requests']} | {result['rps']:.0f} | {result['p50']:.1f} "
            f"| {result['p95']:.1f} | {result['p99']:.1f} | {result['errors']} | {cached:.0f}% | {share:.0f}% "
            f"| {result['app_ms']:.1f} | {result['postgres_ms']:.1f} |"
        )
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
