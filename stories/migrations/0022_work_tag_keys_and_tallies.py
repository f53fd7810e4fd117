"""Each work carries its tags' roots as an array, and listed works are tallied per tag.

At a million works a popular tag holds a hundred thousand of them, and everything
that visited each tagged work grew with it: the tag filters (one EXISTS over the
taggings per chosen tag, which the planner cannot estimate), the facet tag counts
(every tagging of a thousand works read through the tagging index) and the count
of a tag page or of the whole index (every matching work visited).

- `stories_work.tag_keys`: the work's *tag keys*, sorted and distinct, one per root
  tag (the canonical tag a tagging counts under, migration 0009) with the root's
  kind folded in: `root_id * 4 + kind code` (fandom 0, character 1, relationship
  2, freeform 3; `quire_tag_key`, and `stories.models.tags.tag_key` in Python).
  A GIN index answers include (`@>`) and exclude (`&&`) filters from the array,
  and PostgreSQL keeps statistics of its commonest elements, so the planner knows
  a popular tag from a rare one. A facet sample reads the arrays with the works'
  other columns and counts tags per kind without another scan of the taggings.
  Kept by triggers, as the search vectors are: any write of the column (Django's
  full saves included) reads it again from the taggings, and a statement that
  inserts, deletes or re-roots taggings (a synonym wrangled, a tag's kind changed)
  writes it for the works it touched.
- `quire_work_tally`: how many listed works (posted, not hidden) each tag key has,
  restricted ones apart, and key -1 for the whole archive; a tag page or the bare
  index sums two or three rows instead of counting its works. Each statement that
  changes a work's listing, restriction or keys *adds rows* (+n / -n) rather than
  updating a shared counter, so concurrent posts never wait on each other or
  deadlock on a popular tag's row; `quire_work_tally_compact()` (a periodic job,
  discovery.tasks) folds them into one row per key and restriction.

Filling a database loaded with triggers off (bench/generate.py): either COPY each
work's keys with it (`{k1,k2,...}`, sorted, distinct: root_id * 4 + kind code of its
taggings) or run FILL_KEYS below once the taggings are in (before the secondary
indexes are built again: it rewrites every work); then FILL_TALLY.
"""

import importlib
import re

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

LISTING = importlib.import_module("stories.migrations.0006_listing_generation")

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION quire_tag_key(root_id integer, root_kind text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
SELECT root_id * 4 + CASE root_kind WHEN 'fandom' THEN 0 WHEN 'character' THEN 1 WHEN 'relationship' THEN 2 ELSE 3 END
$fn$;

CREATE OR REPLACE FUNCTION quire_work_tag_keys(wid bigint) RETURNS integer[]
LANGUAGE sql STABLE AS $fn$
SELECT coalesce(array_agg(k ORDER BY k), '{}')
FROM (SELECT DISTINCT public.quire_tag_key(tw.root_id, tw.root_kind) AS k
      FROM public.stories_taggedwork tw WHERE tw.content_object_id = wid AND tw.root_id IS NOT NULL) keys
$fn$;

-- BEFORE INSERT OR UPDATE OF tag_keys on works: whoever writes the column, it is
-- read again from the taggings (a full save from Django writes the value it loaded).
CREATE OR REPLACE FUNCTION quire_work_tag_keys_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.tag_keys := quire_work_tag_keys(NEW.id);
  RETURN NEW;
END
$fn$;

-- AFTER each statement on taggings: the works whose taggings came, went, or changed
-- their root or work read their keys again (only where they differ).
CREATE OR REPLACE FUNCTION quire_taggings_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE stories_work SET tag_keys = NULL WHERE id IN (SELECT content_object_id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE stories_work SET tag_keys = NULL WHERE id IN (SELECT content_object_id FROM old_rows);
  ELSE
    UPDATE stories_work SET tag_keys = NULL WHERE id IN (
      SELECT n.content_object_id FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (o.root_id, o.root_kind, o.content_object_id) IS DISTINCT FROM (n.root_id, n.root_kind, n.content_object_id)
      UNION
      SELECT o.content_object_id FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE o.content_object_id IS DISTINCT FROM n.content_object_id
    );
  END IF;
  RETURN NULL;
END
$fn$;

-- AFTER each statement on works: what it changed in the tally, as rows to add.
CREATE OR REPLACE FUNCTION quire_work_tally_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO quire_work_tally (key, restricted, n)
    SELECT k, w.restricted, count(*) FROM new_rows w, unnest(w.tag_keys || -1) k
    WHERE w.status = 'posted' AND NOT w.is_hidden GROUP BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO quire_work_tally (key, restricted, n)
    SELECT k, w.restricted, -count(*) FROM old_rows w, unnest(w.tag_keys || -1) k
    WHERE w.status = 'posted' AND NOT w.is_hidden GROUP BY 1, 2;
  ELSE
    -- Most updates (counters, text) change none of these: nothing is written.
    INSERT INTO quire_work_tally (key, restricted, n)
    SELECT k, restricted, sum(d) FROM (
      SELECT k, w.restricted, w.d FROM (
        SELECT o.tag_keys, o.restricted, -1 AS d, o.status, o.is_hidden
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.status, o.is_hidden, o.restricted, o.tag_keys) IS DISTINCT FROM (n.status, n.is_hidden, n.restricted, n.tag_keys)
        UNION ALL
        SELECT n.tag_keys, n.restricted, 1, n.status, n.is_hidden
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.status, o.is_hidden, o.restricted, o.tag_keys) IS DISTINCT FROM (n.status, n.is_hidden, n.restricted, n.tag_keys)
      ) w, unnest(w.tag_keys || -1) k
      WHERE w.status = 'posted' AND NOT w.is_hidden
    ) changes GROUP BY 1, 2 HAVING sum(d) <> 0;
  END IF;
  RETURN NULL;
