"""The works index filter: a form that turns the query string into a validated
filter, a function that applies it to a WorkQuerySet, and the facet counts shown
beside each filter value.

All state lives in the query string, so a filtered page is a shareable URL. Include
filters combine with AND (a work must have every chosen tag, warning and category);
a tag stands for its whole family (the canonical tag and all its synonyms), so
excluding a canonical tag also removes works tagged only with one of its synonyms.
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import islice

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower

from stories.models import Category, Rating, Tag, TaggedWork, TagKind, Warning
from stories.pagecache import listing_generation
from stories.tagging import clean_tag_name

SORTS = {
    "updated": ("Date updated", ("-updated_at", "-id")),
    "published": ("Date published", ("-published_on", "-id")),
    "title": ("Title", ("title", "id")),
    "words": ("Word count", ("-word_count", "-id")),
    "kudos": ("Kudos", ("-kudos_count", "-id")),
    "hits": ("Hits", ("-hit_count", "-id")),
    "comments": ("Comments", ("-comment_count", "-id")),
    "bookmarks": ("Bookmarks", ("-bookmark_count", "-id")),
}
MAX_TAGS = 20  # per include / exclude list: more is an attack, not a search
MAX_WORDS = 100_000_000
FACET_TAGS_PER_KIND = 10
FACET_CACHE_SECONDS = 60
FACET_SAMPLE = 1_000  # facet counts of bigger results come from this many works
# The columns the facet counts read of each work, in this order (see _sample).
FACET_COLUMNS = ("rating", "language", "is_complete", "warnings", "categories")
LANGUAGE_RE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


class SlugListField(forms.Field):
    """A repeated query parameter of tag slugs (`?tag=a&tag=b`)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        values = [v.strip() for v in values if v and v.strip()]
        if len(values) > MAX_TAGS:
            raise forms.ValidationError(f"Choose at most {MAX_TAGS} tags.")
        if any(len(v) > 180 or not v.isprintable() for v in values):
            raise forms.ValidationError("That is not a tag.")
        return list(dict.fromkeys(values))


class DateInput(forms.DateInput):
    input_type = "date"


class WorkFilterForm(forms.Form):
    tag = SlugListField(required=False, label="Include tags")
    exclude = SlugListField(required=False, label="Exclude tags")
    include_names = forms.CharField(
        required=False, max_length=2000, label="Other tags to include", help_text="Tag names, separated by commas."
    )
    exclude_names = forms.CharField(
        required=False, max_length=2000, label="Other tags to exclude", help_text="Tag names, separated by commas."
    )
    rating = forms.ChoiceField(choices=[("", "Any rating"), *Rating.choices], required=False)
    warning = forms.MultipleChoiceField(choices=Warning.choices, required=False, label="Archive warnings")
    category = forms.MultipleChoiceField(choices=Category.choices, required=False, label="Categories")
    complete = forms.BooleanField(required=False, label="Complete works only")
    language = forms.RegexField(regex=LANGUAGE_RE, required=False, max_length=16, label="Language")
    words_min = forms.IntegerField(required=False, min_value=0, max_value=MAX_WORDS, label="Words from")
    words_max = forms.IntegerField(required=False, min_value=0, max_value=MAX_WORDS, label="Words to")
    updated_from = forms.DateField(required=False, widget=DateInput, label="Updated from")
    updated_to = forms.DateField(required=False, widget=DateInput, label="Updated to")
    published_from = forms.DateField(required=False, widget=DateInput, label="Published from")
    published_to = forms.DateField(required=False, widget=DateInput, label="Published to")
    sort = forms.CharField(required=False, max_length=32)

    def __init__(self, *args, sorts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sorts = sorts if sorts is not None else SORTS

    def clean_sort(self):
        # An unknown sort is not worth an error page: the default order will do.
        sort = self.cleaned_data["sort"]
        return sort if sort in self.sorts else ""

    def clean_include_names(self):
        return _split_names(self.cleaned_data["include_names"])

    def clean_exclude_names(self):
        return _split_names(self.cleaned_data["exclude_names"])

    def clean(self):
        data = super().clean()
        for low, high, what in [
            ("words_min", "words_max", "word count"),
            ("updated_from", "updated_to", "updated date"),
            ("published_from", "published_to", "published date"),
        ]:
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, f"The {what} range ends before it starts.")
        if self.errors:
            return data
        data["includes"], data["excludes"] = resolve_tags(self, data)
        return data

    def to_filter(self) -> "WorkFilter":
        data = self.cleaned_data
        return WorkFilter(
            includes=data["includes"],
            excludes=data["excludes"],
            rating=data.get("rating") or "",
            warnings=data.get("warning") or [],
            categories=data.get("category") or [],
            complete=bool(data.get("complete")),
            language=data.get("language") or "",
            words_min=data.get("words_min"),
            words_max=data.get("words_max"),
            updated_from=data.get("updated_from"),
            updated_to=data.get("updated_to"),
            published_from=data.get("published_from"),
            published_to=data.get("published_to"),
            sort=data.get("sort") or "",
        )


