"""A counter that moves whenever anything a list page shows changes.

Guests' list pages are cached under the current value of the sequence
`quire_listing_generation` (stories/pagecache.py), so a change made through any path
(forms, admin, imports, shell, raw SQL) empties them at once, in every process.

Each table whose rows a list page shows gets two triggers calling nextval():
- a statement trigger, at once, so a change is seen inside its own transaction;
- a deferred row trigger, at commit, so a page read between the statement and the
  commit (from the data as it was) and cached under the new value is not served
  once the change is visible.
A work's counters (hits, kudos, comments, bookmarks) change many times a minute and
do not move it: cached pages may show them up to QUIRE_PAGE_CACHE_SECONDS old.
tests/test_pagecache.py checks that every other column of stories_work is watched.
"""

from django.db import migrations

# Every column but the id and the counters (hit_count, kudos_count, comment_count,
# bookmark_count).
WORK_COLUMNS = (
    "title summary summary_html disclaimer notes notes_html end_notes end_notes_html rating warnings categories "
    "language status published_on updated_at created_at is_complete expected_chapters is_hidden hidden_reason "
    "restricted comments_from_guests word_count chapter_count search_vector search_head"
).split()
# table -> the events that move the counter
WATCHED = {
    "stories_work": f"INSERT OR DELETE OR UPDATE OF {', '.join(WORK_COLUMNS)}",
    "auth_user": "DELETE OR UPDATE OF username, is_active",
    **{
        table: "INSERT OR DELETE OR UPDATE"
        for table in (
            "stories_chapter",
            "stories_workcreator",
            "stories_tag",
            "stories_tag_parents",
            "stories_taggedwork",
            "stories_series",
            "stories_seriespart",
        )
    },
}

FUNCTION = """
CREATE SEQUENCE IF NOT EXISTS quire_listing_generation;
CREATE OR REPLACE FUNCTION quire_listing_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM nextval('quire_listing_generation');
  RETURN NULL;
END
$fn$;
"""


def _create() -> str:
    parts = [FUNCTION]
    for table, events in WATCHED.items():
        parts.append(
            f"CREATE TRIGGER quire_listing_now AFTER {events} OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION quire_listing_changed();"
        )
        parts.append(
            f"CREATE CONSTRAINT TRIGGER quire_listing_at_commit AFTER {events} ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION quire_listing_changed();"
        )
    return "\n".join(parts)


def _drop() -> str:
    parts = []
    for table in WATCHED:
        parts.append(f"DROP TRIGGER IF EXISTS quire_listing_now ON {table};")
        parts.append(f"DROP TRIGGER IF EXISTS quire_listing_at_commit ON {table};")
    parts.append("DROP FUNCTION IF EXISTS quire_listing_changed(); DROP SEQUENCE IF EXISTS quire_listing_generation;")
    return "\n".join(parts)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0005_merge_search_triggers_and_perf_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunSQL(_create(), _drop())]
