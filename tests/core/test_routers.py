from stories.core.routers import ReplicaRouter, _reads_may_use_replica
from stories.models import Work


def test_without_replicas_everything_uses_the_primary():
    router = ReplicaRouter(replicas=[])
    token = _reads_may_use_replica.set(True)
    try:
        assert router.db_for_read(Work) == "default"
    finally:
        _reads_may_use_replica.reset(token)


def test_safe_requests_read_from_a_replica_and_writes_go_to_the_primary():
    router = ReplicaRouter(replicas=["replica_0", "replica_1"])
    token = _reads_may_use_replica.set(True)
    try:
        assert router.db_for_read(Work) in {"replica_0", "replica_1"}
        assert router.db_for_write(Work) == "default"
    finally:
        _reads_may_use_replica.reset(token)
    # Outside a GET/HEAD request (a POST, a command), reads stay on the primary.
    assert router.db_for_read(Work) == "default"
    assert router.allow_migrate("replica_0", "stories") is False
    assert router.allow_migrate("default", "stories") is True