def _split_names(raw: str) -> list[str]:
    names = [clean_tag_name(name) for name in raw.split(",")]
    names = list(dict.fromkeys(name for name in names if name))
    if len(names) > MAX_TAGS:
        raise forms.ValidationError(f"Give at most {MAX_TAGS} tags.")
    return names


@dataclass
class TagTerm:
    """One chosen tag: shown as `tag`, matched through every id of its family."""

    tag: Tag
    ids: list[int]
    by_name: bool = False


def resolve_tags(form: WorkFilterForm, data: dict) -> tuple[list[TagTerm], list[TagTerm]]:
    """Look up every chosen tag (slugs and names) in two queries whatever their number;
    an unknown tag is a form error, not an empty result."""
    slugs = [*data.get("tag", []), *data.get("exclude", [])]
    names = [*data.get("include_names", []), *data.get("exclude_names", [])]
    if not slugs and not names:
        return [], []
    lowered = [name.casefold() for name in names]
    found = list(
        Tag.objects.annotate(lname=Lower("name"))
        .filter(Q(slug__in=slugs) | Q(lname__in=lowered))
        .select_related("synonym_of")
    )
    roots = {tag.synonym_of_id or tag.pk for tag in found}
    family: dict[int, list[int]] = {root: [root] for root in roots}
    for pk, root in Tag.objects.filter(synonym_of_id__in=roots).values_list("pk", "synonym_of_id"):
        family[root].append(pk)

    def term_for(tag: Tag, by_name: bool) -> TagTerm:
        shown = tag.synonym_of or tag
        return TagTerm(tag=shown, ids=family[shown.pk], by_name=by_name)

    by_slug = {tag.slug: tag for tag in found}
    terms: dict[str, list[TagTerm]] = {"tag": [], "exclude": []}
    for key in ("tag", "exclude"):
        for slug in data.get(key, []):
            if slug not in by_slug:
                form.add_error(key, f"There is no tag “{slug[:80]}”.")
                continue
            terms[key].append(term_for(by_slug[slug], False))
    for key, target in (("include_names", "tag"), ("exclude_names", "exclude")):
        for name in data.get(key, []):
            matches = [tag for tag in found if tag.name.casefold() == name.casefold()]
            if not matches:
                form.add_error(key, f"There is no tag “{name[:80]}”.")
                continue
            # The same name may exist in several kinds: any of them will do.
            ids = sorted({pk for tag in matches for pk in family[(tag.synonym_of_id or tag.pk)]})
            terms[target].append(TagTerm(tag=matches[0].synonym_of or matches[0], ids=ids, by_name=True))
    return terms["tag"], terms["exclude"]


@dataclass
class WorkFilter:
    includes: list[TagTerm] = field(default_factory=list)
    excludes: list[TagTerm] = field(default_factory=list)
    rating: str = ""
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    complete: bool = False
    language: str = ""
    words_min: int | None = None
    words_max: int | None = None
    updated_from: datetime.date | None = None
    updated_to: datetime.date | None = None
    published_from: datetime.date | None = None
    published_to: datetime.date | None = None
    sort: str = ""

    @property
    def narrows(self) -> bool:
        """Whether any filter is set (sorting aside)."""
        return replace(self, sort="") != WorkFilter()

    @property
    def included_ids(self) -> set[int]:
        return {pk for term in self.includes for pk in term.ids}

    @property
    def excluded_ids(self) -> set[int]:
        return {pk for term in self.excludes for pk in term.ids}


