"""`make backup` and `make restore` (archive.dbctl): a pg_dump archive of the database
in use, restored into an empty scratch database on the same server, brings every row
back; a database that is not empty is refused unless forced; a damaged archive
changes nothing."""

import re

import pytest
from psycopg2 import sql

from archive.dbctl import Database, OpsError, backup, restore
from stories.models import Bookmark, Comment, Kudos, Subscription, Tag, TagKind
from tests import factories

pytestmark = pytest.mark.smoke  # CI's smoke run covers an external server (Debian's pg_dump)

# The tables the archive cannot lose, compared id by id; every other table by its content.
NAMED = ["stories_work", "stories_chapter", "stories_tag", "stories_taggedwork", "auth_user"]
INTERACTIONS = ["stories_kudos", "stories_comment", "stories_bookmark", "stories_subscription"]


def _snapshot(db: Database) -> dict[str, tuple]:
    """For every table: its ids (when it has an id column) and a digest of all its rows."""
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, bool_or(column_name = 'id') FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name IN "
            "(SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE') GROUP BY table_name"
        )
        tables = cursor.fetchall()
        snapshot = {}
        for table, has_id in tables:
            ids = sql.SQL("array_agg(id ORDER BY id)") if has_id else sql.SQL("NULL")
            cursor.execute(
                sql.SQL(
                    "SELECT count(*), {}, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"
                ).format(ids, sql.Identifier(table))
            )
            snapshot[table] = cursor.fetchone()
    return snapshot


@pytest.fixture
def archive_with_interactions(source_database, author, reader, stranger):
    """Works with chapters and tags, and a reader's kudos, comment, bookmark and subscription."""
    fandom = factories.TagFactory(name="Stargate", kind=TagKind.FANDOM)
    freeform = factories.TagFactory(name="Hurt/Comfort")
    works = [factories.WorkFactory(creators=[author], chapters=3, tags=[fandom, freeform]) for _ in range(3)]
    first = works[0]
    Kudos.objects.create(work=first, user=reader)
    Kudos.objects.create(work=first, guest_key="a-guest")
    Comment.objects.create(work=first, chapter=first.chapters.first(), user=reader, body="Loved *this*.")
    Bookmark.objects.create(user=reader, work=first, note="Reread", tags=["comfort"])
    Subscription.objects.create(user=stranger, creator=author)
    Subscription.objects.create(user=reader, tag=Tag.objects.get(name="Stargate"))
    return source_database


def test_restore_into_an_empty_database_brings_back_every_row(archive_with_interactions, scratch_database, tmp_path):
    source = archive_with_interactions
    path = backup(source, tmp_path)

    assert re.fullmatch(rf"{re.escape(source.name)}-\d{{4}}-\d\d-\d\d-\d{{6}}\.dump", path.name)
    assert path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert list(tmp_path.iterdir()) == [path]  # no partial file left beside it
    assert scratch_database.table_count() == 0

    restore(scratch_database, path)

    before, after = _snapshot(source), _snapshot(scratch_database)
    for table in NAMED + INTERACTIONS:
        assert before[table][0] > 0, f"{table} is empty: the test would prove nothing"
        assert after[table][:2] == before[table][:2], table
    assert after == before


def test_restore_refuses_a_database_that_is_not_empty(archive_with_interactions, scratch_database, tmp_path):
    path = backup(archive_with_interactions, tmp_path)
    restore(scratch_database, path)
    restored = _snapshot(scratch_database)

    with pytest.raises(OpsError, match=r"(?s)not empty .*FORCE=1"):
        restore(scratch_database, path)

    assert _snapshot(scratch_database) == restored


def test_forced_restore_replaces_everything_and_a_damaged_archive_changes_nothing(
    archive_with_interactions, scratch_database, tmp_path
):
    source = archive_with_interactions
    path = backup(source, tmp_path)
    restore(scratch_database, path)
    with scratch_database.cursor() as cursor:
        cursor.execute("DELETE FROM stories_kudos")
        cursor.execute("CREATE TABLE left_over (id int)")
    changed = _snapshot(scratch_database)
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])

    with pytest.raises(OpsError, match="nothing changed"):
        restore(scratch_database, damaged, force=True)
    assert _snapshot(scratch_database) == changed

    restore(scratch_database, path, force=True)
    assert _snapshot(scratch_database) == _snapshot(source)


def test_restore_refuses_a_file_that_is_not_a_backup(scratch_database, tmp_path):
    not_a_dump = tmp_path / "notes.txt"
    not_a_dump.write_text("SELECT 1;")

    with pytest.raises(OpsError, match="not a pg_dump custom-format archive"):
        restore(scratch_database, not_a_dump)
    with pytest.raises(OpsError, match="No backup file"):
        restore(scratch_database, tmp_path / "missing.dump")
