"""Each chapter keeps its own search vector, so a search page's snippets need not
re-parse every chapter of its twenty works to find the one that matches best.

A stored generated column the ORM does not know (no model field): only the snippet
query (stories/search.py) reads it, and reading pages never load it.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION quire_text_vector(html text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
SELECT to_tsvector('english'::regconfig, public.unaccent('public.unaccent'::regdictionary, quire_plain_text(html)))
$fn$;
ALTER TABLE stories_chapter
  ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (quire_text_vector(body_html)) STORED;
"""

BACKWARD = r"""
ALTER TABLE stories_chapter DROP COLUMN IF EXISTS search_vector;
DROP FUNCTION IF EXISTS quire_text_vector(text);
"""


class Migration(migrations.Migration):
    dependencies = [("stories", "0006_listing_generation")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
