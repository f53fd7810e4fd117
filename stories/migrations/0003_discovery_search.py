"""Search and discovery: the search vector is kept current by the database itself.

A trigger recomputes `stories_work.search_vector` whenever something it is made of
changes (the work's title or summary, its chapters, tags, tag names and synonyms,
creators), so every write path — services, admin, shell, raw SQL — keeps it right,
including bulk_create(), which sends no Django signals.

`search_head` holds the title, tags and creators, and summary only: ranking reads it
instead of the whole text, which is what makes ranking thousands of matches cheap.

Weights: title A; tags (with their canonical names) and creators B; summary C; story
text D. Text goes through unaccent so "Pokemon" finds "Pokémon".

Also: trigram indexes for misspelt titles and tag names, and indexes for the sorts
the works index offers.
"""

import django.contrib.postgres.search
from django.db import migrations

VECTOR_FUNCTION = r"""
CREATE OR REPLACE FUNCTION quire_work_head(wid bigint, wtitle text, wsummary text) RETURNS tsvector
LANGUAGE sql STABLE AS $fn$
SELECT
  setweight(to_tsvector('english', public.unaccent(coalesce(wtitle, ''))), 'A')
  || setweight(to_tsvector('english', public.unaccent(
       coalesce((SELECT string_agg(t.name || coalesce(' ' || c.name, ''), ' ')
                 FROM stories_taggedwork tw
                 JOIN stories_tag t ON t.id = tw.tag_id
                 LEFT JOIN stories_tag c ON c.id = t.synonym_of_id
                 WHERE tw.content_object_id = wid), '')
       || ' ' ||
       coalesce((SELECT string_agg(u.username, ' ')
                 FROM stories_workcreator wc JOIN auth_user u ON u.id = wc.user_id
                 WHERE wc.work_id = wid), ''))), 'B')
  || setweight(to_tsvector('english', public.unaccent(coalesce(wsummary, ''))), 'C')
$fn$;

CREATE OR REPLACE FUNCTION quire_work_text(wid bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $fn$
SELECT setweight(to_tsvector('english', public.unaccent(
         coalesce((SELECT string_agg(quire_plain_text(ch.body_html), ' ' ORDER BY ch.position)
                   FROM stories_chapter ch WHERE ch.work_id = wid), ''))), 'D')
$fn$;
"""

PLAIN_TEXT_FUNCTION = r"""
CREATE OR REPLACE FUNCTION quire_plain_text(html text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT regexp_replace(regexp_replace(coalesce(html, ''), '<[^>]*>', ' ', 'g'), '&[#a-zA-Z0-9]+;', ' ', 'g')
$fn$;
"""

