"""Facet counts: how many works each filter value of the sidebar would give, in
at most four queries whatever the size of the result (see facet_counts)."""

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from stories.discovery.filters import WorkFilter, filter_works, language_label
from stories.discovery.pagecache import listing_generation
from stories.models import Category, Rating, TagKind, Warning
from stories.models.lookups import bigint_array

FACET_TAGS_PER_KIND = 10
FACET_CACHE_SECONDS = 60
FACET_SAMPLE = 1_000  # facet counts of bigger results come from this many works
# The columns the facet counts read of each work, in this order (see _sample).
FACET_COLUMNS = ("rating", "language", "is_complete", "warnings", "categories")


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    excluded: bool = False  # chosen as an exclusion (ratings, warnings, categories)


@dataclass
class Facets:
    ratings: list[FacetValue]
    warnings: list[FacetValue]
    categories: list[FacetValue]
    languages: list[FacetValue]
    complete: int
    tags: dict[str, list[FacetValue]]  # kind -> top tags, value is the slug
    sampled: bool = False  # counted over FACET_SAMPLE works of a bigger result
    # The whole result, when it is smaller than FACET_SAMPLE (the counts are then
    # exact): the page can be drawn from these ids and needs no count of its own.
    result_ids: tuple[int, ...] | None = None


def facet_counts(
    base, work_filter: WorkFilter, *, cache_key: str | None = None, result_rows: dict[int, tuple] | None = None
) -> Facets:
    """How many works each filter value would give: for values that add to the
    filter (tags, warnings, categories, complete), counted over the current result;
    for ratings (chosen ratings combine with OR) and the single-choice language,
    over the result without that choice, since picking another rating widens the
    result and another language replaces the current one. Exclusions narrow the
    result like any filter, so an excluded value counts 0.

    `base` is the unfiltered list; with `result_rows`, it is read only for a chosen
    rating or language (and may be None without one). At most four queries whatever
    the size of the result. Past FACET_SAMPLE works the counts come from a sample of
    FACET_SAMPLE works (the sidebar says so); they are cached for a minute under
    `cache_key`.
    `result_rows`, when the caller already holds them, are the result (a search's
    matches), each id with its FACET_COLUMNS: no query is needed to draw the sample.
    """
    if cache_key:
        key = "facets:" + cache_key
        cached = cache.get(key)
        if cached is not None:
            return cached

    def without(choice: str) -> dict[int, tuple]:
        """The result without the chosen ratings or language."""
        empty = [] if choice == "ratings" else ""
        return _sample(filter_works(base, replace(work_filter, **{choice: empty})))

    any_rating = None
    if result_rows is not None:
        rows = dict(islice(result_rows.items(), FACET_SAMPLE))
    elif work_filter.ratings:
        # The result without the ratings: when it is all there (under FACET_SAMPLE
        # works), the result itself is a part of it and needs no query of its own.
        any_rating = without("ratings")
        if len(any_rating) < FACET_SAMPLE:
            rows = {pk: row for pk, row in any_rating.items() if row[0] in work_filter.ratings}
        else:
            rows = _sample(filter_works(base, work_filter))
    else:
        rows = _sample(filter_works(base, work_filter))
    sampled = len(rows) >= FACET_SAMPLE
    # Without a rating (language) chosen, "any rating" is the result itself.
    if any_rating is None:
        any_rating = without("ratings") if work_filter.ratings else rows
    any_language = without("language") if work_filter.language else rows
    by_rating, by_language, complete, by_warning, by_category = _column_counts(rows, any_rating, any_language)
    tags = _tag_counts(list(rows))
    facets = Facets(
        ratings=_choice_values(Rating.choices, by_rating, work_filter.ratings, work_filter.exclude_ratings),
        warnings=_choice_values(Warning.choices, by_warning, work_filter.warnings, work_filter.exclude_warnings),
        categories=_choice_values(
            Category.choices, by_category, work_filter.categories, work_filter.exclude_categories
        ),
        languages=[
            FacetValue(code, language_label(code), n, code.casefold() == work_filter.language.casefold())
            for code, n in by_language.items()
        ],
        complete=complete,
        tags=tags,
        sampled=sampled,
        result_ids=None if sampled else tuple(rows),
    )
    if cache_key:
        cache.set(key, facets, FACET_CACHE_SECONDS)
    return facets