def filter_works(works, work_filter: WorkFilter):
    """`works` narrowed by every part of the filter (ordering is left alone)."""
    for term in work_filter.includes:
        works = works.filter(Exists(TaggedWork.objects.filter(content_object=OuterRef("pk"), tag_id__in=term.ids)))
    if work_filter.excludes:
        excluded = sorted(work_filter.excluded_ids)
        works = works.exclude(Exists(TaggedWork.objects.filter(content_object=OuterRef("pk"), tag_id__in=excluded)))
    if work_filter.rating:
        works = works.filter(rating=work_filter.rating)
    if work_filter.warnings:
        works = works.filter(warnings__contains=work_filter.warnings)
    if work_filter.categories:
        works = works.filter(categories__contains=work_filter.categories)
    if work_filter.complete:
        works = works.filter(is_complete=True)
    if work_filter.language:
        works = works.filter(language__iexact=work_filter.language)
    if work_filter.words_min is not None:
        works = works.filter(word_count__gte=work_filter.words_min)
    if work_filter.words_max is not None:
        works = works.filter(word_count__lte=work_filter.words_max)
    if work_filter.updated_from:
        works = works.filter(updated_at__date__gte=work_filter.updated_from)
    if work_filter.updated_to:
        works = works.filter(updated_at__date__lte=work_filter.updated_to)
    if work_filter.published_from:
        works = works.filter(published_on__gte=work_filter.published_from)
    if work_filter.published_to:
        works = works.filter(published_on__lte=work_filter.published_to)
    return works


def sort_works(works, sort: str):
    return works.order_by(*SORTS.get(sort, SORTS["updated"])[1])


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


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
    for the single-choice rating and language, over the result without that choice,
    since picking another rating replaces the current one.

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
        """The result without the chosen rating or language."""
        return _sample(filter_works(base, replace(work_filter, **{choice: ""})))

    any_rating = None
    if result_rows is not None:
        rows = dict(islice(result_rows.items(), FACET_SAMPLE))
    elif work_filter.rating:
        # The result without the rating: when it is all there (under FACET_SAMPLE
        # works), the result itself is a part of it and needs no query of its own.
        any_rating = without("rating")
        if len(any_rating) < FACET_SAMPLE:
            rows = {pk: row for pk, row in any_rating.items() if row[0] == work_filter.rating}
        else:
            rows = _sample(filter_works(base, work_filter))
    else:
        rows = _sample(filter_works(base, work_filter))
    sampled = len(rows) >= FACET_SAMPLE
    # Without a rating (language) chosen, "any rating" is the result itself.
    if any_rating is None:
        any_rating = without("rating") if work_filter.rating else rows
    any_language = without("language") if work_filter.language else rows
    by_rating, by_language, complete, by_warning, by_category = _column_counts(rows, any_rating, any_language)
    tags = _tag_counts(list(rows))
    facets = Facets(
        ratings=[
            FacetValue(value, label, by_rating.get(value, 0), value == work_filter.rating)
            for value, label in Rating.choices
        ],
        warnings=[
            FacetValue(value, label, by_warning.get(value, 0), value in work_filter.warnings)
            for value, label in Warning.choices
        ],
        categories=[
            FacetValue(value, label, by_category.get(value, 0), value in work_filter.categories)
            for value, label in Category.choices
        ],
        languages=[
            FacetValue(code, code, n, code.casefold() == work_filter.language.casefold())
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
                    FROM stories_taggedwork WHERE content_object_id = ANY(%s)
                ) per_work
                GROUP BY 1, 2
            ) c
        ) top JOIN stories_tag root ON root.id = top.root_id
        WHERE top.place <= %s
        ORDER BY top.root_kind, top.n DESC, root.name
    """
    with connection.cursor() as cursor:
        cursor.execute(query, [ids, FACET_TAGS_PER_KIND])
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
