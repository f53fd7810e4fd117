"""Each tagging carries the tag it counts under: its canonical tag (or the tag itself)
and that tag's kind, kept by triggers.

Facet counts group a result's taggings by canonical tag. Before, each count joined
every tagging to stories_tag twice (for the synonym, then for the canonical's kind
and name), and the planner hashed the whole tag table for it: a cost that grows with
the archive's tags, not with the result. With the root on the tagging, the counts
come from one index (content_object_id, root_kind, root_id) and only the tags shown
are looked up.

- BEFORE INSERT or an update of tag_id (or of the root columns themselves, so they
  cannot be written wrong): the tagging reads its root from its tag.
- AFTER a tag's synonym_of or kind changes: its taggings and its synonyms' taggings
  are read again.
- The search vectors' statement trigger (0004) recomputed a work's vector on any
  update of its taggings; a change of root alone does not touch the vector, so it now
  recomputes only when tag_id or content_object_id changed.
"""

import importlib

from django.db import migrations, models

ROOTS = """
CREATE OR REPLACE FUNCTION quire_taggedwork_root() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  SELECT coalesce(t.synonym_of_id, t.id), coalesce(r.kind, t.kind) INTO NEW.root_id, NEW.root_kind
  FROM stories_tag t LEFT JOIN stories_tag r ON r.id = t.synonym_of_id
  WHERE t.id = NEW.tag_id;
  RETURN NEW;
END
$fn$;

CREATE OR REPLACE FUNCTION quire_tag_root_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- Writing root_id fires quire_taggedwork_root, which reads the root again.
  UPDATE stories_taggedwork SET root_id = NULL
  WHERE tag_id IN (SELECT id FROM stories_tag WHERE id = NEW.id OR synonym_of_id = NEW.id);
  RETURN NULL;
END
$fn$;
"""

FILL = """
UPDATE stories_taggedwork tw SET root_id = coalesce(t.synonym_of_id, t.id), root_kind = coalesce(r.kind, t.kind)
FROM stories_tag t LEFT JOIN stories_tag r ON r.id = t.synonym_of_id
WHERE t.id = tw.tag_id;
"""

TRIGGERS = """
CREATE TRIGGER quire_taggedwork_root BEFORE INSERT OR UPDATE OF tag_id, root_id, root_kind ON stories_taggedwork
FOR EACH ROW EXECUTE FUNCTION quire_taggedwork_root();
CREATE TRIGGER quire_tag_root AFTER UPDATE OF synonym_of_id, kind ON stories_tag
FOR EACH ROW WHEN (OLD.synonym_of_id IS DISTINCT FROM NEW.synonym_of_id OR OLD.kind IS DISTINCT FROM NEW.kind)
EXECUTE FUNCTION quire_tag_root_changed();
"""

DROP = """
DROP TRIGGER IF EXISTS quire_tag_root ON stories_tag;
DROP TRIGGER IF EXISTS quire_taggedwork_root ON stories_taggedwork;
DROP FUNCTION IF EXISTS quire_tag_root_changed();
DROP FUNCTION IF EXISTS quire_taggedwork_root();
"""

# 0004's function with one change: an update of taggings recomputes the vectors of
# the works whose tagging changed its tag or its work, not of every updated row.
CHILDREN_CHANGED = r"""
CREATE OR REPLACE FUNCTION quire_work_children_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  column_name text := TG_ARGV[0];
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('UPDATE stories_work SET search_vector = NULL WHERE id IN (SELECT %I FROM new_rows)', column_name);
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format('UPDATE stories_work SET search_vector = NULL WHERE id IN (SELECT %I FROM old_rows)', column_name);
  ELSIF TG_TABLE_NAME = 'stories_chapter' THEN
    -- Only text changes matter for a chapter (not its position or counts).
    UPDATE stories_work SET search_vector = NULL WHERE id IN (
      SELECT n.work_id FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE o.body_html IS DISTINCT FROM n.body_html OR o.work_id IS DISTINCT FROM n.work_id
      UNION
      SELECT o.work_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.work_id IS DISTINCT FROM n.work_id
    );
  ELSIF TG_TABLE_NAME = 'stories_taggedwork' THEN
    -- Only a tagging's tag and work matter (not the root kept beside them).
    UPDATE stories_work SET search_vector = NULL WHERE id IN (
      SELECT n.content_object_id FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE o.tag_id IS DISTINCT FROM n.tag_id OR o.content_object_id IS DISTINCT FROM n.content_object_id
      UNION
      SELECT o.content_object_id FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE o.content_object_id IS DISTINCT FROM n.content_object_id
    );
  ELSE
    EXECUTE format(
      'UPDATE stories_work SET search_vector = NULL WHERE id IN (SELECT %1$I FROM new_rows UNION SELECT %1$I FROM old_rows)',
      column_name
    );
  END IF;
  RETURN NULL;
END
$fn$;
"""
CHILDREN_CHANGED_0004 = importlib.import_module("stories.migrations.0004_search_statement_triggers").FUNCTION


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0008_taggedwork_drop_redundant_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="taggedwork",
            name="root_id",
            field=models.IntegerField(
                editable=False, null=True, help_text="The canonical tag (or the tag itself); kept by a trigger."
            ),
        ),
        migrations.AddField(
            model_name="taggedwork",
            name="root_kind",
            field=models.CharField(
                db_collation="C",
                editable=False,
                max_length=16,
                null=True,
                help_text="The kind of the root tag; kept by a trigger.",
            ),
        ),
        # Before the roots are filled: the fill leaves deferred trigger events behind
        # (listing generation), and no index can be built while they are pending.
        migrations.AddIndex(
            model_name="taggedwork",
            index=models.Index(fields=["content_object", "root_kind", "root_id"], name="taggedwork_facets"),
        ),
        # The function first, so that filling the roots recomputes no search vector.
        migrations.RunSQL(CHILDREN_CHANGED, reverse_sql=CHILDREN_CHANGED_0004),
        migrations.RunSQL(ROOTS + FILL + TRIGGERS, reverse_sql=DROP),
    ]
