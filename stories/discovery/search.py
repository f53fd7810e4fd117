"""Full-text search on PostgreSQL.

The vector: `Work.search_vector`, kept current by database triggers (migration
0003_discovery_search) from the title (weight A), tags with their canonical names
and creators (B), summary (C) and story text (D), all through `unaccent`.

The query: `websearch_to_tsquery` (quoted phrases, `-word`, `or`); bounded
candidate sets are drawn and ranked with `ts_rank` in one query (ranked_matches).
A misspelt title or tag still finds its work through trigram word similarity
(pg_trgm, GIN indexes). Snippets: `ts_headline` over the chapters of the
twenty works on the page only, never over the whole result.
"""

import html
import re
from dataclasses import dataclass

import nh3
from django.db import connection, connections
from django.db.models import BooleanField, F, FloatField, Func, Q, Value
from django.utils.safestring import SafeString, mark_safe

from stories.models import Tag, TaggedWork, Work

CONFIG = "english"
MAX_QUERY_LENGTH = 256  # longer queries are cut: nobody types more, attackers do
CANDIDATES = 1000  # of each kind, see ranked_matches()
NEAR_TAGS, NEAR_WORKS = 20, 1000  # bounds of the near-spelling fallback
MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters, replaced by <mark>


def clean_query(raw: str) -> str:
    """The query as searched: control characters dropped, white space collapsed, cut
    to MAX_QUERY_LENGTH (on a word boundary when there is one)."""
    text = "".join(ch if ch.isprintable() else " " for ch in raw)
    text = text.replace(MARK_START, " ").replace(MARK_END, " ")
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        cut = text[:MAX_QUERY_LENGTH]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return text


def is_plain(query: str) -> bool:
    """Plain words, no search syntax: only then may a near spelling match. Someone
    who writes "a phrase", -word or `or` means exactly that."""
    words = query.casefold().split()
    return '"' not in query and "or" not in words and not any(word.startswith("-") for word in words)


NEGATION_RE = re.compile(r'(?:^|(?<=\s))-("[^"]*"?|\S+)')


def split_negations(query: str) -> tuple[str, list[str]]:
    """The query without its `-word` / `-"a phrase"` terms, and those terms (without
    the minus). A reader who writes `kakashi or gai -iruka` means no Iruka at all;
    PostgreSQL alone would read `kakashi | (gai & !iruka)`."""
    negated = [match.group(1) for match in NEGATION_RE.finditer(query)]
    positive = " ".join(NEGATION_RE.sub(" ", query).split())
    return positive, [term for term in negated if term.strip('"').strip()]


class WebSearchQuery(Func):
    """websearch_to_tsquery over the unaccented query text, every negated term
    applying to the whole query (see split_negations)."""

    template = f"websearch_to_tsquery('{CONFIG}'::regconfig, public.unaccent(%(expressions)s::text))"

    def __init__(self, text: str):
        positive, negated = split_negations(text)
        # websearch_to_tsquery reads `-word` as NOT too, where split_negations may not
        # (a "-" inside quotes, say): any minus at the start of a word counts.
        self.negates = bool(negated) or bool(re.search(r"(?:^|\s)-", text))
        if negated:
            self.template = (
                f"(websearch_to_tsquery('{CONFIG}'::regconfig, public.unaccent(%(expressions)s::text))"
                f" && !! websearch_to_tsquery('{CONFIG}'::regconfig, public.unaccent(%(negated)s::text)))"
            )
            super().__init__(Value(positive))
            self.extra["negated"] = "%s"
            self._negated = " or ".join(negated)
        else:
            super().__init__(Value(text))
            self._negated = None

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        if self._negated is not None:
            params = (*params, self._negated)
        return sql, params


class Matches(Func):
    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class Rank(Func):
    function = "ts_rank"
    output_field = FloatField()


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


def _candidates(works, query: str):
    """The two bounded candidate sets of `works` matching `query` (see
    ranked_matches), each drawn through its own GIN index, not yet cut.

    A work of the first set must match the query over its whole text too: the head
    alone would let `kakashi -iruka` through for a work whose title says Kakashi
    and whose story says Iruka (an exclusion, or an `or` with a negated part, asks
    about the whole work). `search_vector` is `search_head` plus the text (migration
    0003), so this drops no work whose head and text both match. Without a negated
    term a match in the head is a match in the whole (its lexemes and positions
    are a part of the whole's), so the whole is not read: at a million works the
    whole text's index holds ten times the works of a common word, and testing it
    cost more than the rest of the search."""
    tsquery = WebSearchQuery(query)
    in_head = works.filter(Matches(F("search_head"), tsquery))
    if tsquery.negates:
        in_head = in_head.filter(Matches(F("search_vector"), tsquery))
    in_head = in_head.annotate(rank=Rank(F("search_head"), tsquery))
    anywhere = works.filter(Matches(F("search_vector"), tsquery)).annotate(rank=Value(0.0, output_field=FloatField()))
    return in_head.order_by(), anywhere.order_by()