TRIGGERS = r"""
CREATE OR REPLACE FUNCTION quire_work_vector_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.search_head := quire_work_head(NEW.id, NEW.title, NEW.summary);
  NEW.search_vector := NEW.search_head || quire_work_text(NEW.id);
  RETURN NEW;
END
$fn$;

CREATE TRIGGER quire_work_vector BEFORE INSERT OR UPDATE OF title, summary, search_vector
ON stories_work FOR EACH ROW EXECUTE FUNCTION quire_work_vector_trigger();

-- Children touch the parent row; the trigger above then recomputes its vector.
CREATE OR REPLACE FUNCTION quire_work_child_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  column_name text := TG_ARGV[0];
  new_id bigint;
  old_id bigint;
BEGIN
  IF TG_OP <> 'DELETE' THEN
    EXECUTE format('SELECT ($1).%I', column_name) INTO new_id USING NEW;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    EXECUTE format('SELECT ($1).%I', column_name) INTO old_id USING OLD;
  END IF;
  UPDATE stories_work SET search_vector = NULL WHERE id IN (new_id, old_id);
  RETURN NULL;
END
$fn$;

CREATE TRIGGER quire_chapter_vector AFTER INSERT OR DELETE ON stories_chapter
FOR EACH ROW EXECUTE FUNCTION quire_work_child_changed('work_id');
CREATE TRIGGER quire_chapter_vector_update AFTER UPDATE ON stories_chapter
FOR EACH ROW WHEN (OLD.body_html IS DISTINCT FROM NEW.body_html OR OLD.work_id IS DISTINCT FROM NEW.work_id)
EXECUTE FUNCTION quire_work_child_changed('work_id');

CREATE TRIGGER quire_taggedwork_vector AFTER INSERT OR DELETE OR UPDATE ON stories_taggedwork
FOR EACH ROW EXECUTE FUNCTION quire_work_child_changed('content_object_id');

CREATE TRIGGER quire_workcreator_vector AFTER INSERT OR DELETE OR UPDATE ON stories_workcreator
FOR EACH ROW EXECUTE FUNCTION quire_work_child_changed('work_id');

CREATE OR REPLACE FUNCTION quire_tag_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE stories_work SET search_vector = NULL
  WHERE id IN (
    SELECT tw.content_object_id FROM stories_taggedwork tw
    WHERE tw.tag_id = NEW.id OR tw.tag_id IN (SELECT s.id FROM stories_tag s WHERE s.synonym_of_id = NEW.id)
  );
  RETURN NULL;
END
$fn$;

CREATE TRIGGER quire_tag_vector AFTER UPDATE ON stories_tag
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.synonym_of_id IS DISTINCT FROM NEW.synonym_of_id)
EXECUTE FUNCTION quire_tag_changed();
"""

DROP = r"""
DROP TRIGGER IF EXISTS quire_tag_vector ON stories_tag;
DROP TRIGGER IF EXISTS quire_workcreator_vector ON stories_workcreator;
DROP TRIGGER IF EXISTS quire_taggedwork_vector ON stories_taggedwork;
DROP TRIGGER IF EXISTS quire_chapter_vector_update ON stories_chapter;
DROP TRIGGER IF EXISTS quire_chapter_vector ON stories_chapter;
DROP TRIGGER IF EXISTS quire_work_vector ON stories_work;
DROP FUNCTION IF EXISTS quire_tag_changed();
DROP FUNCTION IF EXISTS quire_work_child_changed();
DROP FUNCTION IF EXISTS quire_work_vector_trigger();
DROP FUNCTION IF EXISTS quire_work_head(bigint, text, text);
DROP FUNCTION IF EXISTS quire_work_text(bigint);
DROP FUNCTION IF EXISTS quire_plain_text(text);
"""

INDEXES = r"""
CREATE INDEX IF NOT EXISTS work_search_head ON stories_work USING gin (search_head);
CREATE INDEX IF NOT EXISTS work_title_trgm ON stories_work USING gin (title gin_trgm_ops);
CREATE INDEX IF NOT EXISTS tag_name_trgm ON stories_tag USING gin (name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS work_comments ON stories_work (comment_count DESC);
CREATE INDEX IF NOT EXISTS work_bookmarks ON stories_work (bookmark_count DESC);
CREATE INDEX IF NOT EXISTS work_listed_public ON stories_work (restricted, updated_at DESC, id DESC)
  WHERE status = 'posted' AND NOT is_hidden;
-- Fill the vectors of works that exist already (the trigger does the work).
UPDATE stories_work SET search_vector = NULL WHERE search_vector IS NULL OR search_head IS NULL;
"""

DROP_INDEXES = r"""
DROP INDEX IF EXISTS work_search_head;
DROP INDEX IF EXISTS work_title_trgm;
DROP INDEX IF EXISTS tag_name_trgm;
DROP INDEX IF EXISTS work_comments;
DROP INDEX IF EXISTS work_bookmarks;
DROP INDEX IF EXISTS work_listed_public;
"""


class Migration(migrations.Migration):
    dependencies = [("stories", "0002_moderators_group")]

    operations = [
        migrations.AddField(
            model_name="work",
            name="search_head",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunSQL(PLAIN_TEXT_FUNCTION + VECTOR_FUNCTION + TRIGGERS, DROP),
        migrations.RunSQL(INDEXES, DROP_INDEXES),
    ]
