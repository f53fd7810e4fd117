"""Opaque cursors for every list of the API.

The works index pages by number inside WorksQuery (its totals and facet counts are
cached per filter set, and a search is ranked, not keyed by a column), so a true
keyset cursor would need a second way to filter and order works: exactly what the
one-path rule forbids. A cursor is therefore a signed (tamper-evident, opaque)
pair of the page number and a checksum of the path and every filter. A cursor from
another query, or one edited by hand, is refused with 400 instead of silently
paging some other list. The other lists use the same cursors, so a client learns
one rule: follow `next`.
"""

import copy
import hashlib
import json
from collections.abc import Iterable

from django.core import signing
from django.http import HttpRequest, QueryDict

SALT = "quire.api.cursor"


class BadCursor(ValueError):
    """The cursor was not made by this server for this query."""


def query_checksum(path: str, params: Iterable[tuple[str, str]]) -> str:
    """A short digest of `path` and the (name, value) pairs, in any order."""
    canonical = json.dumps([path, sorted(params)], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def make_cursor(page: int, checksum: str) -> str:
    # No timestamp: the same page always has the same cursor, so bodies (and ETags) are stable.
    return signing.Signer(salt=SALT).sign_object({"p": page, "s": checksum})


def page_from_cursor(cursor: str | None, checksum: str) -> int:
    """The page number a cursor stands for (1 without one). Raises BadCursor for a
    cursor that is forged, mangled or belongs to another query."""
    if not cursor:
        return 1
    try:
        value = signing.Signer(salt=SALT).unsign_object(cursor)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadCursor("That cursor is not valid: start from the first page.") from None
    if not isinstance(value, dict) or not isinstance(value.get("p"), int) or value.get("p") < 1:
        raise BadCursor("That cursor is not valid: start from the first page.")
    if value.get("s") != checksum:
        raise BadCursor("That cursor belongs to another query: start from its first page.")
    return value["p"]


class Pager:
    """One list's paging: read the cursor, hand WorksQuery (or paginate()) a request
    asking for that page, and describe the neighbouring pages."""

    def __init__(self, request: HttpRequest, params: list[tuple[str, str]], cursor: str | None):
        self.request = request
        self.params = params
        self.checksum = query_checksum(request.path, params)
        self.number = page_from_cursor(cursor, self.checksum)

    def request_for_page(self) -> HttpRequest:
        """A shallow copy of the request whose query string is the filters plus
        `page`: what the site's list code reads."""
        paged = copy.copy(self.request)
        query = QueryDict(mutable=True)
        for name, value in self.params:
            query.appendlist(name, value)
        query["page"] = str(self.number)
        query._mutable = False
        paged.GET = query
        return paged

    def envelope(self, page, *, count: int | None = None, capped: bool = False) -> dict:
        """`count`, `next`, `previous` and `next_url` of a Django Page."""
        following = make_cursor(page.number + 1, self.checksum) if page.has_next() else None
        preceding = make_cursor(page.number - 1, self.checksum) if page.has_previous() else None
        next_url = None
        if following:
            query = QueryDict(mutable=True)
            for name, value in self.params:
                query.appendlist(name, value)
            query["cursor"] = following
            next_url = self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")
        return {
            "count": page.paginator.count if count is None else count,
            "count_capped": capped,
            "next": following,
            "previous": preceding,
            "next_url": next_url,
        }