def ranked_matches(works, query: str, *, limit: int, columns: tuple[str, ...] = ()) -> dict[int, tuple]:
    """The first `limit` works of `works` matching `query`, best first, in one query:
    each id with its `columns` (the facets' FACET_COLUMNS), read from the rows the
    search visits anyway, so that the facet counts of a search need no query of
    their own.

    A query of very common words can match most of the archive, and ranking all of
    it would read every work's vector, so the candidates are bounded, each set
    drawn through its own GIN index: up to CANDIDATES works that match in title,
    tags, creators or summary (`search_head`), and up to CANDIDATES that match
    anywhere. Ranking reads only the small `search_head` vector (title A, tags and
    creators B, summary C), so a work that matches only in its story text ranks
    after every work that matches in those. Ties go to the newer work. `works` must
    already carry the reader's filters, so that the candidates are drawn from what
    the reader asked for."""
    in_head, anywhere = _candidates(works, query)
    columns = ("pk", "rank", *columns)
    head_sql, head_params = in_head.values_list(*columns)[: CANDIDATES + 1].query.sql_with_params()
    anywhere_sql, anywhere_params = anywhere.values_list(*columns)[:CANDIDATES].query.sql_with_params()
    names = ", ".join(columns)
    # A work of the second set that is in the first too keeps the first's rank and
    # place (there it may rank; in the second it would only take a place). When the
    # first set is full, every work of the second would come after it, past what
    # can be shown: the second set is not drawn at all (its GIN scan is the costly
    # part of a search for common words).
    sql = f"""
        WITH head ({names}) AS MATERIALIZED ({head_sql})
        SELECT * FROM head
        UNION ALL
        SELECT * FROM ({anywhere_sql}) AS anywhere ({names})
        WHERE (SELECT count(*) FROM head) <= %s
          AND NOT EXISTS (SELECT FROM head WHERE head.pk = anywhere.pk)
        ORDER BY rank DESC, pk DESC
        LIMIT %s
    """  # noqa: S608 - the parts are the ORM's own SQL; every value is a parameter
    with connections[in_head.db].cursor() as cursor:
        cursor.execute(sql, [*head_params, *anywhere_params, min(CANDIDATES, limit - 1), limit])
        # Read with a plain cursor: the columns need none of the ORM's row conversion.
        return {pk: tuple(row) for pk, _rank, *row in cursor.fetchall()}


def near_tags(query: str, limit: int = 8) -> list[Tag]:
    """Up to `limit` tags (canonical or unwrangled, no synonyms) whose name is
    spelled nearly like `query`, the nearest first: the suggestions shown when
    nothing matches as typed. One query, through the trigram index."""
    return list(
        Tag.objects.canonical_or_free()
        .filter(name__trigram_word_similar=query)
        .annotate(nearness=WordSimilarity(Value(query), F("name")))
        .order_by("-nearness", "name")[:limit]
    )


def search_works(works, query: str, *, near: bool = False):
    """`works` that match `query`, the same bounded candidates as ranked_matches,
    as a queryset that runs nothing until it is used.

    With `near`, works whose title or a tag is spelled nearly like the query match
    instead (so "Harry Poter" still finds "Harry Potter"), annotated with `rank`,
    their similarity: the fallback when the exact search finds nothing."""
    if not near:
        in_head, anywhere = _candidates(works, query)
        return works.filter(Q(pk__in=in_head.values("pk")[:CANDIDATES]) | Q(pk__in=anywhere.values("pk")[:CANDIDATES]))
    # Two bounded id sets, each found through its own trigram index: a fallback
    # must stay cheap even when a near spelling is a very popular tag.
    alike_tags = Tag.objects.filter(name__trigram_word_similar=query).values("pk")[:NEAR_TAGS]
    tagged_alike = TaggedWork.objects.filter(tag__in=alike_tags).values("content_object_id")[:NEAR_WORKS]
    titled_alike = Work.objects.filter(title__trigram_word_similar=query).values("pk")[:NEAR_WORKS]
    matches = Q(pk__in=titled_alike) | Q(pk__in=tagged_alike)
    return works.filter(matches).annotate(rank=WordSimilarity(Value(query), F("title")))


@dataclass
class Snippet:
    position: int
    html: SafeString


def snippets_for(work_ids: list[int], query: str) -> dict[int, Snippet]:
    """For each work, the passage of its best-matching chapter with the matched words
    in <mark>: one query for the whole page."""
    if not work_ids or not query:
        return {}
    options = (
        f'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, MaxFragments=1, FragmentDelimiter=" … "'
    )
    # The best chapter of each work first, ranked on the chapters' stored vectors
    # (migration 0007); ts_headline (the costly part) then runs once per work.
    sql = f"""
        SELECT best.work_id, best.position, ts_headline('{CONFIG}', quire_plain_text(best.body_html), best.q, %s)
        FROM (
            SELECT DISTINCT ON (ch.work_id) ch.work_id, ch.position, ch.body_html, q
            FROM stories_chapter ch,
                 websearch_to_tsquery('{CONFIG}'::regconfig, public.unaccent(%s::text)) q
            WHERE ch.work_id = ANY(%s) AND ch.search_vector @@ q
            ORDER BY ch.work_id, ts_rank(ch.search_vector, q) DESC, ch.position
        ) best
    """  # noqa: S608 - CONFIG is a constant; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [options, query, list(work_ids)])
        rows = cursor.fetchall()
    return {work_id: Snippet(position, highlight(text)) for work_id, position, text in rows}


def highlight(text: str) -> SafeString:
    """Plain text with marker characters -> escaped HTML with <mark> elements."""
    escaped = html.escape(html.unescape(" ".join(text.split())), quote=False)
    marked = escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    # nh3 balances any stray marker and guarantees nothing but <mark> survives.
    return mark_safe(nh3.clean(marked, tags={"mark"}, attributes={}))  # noqa: S308
