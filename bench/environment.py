"""The environment a bench script runs Quire in, set before Django is imported.

Each variable is set only where the caller's environment has none, so a run can
always point elsewhere (DATABASE_URL, DEBUG=1, …)."""

import os
import sys

DEFAULTS = {
    "DJANGO_SETTINGS_MODULE": "archive.settings",
    "SECRET_KEY": "bench-only-secret-key",
    "DEBUG": "0",
}


def stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (proc(5)): [0] is the
    state, [1] the parent pid, [11:15] utime, stime, cutime, cstime in clock ticks.
    Raises OSError when there is no such process on this machine."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def use_defaults(**settings: str) -> None:
    """Sets DEFAULTS, then `settings` (names as the environment spells them), in
    os.environ wherever the variable is unset. Call before importing django."""
    for name, value in {**DEFAULTS, **settings}.items():
        os.environ.setdefault(name, value)


def bench_database() -> str:
    """Sets Django up and returns the name of the database it uses; exits with a
    message unless that name contains "bench" (bench scripts write rows)."""
    import django

    django.setup()
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to write to {name!r}: its name does not contain 'bench'")
    return name
