"""How many listed works a tag has, or the whole archive, without counting them.

The database keeps `quire_work_tally` (migration 0022): for each tag key
(Work.tag_keys) and for the archive (key -1), the number of listed works, restricted
ones apart, written by a trigger as rows to add (+n, -n) by every statement that
changes a work's listing, restriction or tags. A count is the sum of a key's rows:
one or two after tally_compact(), which the worker runs every minute
(discovery.tasks), plus the changes made since.
"""

from django.db import connections, router

from stories.models import Tag, Work
from stories.models.tags import tag_key

ARCHIVE = -1  # the key of every listed work


def listed_count(tag: Tag | None = None, *, restricted: bool) -> int:
    """The number of listed works (posted, not hidden) tagged with `tag` or a tag of its
    family (its canonical and that one's synonyms), or of the whole archive for None;
    with `restricted`, restricted works too (what a signed-in reader may see). One
    query, on the database the request reads works from; exact."""
    key = ARCHIVE if tag is None else tag_key(tag.synonym_of or tag)
    with connections[router.db_for_read(Work)].cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n), 0) FROM quire_work_tally WHERE key = %s AND (%s OR NOT restricted)",
            [key, restricted],
        )
        return int(cursor.fetchone()[0])


def tally_compact() -> int:
    """Fold every key's added rows into one per key and restriction (on the primary);
    returns how many keys it folded. Safe beside writers and another compaction."""
    with connections[router.db_for_write(Work)].cursor() as cursor:
        cursor.execute("SELECT quire_work_tally_compact()")
        return cursor.fetchone()[0]
