"""The shapes the read API answers with (pydantic, through django-ninja): what the
OpenAPI schema at /api/v1/schema documents and what every response is checked
against. The choices (ratings, warnings, categories, sorts, tag kinds) come from the
models and the index filter, so the API cannot drift from the site."""

import datetime
from enum import Enum
from typing import Literal

from ninja import Field, Schema

from stories.discovery.filters import LANGUAGE_RE, MAX_TAGS, MAX_WORDS, SORTS
from stories.discovery.query import SEARCH_SORTS
from stories.models import Category, Rating, TagKind, TokenScope, Warning

RatingCode = Enum("RatingCode", {value: value for value in Rating.values}, type=str)
WarningCode = Enum("WarningCode", {value: value for value in Warning.values}, type=str)
CategoryCode = Enum("CategoryCode", {value: value for value in Category.values}, type=str)
TagKindCode = Enum("TagKindCode", {value: value for value in TagKind.values}, type=str)
SortCode = Enum("SortCode", {value: value for value in SEARCH_SORTS}, type=str)
ScopeCode = Enum("ScopeCode", {value: value for value in TokenScope.values}, type=str)

assert set(SORTS) <= set(SEARCH_SORTS)


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in words.")
    errors: dict[str, list[str]] = Field(default_factory=dict, description="Per parameter, when a filter was refused.")


class Paged(Schema):
    count: int = Field(description="How many items the whole list holds (for a search, at most 1,000).")
    count_capped: bool = Field(False, description="True when more matched than are counted (searches).")
    next: str | None = Field(description="Cursor of the next page (pass as `cursor`), or null on the last page.")
    previous: str | None = Field(description="Cursor of the previous page, or null on the first.")
    next_url: str | None = Field(description="The next page's full URL, or null.")


class WorkFilters(Schema):
    """Every filter and sort of the /works/ index, by the same names."""

    q: str | None = Field(
        None, max_length=1000, description="Full-text search over titles, summaries, tags, creators and the story text."
    )
    tag: list[str] = Field(
        default_factory=list,
        max_length=MAX_TAGS,
        description="Include works with every one of these tag slugs (synonyms count).",
    )
    exclude: list[str] = Field(
        default_factory=list, max_length=MAX_TAGS, description="Exclude works with any of these tag slugs."
    )
    include_names: str | None = Field(None, max_length=2000, description="Tag names to include, comma separated.")
    exclude_names: str | None = Field(None, max_length=2000, description="Tag names to exclude, comma separated.")
    rating: RatingCode | None = None
    warning: list[WarningCode] = Field(
        default_factory=list, description="Works with every one of these archive warnings."
    )
    category: list[CategoryCode] = Field(default_factory=list, description="Works in every one of these categories.")
    complete: bool | None = Field(None, description="Only complete works.")
    language: str | None = Field(None, pattern=LANGUAGE_RE, max_length=16, description="A language code, e.g. `en`.")
    words_min: int | None = Field(None, ge=0, le=MAX_WORDS)
    words_max: int | None = Field(None, ge=0, le=MAX_WORDS)
    updated_from: datetime.date | None = None
    updated_to: datetime.date | None = None
    published_from: datetime.date | None = None
    published_to: datetime.date | None = None
    sort: SortCode | None = Field(None, description="`relevance` applies to searches only.")
    cursor: str | None = Field(None, max_length=500, description="The `next` or `previous` of an earlier page.")


class CursorIn(Schema):
    cursor: str | None = Field(None, max_length=500, description="The `next` or `previous` of an earlier page.")


class TagRef(Schema):
    slug: str
    name: str
    kind: TagKindCode
    url: str
    api_url: str


class CreatorRef(Schema):
    username: str
    url: str
    api_url: str


class Downloads(Schema):
    epub: str
    html: str
    txt: str
    md: str


