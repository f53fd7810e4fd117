"""A work's text vector is joined from its chapters' stored vectors, not parsed again.

Each chapter already keeps `search_vector` (migration 0007), computed from its body
when the body is written. Until now `quire_work_text` re-parsed the plain text of
every chapter of the work on each change to any of them, so posting chapter 101 of
a long work parsed a hundred chapters again, and filling a million works' vectors
parsed all their text twice. Joining the chapters' vectors in order gives the same
lexemes and weights; positions continue from one chapter to the next (tsvector's
`||` shifts the right side's positions past the left side's last one), as they did
when the texts were joined with a space.

`quire_tsvector_agg` is that `||` as an aggregate (PostgreSQL has none built in).

The chapter's own vector stops being a generated column and is kept by a trigger
instead: on insert, and on an update that changes the body or sets the vector to
NULL (the same "NULL means recompute" as the work's vector). Every write path still
keeps it right, an update that leaves the body alone no longer parses it again, and
a bulk load with triggers off (bench/generate.py) may write vectors it made itself.
"""

from django.db import migrations

FORWARD = r"""
CREATE AGGREGATE public.quire_tsvector_agg(tsvector) (
  SFUNC = pg_catalog.tsvector_concat, STYPE = tsvector, INITCOND = ''
);
CREATE OR REPLACE FUNCTION quire_work_text(wid bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $fn$
SELECT setweight(coalesce((SELECT public.quire_tsvector_agg(ch.search_vector ORDER BY ch.position)
                           FROM public.stories_chapter ch WHERE ch.work_id = wid), ''::tsvector), 'D')
$fn$;
ALTER TABLE stories_chapter ALTER COLUMN search_vector DROP EXPRESSION;
CREATE OR REPLACE FUNCTION quire_chapter_text_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.search_vector := public.quire_text_vector(NEW.body_html);
  RETURN NEW;
END
$fn$;
CREATE TRIGGER quire_chapter_text_ins BEFORE INSERT ON stories_chapter
FOR EACH ROW EXECUTE FUNCTION quire_chapter_text_trigger();
CREATE TRIGGER quire_chapter_text_upd BEFORE UPDATE ON stories_chapter
FOR EACH ROW WHEN (OLD.body_html IS DISTINCT FROM NEW.body_html OR NEW.search_vector IS NULL)
EXECUTE FUNCTION quire_chapter_text_trigger();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS quire_chapter_text_upd ON stories_chapter;
DROP TRIGGER IF EXISTS quire_chapter_text_ins ON stories_chapter;
DROP FUNCTION IF EXISTS quire_chapter_text_trigger();
ALTER TABLE stories_chapter DROP COLUMN search_vector;
ALTER TABLE stories_chapter
  ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (public.quire_text_vector(body_html)) STORED;
CREATE OR REPLACE FUNCTION quire_work_text(wid bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $fn$
SELECT setweight(to_tsvector('english', public.unaccent(
         coalesce((SELECT string_agg(quire_plain_text(ch.body_html), ' ' ORDER BY ch.position)
                   FROM stories_chapter ch WHERE ch.work_id = wid), ''))), 'D')
$fn$;
DROP AGGREGATE IF EXISTS public.quire_tsvector_agg(tsvector);
"""


class Migration(migrations.Migration):
    dependencies = [("stories", "0020_series_notes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
