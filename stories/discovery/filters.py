"""The works index filter: a form that turns the query string into a validated
filter, and a function that applies it to a WorkQuerySet (the facet counts beside
each filter value are in discovery.facets).

All state lives in the query string, so a filtered page is a shareable URL. Include
filters combine with AND (a work must have every chosen tag, warning and category),
except ratings: a work has one, so the chosen ratings combine with OR. Every
exclusion removes a work that has any of its values. A tag stands for its whole
family (the canonical tag and all its synonyms), so excluding a canonical tag also
removes works tagged only with one of its synonyms. A crossover is a work tagged
with more than one fandom family (root fandoms, migration 0009). `within` narrows
the list by a full-text search (discovery.search), as AO3's "search within results".
chosen_filters() lists every chosen value with the URL that drops it.
"""

import datetime
from dataclasses import dataclass, field, fields, replace
from urllib.parse import urlencode

from django import forms
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils.translation import get_language_info

from stories.discovery.search import MAX_QUERY_LENGTH, clean_query, search_works
from stories.models import Category, Rating, Tag, TaggedWork, TagKind, Warning
from stories.models.tags import tag_key
from stories.tags.names import clean_tag_name, tag_name_for_kind

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
LANGUAGE_RE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
DIRECTIONS = {"desc": "Descending", "asc": "Ascending"}
CROSSOVERS = {"": "Include crossovers", "exclude": "Exclude crossovers", "only": "Only crossovers"}


def language_label(code: str) -> str:
    """The English name of a language code ("en" -> "English"); the code itself
    when Django does not know it."""
    try:
        return get_language_info(code.lower())["name"]
    except KeyError:
        return code


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
    # Ratings: "" (the "any rating" radio of older links) is dropped in clean_rating.
    rating = forms.MultipleChoiceField(choices=[("", "Any rating"), *Rating.choices], required=False, label="Ratings")
    exclude_rating = forms.MultipleChoiceField(choices=Rating.choices, required=False, label="Exclude ratings")
    warning = forms.MultipleChoiceField(choices=Warning.choices, required=False, label="Archive warnings")
    exclude_warning = forms.MultipleChoiceField(choices=Warning.choices, required=False, label="Exclude warnings")
    category = forms.MultipleChoiceField(choices=Category.choices, required=False, label="Categories")
    exclude_category = forms.MultipleChoiceField(choices=Category.choices, required=False, label="Exclude categories")
    crossover = forms.ChoiceField(choices=list(CROSSOVERS.items()), required=False, label="Crossovers")
    complete = forms.BooleanField(required=False, label="Complete works only")
    single_chapter = forms.BooleanField(required=False, label="Single chapter only")
    within = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH * 4, label="Search within results")
    language = forms.RegexField(regex=LANGUAGE_RE, required=False, max_length=16, label="Language")
    words_min = forms.IntegerField(required=False, min_value=0, max_value=MAX_WORDS, label="Words from")
    words_max = forms.IntegerField(required=False, min_value=0, max_value=MAX_WORDS, label="Words to")
    updated_from = forms.DateField(required=False, widget=DateInput, label="Updated from")
    updated_to = forms.DateField(required=False, widget=DateInput, label="Updated to")
    published_from = forms.DateField(required=False, widget=DateInput, label="Published from")
    published_to = forms.DateField(required=False, widget=DateInput, label="Published to")
    sort = forms.CharField(required=False, max_length=32)
    direction = forms.CharField(required=False, max_length=8, label="Direction")

    def __init__(self, *args, sorts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sorts = sorts if sorts is not None else SORTS

    def clean_sort(self):
        # An unknown sort is not worth an error page: the default order will do.
        sort = self.cleaned_data["sort"]
        return sort if sort in self.sorts else ""

    def clean_direction(self):
        # Like an unknown sort: the sort's usual direction will do.
        direction = self.cleaned_data["direction"]
        return direction if direction in DIRECTIONS else ""

    def clean_rating(self):
        return [value for value in self.cleaned_data["rating"] if value]

    def clean_within(self):
        return clean_query(self.cleaned_data["within"])

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
            ratings=data.get("rating") or [],
            exclude_ratings=data.get("exclude_rating") or [],
            warnings=data.get("warning") or [],
            exclude_warnings=data.get("exclude_warning") or [],
            categories=data.get("category") or [],
            exclude_categories=data.get("exclude_category") or [],
            crossover=data.get("crossover") or "",
            complete=bool(data.get("complete")),
            single_chapter=bool(data.get("single_chapter")),
            within=data.get("within") or "",
            language=data.get("language") or "",
            words_min=data.get("words_min"),
            words_max=data.get("words_max"),
            updated_from=data.get("updated_from"),
            updated_to=data.get("updated_to"),
            published_from=data.get("published_from"),
            published_to=data.get("published_to"),
            sort=data.get("sort") or "",
            direction=data.get("direction") or "",
        )


