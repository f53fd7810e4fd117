"""The Redis cache backend (stories.core.cache), against a real Redis when one answers."""

import socket

import pytest

from stories.core.cache import QuireRedisCache

REDIS = ("127.0.0.1", 6379)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def redis_cache():
    cache = QuireRedisCache(f"redis://{REDIS[0]}:{REDIS[1]}/13", {"KEY_PREFIX": "quire-test"})
    cache.clear()
    yield cache
    cache.clear()


def test_one_client_serves_every_operation(redis_cache):
    redis_cache.set("a", {"works": [1, 2]}, 30)
    assert redis_cache.get("a") == {"works": [1, 2]}
    redis_cache.set_many({"b": b"page", "c": 3}, 30)
    assert redis_cache.get_many(["a", "b", "c", "missing"]) == {"a": {"works": [1, 2]}, "b": b"page", "c": 3}
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client("any key", write=True) is client
