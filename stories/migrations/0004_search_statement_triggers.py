"""Recompute a work's search vectors once per statement, not once per row.

The row-level triggers of 0003 recomputed the whole vector (all chapter text) for
every chapter, tagging and creator row inserted, so posting a 28-chapter work of
120,000 words recomputed it some 40 times (12 s). Statement-level triggers with
transition tables touch each affected work once per INSERT/UPDATE/DELETE statement;
services insert a work's chapters and tags with one statement each.
"""

from django.db import migrations

FUNCTION = r"""
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


def _triggers(table: str, column: str) -> str:
    name = f"quire_{table.removeprefix('stories_')}_vector"
    return f"""
DROP TRIGGER IF EXISTS {name} ON {table};
DROP TRIGGER IF EXISTS {name}_update ON {table};
CREATE TRIGGER {name}_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION quire_work_children_changed('{column}');
CREATE TRIGGER {name}_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION quire_work_children_changed('{column}');
CREATE TRIGGER {name}_upd AFTER UPDATE ON {table} REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION quire_work_children_changed('{column}');
"""


CHILDREN = [
    ("stories_chapter", "work_id"),
    ("stories_taggedwork", "content_object_id"),
    ("stories_workcreator", "work_id"),
]

FORWARD = FUNCTION + "".join(_triggers(table, column) for table, column in CHILDREN)

# Back to 0003's row-level triggers.
BACKWARD = (
    "".join(
        f"DROP TRIGGER IF EXISTS quire_{t.removeprefix('stories_')}_vector_{s} ON {t};\n"
        for t, _ in CHILDREN
        for s in ("ins", "del", "upd")
    )
    + """
CREATE TRIGGER quire_chapter_vector AFTER INSERT OR DELETE ON stories_chapter
FOR EACH ROW EXECUTE FUNCTION quire_work_child_changed('work_id');
CREATE TRIGGER quire_chapter_vector_update AFTER UPDATE ON stories_chapter
FOR EACH ROW WHEN (OLD.body_html IS DISTINCT FROM NEW.body_html OR OLD.work_id IS DISTINCT FROM NEW.work_id)
EXECUTE FUNCTION quire_work_child_changed('work_id');
CREATE TRIGGER quire_taggedwork_vector AFTER INSERT OR DELETE OR UPDATE ON stories_taggedwork
FOR EACH ROW EXECUTE FUNCTION quire_work_child_changed('content_object_id');
CREATE TRIGGER quire_workcreator_vector AFTER INSERT OR DELETE OR UPDATE ON stories_workcreator
FOR EACH ROW EXECUTE FUNCTION quire_work_child_changed('work_id');
DROP FUNCTION IF EXISTS quire_work_children_changed();
"""
)


class Migration(migrations.Migration):
    dependencies = [("stories", "0003_discovery_search")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
