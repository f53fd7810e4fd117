"""A search's query is a constant when PostgreSQL plans it (quire_websearch,
migration 0022), so the planner can tell a word in half the works from a rare one."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["Café au lait", '"silver lantern" or tea -milk', "the and of", ""])
def test_quire_websearch_is_websearch_over_unaccent(query):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quire_websearch(%s)::text, websearch_to_tsquery('english', unaccent(%s))::text", [query, query]
        )
        ours, theirs = cursor.fetchone()
    assert ours == theirs


def test_the_planner_sees_the_query_as_a_constant():
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (VERBOSE) SELECT id FROM stories_work WHERE search_head @@ quire_websearch('kettles')")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "'''kettl'''::tsquery" in plan and "quire_websearch" not in plan
