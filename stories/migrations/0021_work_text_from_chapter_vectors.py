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
"""

BACKWARD = r"""
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
