"""Two app servers on two ports behind one Redis (REDIS_URL): a reader logs in on one
and leaves kudos through the other with the same cookies, and the first sees it; a
guest's list page cached by one is served from the cache by the other. (The shared
rate limits: tests/accounts/test_ratelimit_servers.py.)"""

import pytest

from tests import factories
from tests.helpers import free_port, wait_until_up
from tests.servers import Visitor, start_gunicorn, stop_all

pytestmark = pytest.mark.ops

REDIS_URL = "redis://127.0.0.1:6379/13"  # this test's own Redis database, flushed


@pytest.fixture
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.fail("Redis is not running at 127.0.0.1:6379")
    yield REDIS_URL
    client.flushdb()


@pytest.mark.django_db(transaction=True)
def test_a_reader_logged_in_on_one_server_writes_through_the_other(redis_url, tmp_path):
    factories.UserFactory(username="two-server-reader")
    work = factories.WorkFactory(title="Read on two servers")
    env = {"REDIS_URL": redis_url}  # and the test's database
    ports = [free_port(), free_port()]
    servers = [start_gunicorn(port, env, workers=1, log=tmp_path / f"{port}.log") for port in ports]
    try:
        for port in ports:
            wait_until_up(port)
        on_a = Visitor(f"http://127.0.0.1:{ports[0]}")
        on_a.log_in("two-server-reader", factories.PASSWORD)
        on_b = on_a.use(f"http://127.0.0.1:{ports[1]}")

        status, page = on_b.get(work.get_absolute_url())
        assert status == 200 and "Log out" in page, (
            "server B does not know the session made on server A",
            status,
            page[:3000],
        )
        status, page = on_b.post(f"{work.get_absolute_url()}kudos/", {"next": work.get_absolute_url()}, page)
        assert status == 200 and "Kudos left ♥" in page, page[:2000]
        status, page = on_a.get(work.get_absolute_url())
        assert status == 200 and "Kudos left ♥" in page
        assert work.kudos.count() == 1

        # Behind one load balancer both servers see the same host name, so the same page key.
        guest_a, guest_b = Visitor(on_a.base_url, "localhost"), Visitor(on_b.base_url, "localhost")
        assert guest_a.get("/works/")[0] == 200 and guest_a.headers.get("X-Quire-Cache") == "miss"
        assert guest_b.get("/works/")[0] == 200 and guest_b.headers.get("X-Quire-Cache") == "hit"
    finally:
        stop_all(servers)
