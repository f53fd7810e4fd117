"""OPDS 1.2 documents, built with lxml so that whatever an author typed comes out
as well-formed, escaped XML: navigation and acquisition feeds, work entries with
their EPUB acquisition link, and the OpenSearch description.

Types and relations follow the OPDS Catalog 1.2 specification: a navigation feed
links to other feeds; an acquisition feed's entries are books, each with a link of
rel "http://opds-spec.org/acquisition" to its EPUB.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.html import strip_tags
from lxml import etree

from stories.core.urlcache import url_maker, work_url

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NSMAP = {None: ATOM, "dc": DC, "opds": OPDS, "opensearch": OPENSEARCH}

NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
EPUB = "application/epub+zip"
REL_ACQUISITION = "http://opds-spec.org/acquisition"
# XML 1.0 has no place for most control characters: drop them rather than fail.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", str(text))


@dataclass
class Link:
    rel: str
    href: str
    type: str
    title: str = ""


@dataclass
class NavEntry:
    """An entry of a navigation feed: a link to another feed."""

    id: str
    title: str
    href: str
    type: str
    content: str
    rel: str = "subsection"


@dataclass
class Feed:
    """One OPDS feed: `kind` is NAVIGATION or ACQUISITION; `base` is the site's
    scheme and host, prefixed to every path."""

    id: str
    title: str
    kind: str
    base: str
    updated: datetime.datetime
    links: list[Link] = field(default_factory=list)
    total: int | None = None
    per_page: int | None = None


def _sub(parent, tag: str, text: str | None = None, ns: str = ATOM, **attrs):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _iso(moment) -> str:
    if isinstance(moment, datetime.datetime):
        return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return f"{moment.isoformat()}T00:00:00Z"


def _root(feed: Feed):
    root = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)
    _sub(root, "id", feed.id)
    _sub(root, "title", feed.title)
    _sub(root, "updated", _iso(feed.updated))
    author = _sub(root, "author")
    _sub(author, "name", "Quire")
    _sub(author, "uri", feed.base + "/")
    for link in feed.links:
        attrs = {"rel": link.rel, "href": feed.base + link.href, "type": link.type}
        if link.title:
            attrs["title"] = link.title
        _sub(root, "link", **attrs)
    if feed.total is not None:
        _sub(root, "totalResults", str(feed.total), ns=OPENSEARCH)
        _sub(root, "itemsPerPage", str(feed.per_page), ns=OPENSEARCH)
    return root


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def navigation_feed(feed: Feed, entries: list[NavEntry]) -> bytes:
    root = _root(feed)
    for entry in entries:
        element = _sub(root, "entry")
        _sub(element, "title", entry.title)
        _sub(element, "id", entry.id)
        _sub(element, "updated", _iso(feed.updated))
        _sub(element, "content", entry.content, type="text")
        _sub(element, "link", rel=entry.rel, href=feed.base + entry.href, type=entry.type)
    return _bytes(root)


def acquisition_feed(feed: Feed, works) -> bytes:
    """`works` as loaded by WorksQuery or attach_listing (tags and creators attached)."""
    root = _root(feed)
    user_url = url_maker("stories:user-detail")
    for work in works:
        entry = _sub(root, "entry")
        _sub(entry, "title", work.title)
        _sub(entry, "id", f"urn:quire:work:{work.pk}")
        _sub(entry, "updated", _iso(work.updated_at))
        _sub(entry, "published", _iso(work.published_on))
        for user in work.creator_users:
            author = _sub(entry, "author")
            _sub(author, "name", user.username)
            _sub(author, "uri", feed.base + user_url(user.username))
        _sub(entry, "language", work.language, ns=DC)
        _sub(entry, "issued", work.published_on.isoformat(), ns=DC)
        _sub(entry, "publisher", "Quire", ns=DC)
        _sub(entry, "category", scheme=f"{feed.base}/opds/ratings", term=work.rating, label=work.get_rating_display())
        for tag in work.listing_tags():
            _sub(entry, "category", scheme=f"{feed.base}/opds/kinds/{tag.kind}", term=tag.slug, label=tag.name)
        # summary_html is sanitised when saved; the plain text is for apps that show no HTML.
        _sub(entry, "summary", " ".join(strip_tags(work.summary_html).split()), type="text")
        stats = (
            f"<p>{work.get_rating_display()} · {work.word_count:,} words · "
            f"{work.chapters_display} chapters · {'Complete' if work.is_complete else 'In progress'}</p>"
        )
        _sub(entry, "content", stats + work.summary_html, type="html")
        page = work_url(work.pk)
        _sub(entry, "link", rel=REL_ACQUISITION, href=f"{feed.base}{page}download.epub", type=EPUB)
        _sub(entry, "link", rel="alternate", href=feed.base + page, type="text/html", title="Read on Quire")
        for tag in work.fandoms:
            _sub(
                entry,
                "link",
                rel="related",
                href=f"{feed.base}/opds/tags/{tag.slug}/",
                type=ACQUISITION,
                title=f"More from {tag.name}",
            )
    return _bytes(root)


def opensearch_description(base: str) -> bytes:
    """The OpenSearch 1.1 description: its template returns an acquisition feed."""
    ns = OPENSEARCH
    root = etree.Element(f"{{{ns}}}OpenSearchDescription", nsmap={None: ns})
    _sub(root, "ShortName", "Quire", ns=ns)
    _sub(root, "Description", "Search the works of Quire: titles, summaries, tags, creators and the text.", ns=ns)
    _sub(root, "InputEncoding", "UTF-8", ns=ns)
    _sub(root, "OutputEncoding", "UTF-8", ns=ns)
    _sub(root, "Url", ns=ns, type=ACQUISITION, template=f"{base}/opds/search/?q={{searchTerms}}")
    _sub(root, "Url", ns=ns, type="text/html", template=f"{base}/search/?q={{searchTerms}}")
    return _bytes(root)
