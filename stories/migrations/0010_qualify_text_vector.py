"""quire_text_vector names quire_plain_text with its schema: pg_dump's scripts run
with an empty search_path, and the generated column stories_chapter.search_vector
inlines this function when a restore creates the table."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION quire_text_vector(html text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
SELECT to_tsvector('english'::regconfig, public.unaccent('public.unaccent'::regdictionary, public.quire_plain_text(html)))
$fn$;
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION quire_text_vector(html text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
SELECT to_tsvector('english'::regconfig, public.unaccent('public.unaccent'::regdictionary, quire_plain_text(html)))
$fn$;
"""


class Migration(migrations.Migration):
    dependencies = [("stories", "0009_taggedwork_root")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