def _choice_values(choices, counts: dict, chosen: list[str], excluded: list[str]) -> list[FacetValue]:
    """One FacetValue per (value, label) of a TextChoices column, in the enumeration's
    order, with its count in `counts` (0 when absent) and whether it is chosen or excluded."""
    return [
        FacetValue(value, label, counts.get(value, 0), value in chosen, value in excluded) for value, label in choices
    ]


def _sample(works) -> dict[int, tuple]:
    """At most FACET_SAMPLE works of `works`, each id with its FACET_COLUMNS, fetched
    once (the columns come with the covering index `work_filter_covering`): the
    column counts are then made in Python, and the tag counts aggregate over the ids
    through the tagging index instead of re-running the filter or search. Under
    FACET_SAMPLE works the counts are exact."""
    sample = works.order_by().values_list("pk", *FACET_COLUMNS)[:FACET_SAMPLE]
    return {pk: tuple(columns) for pk, *columns in sample}


def _column_counts(rows: dict[int, tuple], any_rating: dict[int, tuple], any_language: dict[int, tuple]):
    """Ratings (over `any_rating`), the twelve commonest languages (over
    `any_language`), complete works, warnings and categories (over `rows`)."""
    ratings = Counter(row[0] for row in any_rating.values())
    languages = Counter(row[1] for row in any_language.values())
    complete = sum(1 for row in rows.values() if row[2])
    warnings = Counter(value for row in rows.values() for value in set(row[3]))
    categories = Counter(value for row in rows.values() for value in set(row[4]))
    top_languages = dict(sorted(languages.items(), key=lambda item: (-item[1], item[0]))[:12])
    return dict(ratings), top_languages, complete, dict(warnings), dict(categories)


def _tag_counts(ids: list[int]) -> dict[str, list[FacetValue]]:
    """The most used tags of each kind among `ids`, synonyms counted under their
    canonical tag and each work once.

    The taggings carry their root tag and its kind (migration 0009), so the counting
    reads one index and looks up only the tags that can be shown: those ranked in
    the first FACET_TAGS_PER_KIND of their kind, ties included, cut by name here."""
    tags: dict[str, list[FacetValue]] = {kind: [] for kind, _ in TagKind.choices}
    if not ids:
        return tags
    query = """
        SELECT top.root_kind, root.slug, root.name, top.n
        FROM (
            SELECT c.root_kind, c.root_id, c.n, rank() OVER (PARTITION BY c.root_kind ORDER BY c.n DESC) AS place
            FROM (
                SELECT root_kind, root_id, count(*) AS n
                FROM (
                    SELECT DISTINCT content_object_id, root_kind, root_id
                    FROM stories_taggedwork WHERE content_object_id = ANY(%s::bigint[])
                ) per_work
                GROUP BY 1, 2
            ) c
        ) top JOIN stories_tag root ON root.id = top.root_id
        WHERE top.place <= %s
        ORDER BY top.root_kind, top.n DESC, root.name
    """
    with connection.cursor() as cursor:
        cursor.execute(query, [bigint_array(ids), FACET_TAGS_PER_KIND])
        rows = cursor.fetchall()
    for kind, slug, name, n in rows:
        shown = tags.setdefault(kind, [])
        if len(shown) < FACET_TAGS_PER_KIND:
            shown.append(FacetValue(slug, name, n))
    return tags


def facet_cache_key(request, prefix: str) -> str | None:
    """Facets depend on who looks (restricted works, muting) and on the filter.

    Only guests' counts are cached: a signed-in reader who mutes or hides a work
    must see the change on the next page, not a minute later."""
    if request.user.is_authenticated:
        return None
    state = sorted((k, v) for k, values in request.GET.lists() for v in values if k not in ("page", "sort"))
    # The listing generation moves with any change to what the counts count.
    generation = listing_generation(request)
    # Hashed: the raw state may hold any character and be long.
    return hashlib.sha256(f"{prefix}|{generation}|{state}|{settings.QUIRE_WORKS_PER_PAGE}".encode()).hexdigest()