END
$fn$;

-- TRUNCATE fires no row or statement trigger of DELETE (Django's test flush uses it).
CREATE OR REPLACE FUNCTION quire_work_tally_truncated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_TABLE_NAME = 'stories_work' THEN
    DELETE FROM quire_work_tally;
  ELSE
    UPDATE stories_work SET tag_keys = NULL WHERE tag_keys <> '{}';
  END IF;
  RETURN NULL;
END
$fn$;

-- One row per key and restriction again; a delta added meanwhile is not in this
-- statement's snapshot, so it is neither deleted nor summed: it stays a delta.
CREATE OR REPLACE FUNCTION quire_work_tally_compact() RETURNS integer LANGUAGE sql AS $fn$
WITH touched AS (SELECT DISTINCT key FROM quire_work_tally WHERE NOT compacted),
gone AS (
  DELETE FROM quire_work_tally t USING touched WHERE t.key = touched.key RETURNING t.key, t.restricted, t.n
),
folded AS (
  INSERT INTO quire_work_tally (key, restricted, n, compacted)
  SELECT key, restricted, sum(n), true FROM gone GROUP BY 1, 2 HAVING sum(n) <> 0
  RETURNING 1
)
SELECT count(*)::integer FROM (SELECT DISTINCT key FROM gone) keys
$fn$;
"""

TABLE = """
-- A database default as well as Django's: a bulk load (COPY) may leave the column out.
ALTER TABLE stories_work ALTER COLUMN tag_keys SET DEFAULT '{}';
CREATE TABLE quire_work_tally (
  key integer NOT NULL,
  restricted boolean NOT NULL,
  n integer NOT NULL,
  compacted boolean NOT NULL DEFAULT false
);
CREATE INDEX quire_work_tally_key ON quire_work_tally (key) INCLUDE (restricted, n);
CREATE INDEX quire_work_tally_deltas ON quire_work_tally (key) WHERE NOT compacted;
"""

# After the taggings are loaded (triggers off or on), every work's keys:
FILL_KEYS = """
UPDATE stories_work w SET tag_keys = k.keys
FROM (SELECT content_object_id AS id, array_agg(DISTINCT quire_tag_key(root_id, root_kind)) AS keys
      FROM stories_taggedwork WHERE root_id IS NOT NULL GROUP BY 1) k
WHERE w.id = k.id AND w.tag_keys IS DISTINCT FROM k.keys;
"""
# Then the tally, from nothing (array_agg(DISTINCT) above gives the keys sorted):
FILL_TALLY = """
TRUNCATE quire_work_tally;
INSERT INTO quire_work_tally (key, restricted, n, compacted)
SELECT k, w.restricted, count(*), true FROM stories_work w, unnest(w.tag_keys || -1) k
WHERE w.status = 'posted' AND NOT w.is_hidden GROUP BY 1, 2;
"""

TRIGGERS = """
CREATE TRIGGER quire_work_tag_keys BEFORE INSERT OR UPDATE OF tag_keys ON stories_work
FOR EACH ROW EXECUTE FUNCTION quire_work_tag_keys_trigger();
CREATE TRIGGER quire_taggedwork_keys_ins AFTER INSERT ON stories_taggedwork REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION quire_taggings_keys_changed();
CREATE TRIGGER quire_taggedwork_keys_del AFTER DELETE ON stories_taggedwork REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION quire_taggings_keys_changed();
CREATE TRIGGER quire_taggedwork_keys_upd AFTER UPDATE ON stories_taggedwork
REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION quire_taggings_keys_changed();
CREATE TRIGGER quire_work_tally_ins AFTER INSERT ON stories_work REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION quire_work_tally_changed();
CREATE TRIGGER quire_work_tally_del AFTER DELETE ON stories_work REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION quire_work_tally_changed();
CREATE TRIGGER quire_work_tally_upd AFTER UPDATE ON stories_work REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION quire_work_tally_changed();
CREATE TRIGGER quire_work_tally_truncate AFTER TRUNCATE ON stories_work
FOR EACH STATEMENT EXECUTE FUNCTION quire_work_tally_truncated();
CREATE TRIGGER quire_taggedwork_keys_truncate AFTER TRUNCATE ON stories_taggedwork
FOR EACH STATEMENT EXECUTE FUNCTION quire_work_tally_truncated();
"""

# (trigger, table) of every trigger above, and the functions, dropped in reverse.
TRIGGERS_ON = [
    (match.group(1), match.group(2)) for match in re.finditer(r"CREATE TRIGGER (\w+) .*? ON (\w+)", TRIGGERS, re.S)
]
FUNCTION_SIGNATURES = [
    "quire_work_tally_compact()",
    "quire_work_tally_truncated()",
    "quire_work_tally_changed()",
    "quire_taggings_keys_changed()",
    "quire_work_tag_keys_trigger()",
    "quire_work_tag_keys(bigint)",
    "quire_tag_key(integer, text)",
]
DROP = (
    "".join(f"DROP TRIGGER IF EXISTS {name} ON {table};\n" for name, table in reversed(TRIGGERS_ON))
    + "DROP TABLE IF EXISTS quire_work_tally;\n"
    + "".join(f"DROP FUNCTION IF EXISTS {signature};\n" for signature in FUNCTION_SIGNATURES)
)


KEYS_HELP = "The roots of the work's tags with their kinds (quire_tag_key); kept by triggers."
TAG_KEYS = ArrayField(models.IntegerField(), blank=True, default=list, editable=False, help_text=KEYS_HELP)
# work_filter_covering's columns, the tag keys now among them.
COVERED = "status is_hidden restricted rating language is_complete warnings categories tag_keys".split()


def _listing_triggers(columns: list[str]) -> str:
    """0006's two listing-generation triggers on works, watching `columns`."""
    events = f"INSERT OR DELETE OR UPDATE OF {', '.join(columns)}"
    return f"""
DROP TRIGGER IF EXISTS quire_listing_now ON stories_work;
DROP TRIGGER IF EXISTS quire_listing_at_commit ON stories_work;
CREATE TRIGGER quire_listing_now AFTER {events} OR TRUNCATE ON stories_work
FOR EACH STATEMENT EXECUTE FUNCTION quire_listing_changed();
CREATE CONSTRAINT TRIGGER quire_listing_at_commit AFTER {events} ON stories_work
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION quire_listing_changed();
"""


class Migration(migrations.Migration):
    # The lead re-points this at 0021_work_text_from_chapter_vectors when merging.
    dependencies = [("stories", "0021_work_text_from_chapter_vectors")]

    operations = [
        migrations.AddField("work", "tag_keys", TAG_KEYS),
        # Keys first, with no trigger yet; then the tally from them; then the triggers.
        migrations.RunSQL(TABLE + FUNCTIONS + FILL_KEYS + FILL_TALLY + TRIGGERS, DROP),
        # tag_keys changes only with the taggings, which move the generation already;
        # watched too, so that every column of a work is (tests/discovery/test_pagecache.py).
        migrations.RunSQL(
            _listing_triggers([*LISTING.WORK_COLUMNS, "tag_keys"]), _listing_triggers(LISTING.WORK_COLUMNS)
        ),
        migrations.AddIndex(model_name="work", index=GinIndex(fields=["tag_keys"], name="work_tag_keys")),
        # The facet sample of a tag's page reads the keys from the covering index.
        migrations.RemoveIndex(model_name="work", name="work_filter_covering"),
        migrations.AddIndex(
            model_name="work", index=models.Index(fields=["id"], include=COVERED, name="work_filter_covering")
        ),
    ]
