"""The works index filter: a form that turns the query string into a validated
filter, and a function that applies it to a WorkQuerySet (the facet counts beside
each filter value are in discovery.facets).

All state lives in the query string, so a filtered page is a shareable URL. Include
filters combine with AND (a work must have every chosen tag, warning and category);
a tag stands for its whole family (the canonical tag and all its synonyms), so
excluding a canonical tag also removes works tagged only with one of its synonyms.
"""

import datetime
from dataclasses import dataclass, field, replace

from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower

from stories.models import Category, Rating, Tag, TaggedWork, Warning
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


def _db_lower(names: list[str]) -> dict[str, str]:
    """name -> PostgreSQL's lower(name), in one query (none for no names)."""
    if not names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, lower(n) FROM unnest(%s::text[]) AS n", [names])
        return dict(cursor.fetchall())


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
            keys = {typed_lower[spelling] for spelling in spellings[name]}
            matches = [tag for tag in found if tag.lname in keys]
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