class _SharedFields(dict):
    """The base_fields of a form whose fields no request changes (nothing sets a
    queryset, choices or widget on them): Form.__init__ deep-copies base_fields for
    each form, and this hands it the same Field objects in a new dict instead.
    Copying WorkFilterForm's two dozen fields took half a millisecond a list page."""

    def __deepcopy__(self, memo) -> dict:
        return dict(self)


WorkFilterForm.base_fields = _SharedFields(WorkFilterForm.base_fields)


def _split_names(raw: str) -> list[str]:
    names = [clean_tag_name(name) for name in raw.split(",")]
    names = list(dict.fromkeys(name for name in names if name))
    if len(names) > MAX_TAGS:
        raise forms.ValidationError(f"Give at most {MAX_TAGS} tags.")
    return names


def _db_lower(names: list[str]) -> dict[str, str]:
    """name -> PostgreSQL's lower(name), in one query (none for no names)."""
    if not names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, lower(n) FROM unnest(%s::text[]) AS n", [names])
        return dict(cursor.fetchall())


@dataclass
class TagTerm:
    """One chosen tag: shown as `tag`, matched by the tag keys of its root (a name
    found in several kinds has one key per kind; a work with any of them matches)."""

    tag: Tag
    keys: list[int]
    by_name: bool = False


def resolve_tags(form: WorkFilterForm, data: dict) -> tuple[list[TagTerm], list[TagTerm]]:
    """Look up every chosen tag (slugs and names) in one query whatever their number
    (and one more for typed names); an unknown tag is a form error, not an empty result."""
    slugs = [*data.get("tag", []), *data.get("exclude", [])]
    names = [*data.get("include_names", []), *data.get("exclude_names", [])]
    if not slugs and not names:
        return [], []
    # Each typed name in its normal form, and as a relationship (name order does not
    # matter there); compared lower-cased as the database's unique constraint does.
    spellings = {name: {clean_tag_name(name), tag_name_for_kind("relationship", name)} for name in names}
    typed = sorted({spelling for each in spellings.values() for spelling in each})
    found = list(
        Tag.objects.filter(Q(slug__in=slugs) | Q(pk__in=Tag.objects.named(*typed).values("pk")))
        .annotate(lname=Lower("name"))
        .select_related("synonym_of")
    )
    # Which tag answers which typed name: the database's lower() decides, as it does
    # for uniqueness (Python's str.lower differs on a few letters).
    typed_lower = _db_lower(typed)

    def term_for(tag: Tag, by_name: bool) -> TagTerm:
        shown = tag.synonym_of or tag
        return TagTerm(tag=shown, keys=[tag_key(shown)], by_name=by_name)

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
            keys = {typed_lower[spelling] for spelling in spellings[name]}
            matches = [tag for tag in found if tag.lname in keys]
            if not matches:
                form.add_error(key, f"There is no tag “{name[:80]}”.")
                continue
            # The same name may exist in several kinds: any of them will do.
            keys = sorted({tag_key(tag.synonym_of or tag) for tag in matches})
            terms[target].append(TagTerm(tag=matches[0].synonym_of or matches[0], keys=keys, by_name=True))
    return terms["tag"], terms["exclude"]


_A_LIST = object()  # narrowing()'s default: the field is a list, empty by default


