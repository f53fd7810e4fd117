"""Read replicas: with DATABASE_REPLICA_URLS set, GET and HEAD requests read from a
replica; everything else (writes, and reads in requests that write) uses the primary,
so a POST never reads data older than what it just wrote."""

import random
from contextvars import ContextVar

from django.conf import settings

_reads_may_use_replica: ContextVar[bool] = ContextVar("reads_may_use_replica", default=False)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    def __init__(self, replicas: list[str] | None = None):
        self.replicas = replica_aliases() if replicas is None else replicas

    def db_for_read(self, model, **hints):
        if self.replicas and _reads_may_use_replica.get():
            return random.choice(self.replicas)
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Lets the router use replicas for the reads of safe requests only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads_may_use_replica.set(request.method in ("GET", "HEAD"))
        try:
            return self.get_response(request)
        finally:
            _reads_may_use_replica.reset(token)
