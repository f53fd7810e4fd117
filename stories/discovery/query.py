"""The one path for every list of works: the index, a tag's page, search, an
author's page, the home page and the feeds all ask a WorksQuery, and nothing else
decides which works a reader sees, how they are filtered, counted and paged.

    result = WorksQuery(request, tag=tag).run()     # a page, its count and facets
    works = WorksQuery(request).latest(20)          # the newest works, for a feed

What a reader may see is decided once, in reader_works(): listed works, restricted
ones only for signed-in readers, minus the reader's mutes. The query string is read
by discovery.filters.WorkFilterForm; an invalid one gives a result whose `valid` is
False, with the form and its errors, and no page.

Counting is what costs at scale. For guests, the total of an index or tag page is
cached with its facet counts (the same key: filters and the listing generation, not
page or sort), so any change to what they count gives new keys. A search counts at
most SEARCH_COUNT_CAP matches ("1,000+ works found"). A reader's mutes apply to
every work, so no tally holds their totals: a list read through mutes counts at most
MUTED_COUNT_CAP works ("10,000+ works", and paging stops there), and the note of how
many the mutes hide at most SEARCH_COUNT_CAP ("1,000+ works hidden by your mutes");
counting a million works for each signed-in page took seconds. Facet counts of a
result bigger than filters.FACET_SAMPLE come from a sample of that many works.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Page
from django.http import HttpRequest

from stories.core.paging import paginate
from stories.discovery.blurbs import attach_blurbs, attach_listing
from stories.discovery.facets import FACET_CACHE_SECONDS, FACET_COLUMNS, Facets, facet_cache_key, facet_counts
from stories.discovery.filters import (
    CROSSOVERS,
    DIRECTIONS,
    SORTS,
    WorkFilter,
    WorkFilterForm,
    chosen_filters,
    filter_query_string,
    filter_works,
    order_for,
)
from stories.discovery.search import is_plain, near_tags, ranked_matches, search_works, snippets_for
from stories.discovery.tally import listed_count
from stories.models import ReaderPreference, Tag, Work
from stories.readers.mutes import apply_mutes, has_mutes, only_muted, reader_preference

SEARCH_SORTS = {"relevance": ("Relevance", ("-rank", "-id")), **SORTS}
SEARCH_COUNT_CAP = 1000
MUTED_COUNT_CAP = 10_000
# Columns no blurb shows; the search vectors hold a work's whole text.
NOT_LISTED = ("search_vector", "search_head", "notes", "notes_html", "end_notes", "end_notes_html", "disclaimer")
# `?mutes=off` shows a list as it would be without the reader's mutes (this view only).
MUTES_PARAM, MUTES_OFF = "mutes", "off"


def reader_works(request: HttpRequest, preference: ReaderPreference | None = None, *, muted: bool = True):
    """The works any list may show this reader, as a WorkQuerySet: posted and not
    hidden, restricted ones only when signed in, minus what the reader muted or hid
    (`preference`, the reader's own, is looked up when not given; `muted=False`
    keeps those). Every list, feed and search starts here, so these rules live in
    one place."""
    works = Work.objects.listed().visible_to(request.user)
    if not muted:
        return works
    preference = preference if preference is not None else reader_preference(request)
    return apply_mutes(works, preference)


@dataclass
class MutesNote:
    """What a list says about the reader's mutes (templates/jinja2/discovery/_mutes_note.html):
    `hidden` works of this list (with its filters and search) that they hide, at
    least that many when `capped`; or, when `off` (`?mutes=off`), that the list shows
    them. `toggle_url` is this list the other way. A guest's or a reader's without
    mutes is empty (falsy)."""

    hidden: int = 0
    capped: bool = False
    off: bool = False
    toggle_url: str = ""

    def __bool__(self) -> bool:
        return self.off or self.hidden > 0


@dataclass
class WorksResult:
    """What a list page shows: the page of works (each with `blurb_html`, and for a
    search `snippet`), the total, the facet counts beside the filters, and the form
    that read the query string. `valid` is False when the query string was refused:
    then `form` holds the errors and `page` and `facets` are None."""

    form: WorkFilterForm
    sorts: dict
    query: str
    page: Page | None = None
    facets: Facets | None = None
    work_filter: WorkFilter | None = None
    sort: str = ""
    near: bool = False  # nothing matched exactly; these are near spellings
    capped: bool = False  # more than SEARCH_COUNT_CAP matched; the best are shown
    tag_facets: dict = field(default_factory=dict)
    chosen: list = field(default_factory=list)  # filters.Chosen: each chosen value, removable
    tag: Tag | None = None  # the tag page's tag: "1–20 of N works in <tag>"
    near_tags: list = field(default_factory=list)  # with `near`: tags spelled like the query
    mutes: MutesNote = field(default_factory=MutesNote)
    filter_string: str = ""  # the chosen filters and sort, as a default filter is saved
    saved_filter: str = ""  # the reader's saved default filter

    @property
    def valid(self) -> bool:
        return self.page is not None

    @property
    def status(self) -> int:
        """The HTTP status of a page showing this result: 400 for refused filters."""
        return 200 if self.valid else 400

    def context(self) -> dict:
        """The template context of the list (templates/jinja2/discovery/_works_index.html)."""
        return {
            "form": self.form,
            "sorts": self.sorts,
            "query": self.query,
            "page": self.page,
            "facets": self.facets,
            "tag_facets": self.tag_facets,
            "work_filter": self.work_filter,
            "sort": self.sort,
            "near": self.near,
            "capped": self.capped,
            "chosen": self.chosen,
            "directions": DIRECTIONS,
            "crossovers": CROSSOVERS,
            "in_tag": self.tag,
            "near_tags": self.near_tags,
            "mutes": self.mutes,
            "filter_string": self.filter_string,
            "saved_filter": self.saved_filter,
        }


@dataclass
class _Found:
    """The filtered result before it is paged: `works` to order and page, how many
    there are, and for a search the matching ids best first (`ranked`)."""

    works: object
    count: int
    facets: Facets
    ranked: list[int] | None = None
    near: bool = False
    capped: bool = False
    near_tags: list = field(default_factory=list)


class WorksQuery:
    """The works a reader asked for: the reader and the query string of `request`,
    narrowed to a `tag` (synonyms included) or a `creator`, and searched for `q`
    when given. Ask run() for a filtered page, or latest(n) for the newest works.
    A reader's mutes apply unless the query string says `mutes=off`; run() and
    mutes_note() tell how many works of the list they hide."""

    def __init__(self, request: HttpRequest, *, tag: Tag | None = None, creator=None, q: str = ""):
        self.request = request
        self.tag = tag
        self.q = q
        self.preference = reader_preference(request)
        self.mutes_off = has_mutes(self.preference) and request.GET.get(MUTES_PARAM) == MUTES_OFF
        works = reader_works(request, self.preference, muted=False)
        if tag is not None:
            works = works.tagged(tag)
        if creator is not None:
            works = works.by_creator(creator)
        self.unmuted = works
        self.base = works if self.mutes_off else apply_mutes(works, self.preference)
        self.muted = has_mutes(self.preference) and not self.mutes_off  # the list is read through mutes
        # The bare index or tag page, as the database tallies it (discovery.tally).
        self.tallied = creator is None and not self.muted
        self.sorts = SEARCH_SORTS if q else SORTS

    @property
    def default_filter(self) -> str:
        """The query string the reader saved as their default filter ("" for none)."""
        return self.preference.default_filter if self.preference is not None else ""

    def _cache_prefix(self) -> str:
        if self.q:
            return f"search:{self.q}"
        return f"tag:{self.tag.pk}" if self.tag is not None else "works"

    def latest(self, limit: int) -> list[Work]:
        """The `limit` most recently updated works, loaded with their tags and
        creators (for_listing)."""
        return list(self.base.for_listing().order_by("-updated_at", "-id")[:limit])

    def recent_page(self, *, blurbs: bool = True) -> Page:
        """The requested page of works, most recently updated first, each with its
        tags and creators and (with `blurbs`) its `blurb_html` (an author's page: no
        filters, no facets)."""
        page = paginate(self.request, self.base.defer(*NOT_LISTED).order_by("-updated_at", "-id"))
        _attach(page, blurbs=blurbs)
        return page

    def mutes_note(self, work_filter: WorkFilter | None = None, *, near: bool = False) -> MutesNote:
        """How many works of this list (narrowed by `work_filter` and the search, the
        near-spelling one with `near`) the reader's mutes hide: one query, none for a
        guest, a reader without mutes or a list shown with `mutes=off`. It counts at
        most SEARCH_COUNT_CAP of them (a search's drawn from its bounded candidates)."""
        if not has_mutes(self.preference):
            return MutesNote()
        toggle_url = self._mutes_url(off=not self.mutes_off)
        if self.mutes_off:
            return MutesNote(off=True, toggle_url=toggle_url)
        works = self.unmuted
        if self.q and near:
            works = search_works(works, self.q, near=True)
        if work_filter is not None:
            works = filter_works(works, work_filter)
        if self.q and not near:
            works = search_works(works, self.q)
        hidden = only_muted(works, self.preference).order_by()
        count = hidden.values("pk")[: SEARCH_COUNT_CAP + 1].count()
        return MutesNote(hidden=min(count, SEARCH_COUNT_CAP), capped=count > SEARCH_COUNT_CAP, toggle_url=toggle_url)

    def _mutes_url(self, *, off: bool) -> str:
        """This list (from its first page) with the mutes off, or on again."""
        pairs = [(k, v) for k, vs in self.request.GET.lists() if k not in ("page", MUTES_PARAM) for v in vs]
        if off:
            pairs.append((MUTES_PARAM, MUTES_OFF))
        return f"{self.request.path}?{urlencode(pairs)}" if pairs else self.request.path

    def run(self, *, blurbs: bool = True) -> WorksResult:
        """The filtered, sorted page the query string asks for; a page number out of
        range raises Http404. Without `blurbs` (machine-readable lists) the works
        carry their tags and creators but no rendered blurb."""
        form = WorkFilterForm(self.request.GET, sorts=self.sorts)
        result = WorksResult(form=form, sorts=self.sorts, query=self.q, tag=self.tag)
        if not form.is_valid():
            return result
        work_filter = form.to_filter()
        sort = work_filter.sort or ("relevance" if self.q else "updated")
        key = facet_cache_key(self.request, self._cache_prefix())
        found = self._search(work_filter, key) if self.q else self._browse(work_filter, key)
        if found.ranked is not None and sort == "relevance":
            # Already in order: the page needs only its twenty works.
            page = paginate(self.request, found.ranked, count=found.count)
            listed = found.works.filter(pk__any_of=page.object_list).defer(*NOT_LISTED).order_by()
            by_pk = {work.pk: work for work in listed}
            page.object_list = [by_pk[pk] for pk in page.object_list if pk in by_pk]
        else:
            works = found.works if found.ranked is None else found.works.filter(pk__any_of=found.ranked)
            order = order_for(self.sorts, sort, work_filter.direction)
            page = paginate(self.request, works.order_by(*order).defer(*NOT_LISTED), count=found.count)
        snippets = snippets_for([work.pk for work in page], self.q) if self.q else {}
        for work in page:
            work.snippet = snippets.get(work.pk)
        _attach(page, blurbs=blurbs)
        # Chosen tags show in their own list; the facets offer the others.
        included = {term.tag.slug for term in work_filter.includes}
        result.tag_facets = {
            kind: [v for v in values if v.value not in included] for kind, values in found.facets.tags.items()
        }
        result.page, result.facets, result.work_filter, result.sort = page, found.facets, work_filter, sort
        result.near, result.capped, result.near_tags = found.near, found.capped, found.near_tags
        result.chosen = chosen_filters(self.request.GET, work_filter)
        result.mutes = self.mutes_note(work_filter, near=found.near)
        result.filter_string, result.saved_filter = filter_query_string(self.request.GET), self.default_filter
        return result

    def _browse(self, work_filter: WorkFilter, key: str | None) -> _Found:
        """The index or a tag page: the base narrowed by the filter."""
        facets = facet_counts(self.base, work_filter, cache_key=key)
        if facets.result_ids is not None:
            # The facets hold the whole result: its size is the count, and the page
            # is drawn from its ids instead of filtering every work again.
            ids = list(facets.result_ids)
            return _Found(self.base.filter(pk__any_of=ids), len(ids), facets)
        works = filter_works(self.base, work_filter)
        if self.tallied and not work_filter.narrows:
            return _Found(works, listed_count(self.tag, restricted=self.request.user.is_authenticated), facets)
        if self.muted:
            # Read through the reader's mutes: counted up to a cap (see the module's doc).
            count = works.order_by().values("pk")[: MUTED_COUNT_CAP + 1].count()
            return _Found(works, min(count, MUTED_COUNT_CAP), facets, capped=count > MUTED_COUNT_CAP)
        count = cache.get("count:" + key) if key else None
        if count is None:
            count = works.count()
            if key:
                cache.set("count:" + key, count, FACET_CACHE_SECONDS)
        return _Found(works, count, facets)

    def _search(self, work_filter: WorkFilter, key: str | None) -> _Found:
        """A search runs over the filtered works (its candidate sets are bounded):
        its matches are the result, and the facets count them. A chosen rating or
        language counts its alternatives over the search without that choice, so
        that unfiltered search is built only then."""
        filtered = filter_works(self.base, work_filter)
        # One more than are counted: that one says there are more.
        matches = ranked_matches(filtered, self.q, limit=SEARCH_COUNT_CAP + 1, columns=FACET_COLUMNS)
        ranked = list(matches)
        if not ranked and is_plain(self.q):
            return self._near(work_filter, key)
        unfiltered = search_works(self.base, self.q) if work_filter.ratings or work_filter.language else None
        facets = facet_counts(unfiltered, work_filter, cache_key=key, result_rows=matches)
        # The ids were drawn from the filtered works: there are exactly that many.
        return _Found(
            filtered,
            min(len(ranked), SEARCH_COUNT_CAP),
            facets,
            ranked=ranked,
            capped=len(ranked) > SEARCH_COUNT_CAP,
        )

    def _near(self, work_filter: WorkFilter, key: str | None) -> _Found:
        """Nothing matches as typed: titles and tags spelled nearly so."""
        base = search_works(self.base, self.q, near=True)
        works = filter_works(base, work_filter)
        count = works.order_by().values("pk")[: SEARCH_COUNT_CAP + 1].count()
        facets = facet_counts(base, work_filter, cache_key=key)
        return _Found(
            works,
            min(count, SEARCH_COUNT_CAP),
            facets,
            near=True,
            capped=count > SEARCH_COUNT_CAP,
            near_tags=near_tags(self.q),
        )


def _attach(works, *, blurbs: bool) -> None:
    """Give each work of a page its tags and creators, and its rendered blurb."""
    attach_listing(works)
    if blurbs:
        attach_blurbs(works)
