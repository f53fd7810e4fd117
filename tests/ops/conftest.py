"""Fixtures for the operating tests: the database in use, as archive.dbctl sees it,
and a scratch database on the same server for restores."""

import pytest
from psycopg2 import sql

from archive.dbctl import Database


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "ops: runs the README's commands in subprocesses (slow; `-m 'not ops'` leaves them out)"
    )


@pytest.fixture
def source_database(transactional_db) -> Database:
    """The test database: committed rows (transactional tests) that pg_dump can read."""
    from django.db import connection

    return Database.from_settings(connection.settings_dict)


@pytest.fixture
def scratch_database(source_database: Database):
    """A new, empty database on the same server; never the test database in use."""
    scratch = source_database.replace(name=f"{source_database.name}_ops_scratch")

    def maintain(statement: str) -> None:
        with source_database.cursor(database="postgres") as cursor:
            cursor.execute(sql.SQL(statement).format(sql.Identifier(scratch.name)))

    maintain("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    maintain("CREATE DATABASE {}")
    yield scratch
    maintain("DROP DATABASE IF EXISTS {} WITH (FORCE)")