class WorkOut(Schema):
    id: int
    title: str
    url: str = Field(description="The work's page on the site.")
    api_url: str
    creators: list[CreatorRef]
    rating: RatingCode
    warnings: list[WarningCode]
    categories: list[CategoryCode]
    language: str
    tags: list[TagRef] = Field(description="Fandoms, relationships, characters and additional tags, by kind and name.")
    summary_html: str = Field(description="Sanitised HTML.")
    word_count: int
    chapter_count: int
    expected_chapters: int | None = Field(description='Null when the author does not know yet ("3/?").')
    is_complete: bool
    restricted: bool = Field(description="Only signed-in readers (token holders) see it.")
    published_on: datetime.date
    updated_at: datetime.datetime
    kudos_count: int
    hit_count: int
    comment_count: int
    bookmark_count: int
    downloads: Downloads
    snippet_html: str | None = Field(None, description="For a search: the matching passage, matched words in <mark>.")


class WorkPage(Paged):
    results: list[WorkOut]


class ChapterRef(Schema):
    position: int
    title: str
    word_count: int
    published_on: datetime.date
    url: str
    api_url: str


class SeriesRef(Schema):
    id: int
    title: str
    position: int = Field(description="This work's place in the series.")
    api_url: str


class WorkLinkOut(Schema):
    kind: Literal["sequel_of", "prequel_of", "inspired_by", "translation_of"]
    label: str
    title: str
    work_id: int | None = Field(description="The linked work, when it is on the archive and this reader may open it.")


class WorkDetailOut(WorkOut):
    disclaimer: str
    notes_html: str
    end_notes_html: str
    series: list[SeriesRef]
    links: list[WorkLinkOut]
    chapters: list[ChapterRef]


class ChapterOut(Schema):
    work_id: int
    position: int
    title: str
    summary_html: str
    notes_html: str
    end_notes_html: str
    body_html: str = Field(description="The chapter's text: sanitised HTML.")
    word_count: int
    published_on: datetime.date
    url: str
    previous: int | None = Field(description="Position of the previous chapter, or null.")
    next: int | None = Field(description="Position of the next chapter, or null.")


class TagOut(Schema):
    slug: str
    name: str
    kind: TagKindCode
    canonical: bool
    synonym_of: str | None = Field(description="The canonical tag's slug, for a synonym.")
    synonyms: list[str] = Field(description="Slugs of this tag's synonyms.")
    parents: list[str] = Field(description="Slugs of the fandoms a character or relationship belongs to.")
    url: str
    api_url: str
    works_api_url: str


class TagRow(Schema):
    slug: str
    name: str
    kind: TagKindCode
    canonical: bool
    work_count: int
    api_url: str


class TagPage(Paged):
    results: list[TagRow]


class SeriesPartOut(Schema):
    position: int
    work: WorkOut


class SeriesOut(Schema):
    id: int
    title: str
    description_html: str
    notes_html: str = Field(description='The creators\' notes on the series, sanitised HTML ("" for none).')
    creators: list[CreatorRef]
    is_complete: bool
    url: str
    api_url: str
    parts: list[SeriesPartOut] = Field(description="The parts this reader may see, in reading order.")


class SeriesRow(Schema):
    id: int
    title: str
    is_complete: bool
    api_url: str


class SeriesPage(Paged):
    results: list[SeriesRow]


class UserOut(Schema):
    username: str
    url: str
    works_api_url: str
    series_api_url: str
    bookmarks_api_url: str


class BookmarkOut(Schema):
    id: int
    work: WorkOut | None
    series: SeriesRow | None
    note_html: str
    tags: list[str]
    is_private: bool
    for_later: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime


class BookmarkPage(Paged):
    results: list[BookmarkOut]


class BookmarkIn(Schema):
    note: str = Field("", max_length=5000)
    tags: list[str] = Field(default_factory=list, max_length=50)
    is_private: bool = False
    for_later: bool = Field(False, description="Mark for later instead (always private).")


class HistoryOut(Schema):
    work: WorkOut
    chapter: int | None = Field(description="Position of the last chapter read.")
    visits: int
    read_at: datetime.datetime


class HistoryPage(Paged):
    results: list[HistoryOut]


class SubscriptionOut(Schema):
    id: int
    kind: Literal["work", "series", "user", "tag"]
    key: str = Field(description="Work or series id, username or tag slug.")
    title: str
    created_at: datetime.datetime


class SubscriptionPage(Paged):
    results: list[SubscriptionOut]


class MeOut(Schema):
    username: str
    scopes: list[ScopeCode]
    url: str


class KudosOut(Schema):
    created: bool = Field(description="False when this reader had already left kudos.")
    kudos_count: int