def narrowing(method: str, lookup: str, *, default=_A_LIST):
    """A WorkFilter field that is a plain narrowing: when set, filter_works applies
    `QuerySet.<method>(<lookup>=value)` ("filter" or "exclude"). Without `default`
    the field is a list, empty by default."""
    metadata = {"narrowing": (method, lookup)}
    if default is _A_LIST:
        return field(default_factory=list, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class WorkFilter:
    """A validated filter (WorkFilterForm.to_filter): what filter_works applies.
    `crossover` is "", "exclude" or "only"; `direction` "", "asc" or "desc" ("" is
    the sort's own direction); `within` a search query, "" for none."""

    includes: list[TagTerm] = field(default_factory=list)
    excludes: list[TagTerm] = field(default_factory=list)
    ratings: list[str] = narrowing("filter", "rating__in")
    exclude_ratings: list[str] = narrowing("exclude", "rating__in")
    warnings: list[str] = narrowing("filter", "warnings__contains")
    exclude_warnings: list[str] = narrowing("exclude", "warnings__overlap")
    categories: list[str] = narrowing("filter", "categories__contains")
    exclude_categories: list[str] = narrowing("exclude", "categories__overlap")
    crossover: str = ""
    complete: bool = False
    single_chapter: bool = False
    within: str = ""
    language: str = narrowing("filter", "language__iexact", default="")
    words_min: int | None = narrowing("filter", "word_count__gte", default=None)
    words_max: int | None = narrowing("filter", "word_count__lte", default=None)
    updated_from: datetime.date | None = narrowing("filter", "updated_at__date__gte", default=None)
    updated_to: datetime.date | None = narrowing("filter", "updated_at__date__lte", default=None)
    published_from: datetime.date | None = narrowing("filter", "published_on__gte", default=None)
    published_to: datetime.date | None = narrowing("filter", "published_on__lte", default=None)
    sort: str = ""
    direction: str = ""

    @property
    def narrows(self) -> bool:
        """Whether any filter is set (sorting aside)."""
        return replace(self, sort="", direction="") != WorkFilter()

    @property
    def excluded_keys(self) -> list[int]:
        """The tag keys (Work.tag_keys) of every excluded tag, sorted."""
        return sorted({key for term in self.excludes for key in term.keys})


# The filter's plain narrowings, in field order: (WorkFilter field, QuerySet method, lookup).
_NARROWINGS = tuple((f.name, *f.metadata["narrowing"]) for f in fields(WorkFilter) if "narrowing" in f.metadata)


def filter_works(works, work_filter: WorkFilter):
    """`works` narrowed by every part of the filter (ordering is left alone)."""
    # Tags are matched on the works' own array of tag keys (GIN index, migration
    # 0022): a term of one key joins the others in one containment test.
    required = sorted({term.keys[0] for term in work_filter.includes if len(term.keys) == 1})
    if required:
        works = works.filter(tag_keys__contains=required)
    for term in work_filter.includes:
        if len(term.keys) > 1:
            works = works.filter(tag_keys__overlap=term.keys)
    if work_filter.excludes:
        works = works.exclude(tag_keys__overlap=work_filter.excluded_keys)
    if work_filter.crossover:
        crossover = Exists(
            TaggedWork.objects.filter(content_object=OuterRef("pk"), root_kind=TagKind.FANDOM)
            .values("content_object")
            .annotate(fandoms=Count("root_id", distinct=True))
            .filter(fandoms__gt=1)
        )
        works = works.filter(crossover) if work_filter.crossover == "only" else works.exclude(crossover)
    if work_filter.complete:
        works = works.filter(is_complete=True)
    if work_filter.single_chapter:
        works = works.filter(chapter_count=1)
    for name, method, lookup in _NARROWINGS:
        value = getattr(work_filter, name)
        # Unset is None, "" or an empty list; a bound of 0 words still counts.
        if value or value == 0:
            works = getattr(works, method)(**{lookup: value})
    if work_filter.within:
        works = search_works(works, work_filter.within)
    return works


def order_for(sorts: dict, sort: str, direction: str) -> tuple[str, ...]:
    """The ORDER BY of `sort` in `sorts` (key -> (label, fields)), reversed when
    `direction` asks for the other way than the sort's own ("desc" for most,
    "asc" for title)."""
    columns = sorts[sort][1]
    natural = "asc" if not columns[0].startswith("-") else "desc"
    if not direction or direction == natural:
        return columns
    return tuple(f[1:] if f.startswith("-") else f"-{f}" for f in columns)


@dataclass
class Chosen:
    """One chosen filter value as the reader sees it, and the URL without it."""

    label: str
    remove_url: str


def chosen_filters(params: QueryDict, work_filter: WorkFilter) -> list[Chosen]:
    """Every value the query string chose (tags, ratings, warnings, categories,
    crossovers, ranges, language, search within), each with the query string that
    drops that one value and keeps the rest (and goes back to page 1)."""
    rating, warning, category = dict(Rating.choices), dict(Warning.choices), dict(Category.choices)
    names = {term.tag.slug: term.tag.name for term in [*work_filter.includes, *work_filter.excludes]}
    labels = {
        "tag": lambda v: names.get(v, v),
        "exclude": lambda v: "Not " + names.get(v, v),
        "rating": lambda v: rating.get(v, v),
        "exclude_rating": lambda v: "Not " + rating.get(v, v),
        "warning": lambda v: warning.get(v, v),
        "exclude_warning": lambda v: "Not " + warning.get(v, v),
        "category": lambda v: category.get(v, v),
        "exclude_category": lambda v: "Not " + category.get(v, v),
        "crossover": lambda v: CROSSOVERS.get(v, v),
        "complete": lambda v: "Complete works only",
        "single_chapter": lambda v: "Single chapter only",
        "language": language_label,
        "words_min": lambda v: f"At least {v} words",
        "words_max": lambda v: f"At most {v} words",
        "updated_from": lambda v: f"Updated from {v}",
        "updated_to": lambda v: f"Updated to {v}",
        "published_from": lambda v: f"Published from {v}",
        "published_to": lambda v: f"Published to {v}",
        "within": lambda v: f"Containing “{v}”",
    }
    pairs = [(k, v) for k, values in params.lists() for v in values if k != "page"]
    chosen = []
    for index, (key, value) in enumerate(pairs):
        if not value.strip():
            continue
        rest = [pair for i, pair in enumerate(pairs) if i != index]
        if key in labels:
            chosen.append(Chosen(labels[key](value), "?" + urlencode(rest)))
        elif key in ("include_names", "exclude_names"):
            # One link per name of the comma-separated list, each dropping only it.
            parts = [part.strip() for part in value.split(",") if part.strip()]
            for i, part in enumerate(parts):
                kept = ", ".join(p for j, p in enumerate(parts) if j != i)
                others = [*rest] + ([(key, kept)] if kept else [])
                shown = part if key == "include_names" else f"Not {part}"
                chosen.append(Chosen(shown, "?" + urlencode(others)))
    return chosen


def filter_query_string(params: QueryDict) -> str:
    """The part of a list's query string that is the reader's filter and sort, as a
    saved default filter keeps it: only WorkFilterForm's fields, blank values and the
    page number (and search, mutes and the like) left out, in the order given ("" when
    nothing is chosen)."""
    fields = WorkFilterForm.base_fields
    return urlencode([(k, v) for k, values in params.lists() if k in fields for v in values if v.strip()])


def filter_in_words(query_string: str) -> list[str] | None:
    """A saved filter (filter_query_string) as the reader chose it, one phrase per
    value ("Not Major Character Death", "Complete works only", "Sorted by Title,
    ascending"); [] for none, None when it no longer reads as a filter (a tag in it
    was deleted since, say). One or two queries when it names tags, none otherwise."""
    if not query_string:
        return []
    params = QueryDict(query_string)
    form = WorkFilterForm(params)
    if not form.is_valid():
        return None
    work_filter = form.to_filter()
    words = [choice.label for choice in chosen_filters(params, work_filter)]
    if work_filter.sort:
        sort = "Sorted by " + SORTS[work_filter.sort][0]
        words.append(f"{sort}, {DIRECTIONS[work_filter.direction].lower()}" if work_filter.direction else sort)
    elif work_filter.direction:
        words.append(DIRECTIONS[work_filter.direction])
    return words
