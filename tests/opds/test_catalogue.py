"""The OPDS catalogue: feeds parse as Atom with OPDS relations, a reader walks from
the root to an EPUB that passes EPUBCheck, search answers, personal feeds sign in."""

import base64
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from stories.api.tokens import token_create
from stories.models import Bookmark
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NS = {"a": "http://www.w3.org/2005/Atom", "os": "http://a9.com/-/spec/opensearch/1.1/"}
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
ACQ = "application/atom+xml;profile=opds-catalog;kind=acquisition"
NAV = "application/atom+xml;profile=opds-catalog;kind=navigation"


def feed(client, url: str, kind: str, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == kind
    root = etree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for required in ("a:id", "a:title", "a:updated"):
        assert root.find(required, NS) is not None, required
    return root


def path_of(href: str) -> str:
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def entry_link(entry, rel: str):
    return next(link for link in entry.findall("a:link", NS) if link.get("rel") == rel)


def test_root_links_every_section_and_search(client):
    root = feed(client, "/opds/", NAV)
    rels = {link.get("rel"): link.get("type") for link in root.findall("a:link", NS)}
    assert rels["search"] == "application/opensearchdescription+xml"
    assert rels["start"] == NAV and rels["self"] == NAV
    titles = [e.findtext("a:title", namespaces=NS) for e in root.findall("a:entry", NS)]
    assert titles == [
        "Recently updated works",
        "Complete works",
        "Popular fandoms",
        "Popular tags",
        "Your bookmarks",
        "Marked for later",
    ]


def test_walk_from_root_to_a_fandom_to_a_work_to_an_epub_that_passes_epubcheck(client, tmp_path):
    fandom = factories.TagFactory(name="Naruto", kind="fandom")
    character = factories.TagFactory(name="Hatake Kakashi", kind="character")
    work = factories.WorkFactory(title="Moving On", tags=[fandom, character], chapters=2, summary="Kakashi *moves* on.")
    factories.WorkFactory(title="Elsewhere")  # another fandom's work: not in this feed

    root = feed(client, "/opds/", NAV)
    fandoms_entry = next(
        e for e in root.findall("a:entry", NS) if e.findtext("a:title", namespaces=NS) == "Popular fandoms"
    )
    fandoms = feed(client, path_of(entry_link(fandoms_entry, "subsection").get("href")), NAV)
    naruto = next(e for e in fandoms.findall("a:entry", NS) if e.findtext("a:title", namespaces=NS) == "Naruto")
    works = feed(client, path_of(entry_link(naruto, "subsection").get("href")), ACQ)
    entries = works.findall("a:entry", NS)
    assert [e.findtext("a:title", namespaces=NS) for e in entries] == ["Moving On"]
    entry = entries[0]
    assert entry.findtext("a:author/a:name", namespaces=NS) == work.creator_users[0].username
    assert entry.findtext("a:summary", namespaces=NS) == "Kakashi moves on."
    assert entry.findtext("{http://purl.org/dc/terms/}language") == "en"
    labels = {c.get("label") for c in entry.findall("a:category", NS)}
    assert {"Naruto", "Hatake Kakashi", "General Audiences"} <= labels
    acquisition = entry_link(entry, "http://opds-spec.org/acquisition")
    assert acquisition.get("type") == "application/epub+zip"

    download = client.get(path_of(acquisition.get("href")))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/epub+zip"
    if not EPUBCHECK.exists():
        pytest.fail("EPUBCheck is missing: `make test` installs Debian's epubcheck package")
    book = tmp_path / "book.epub"
    book.write_bytes(download.content)
    result = subprocess.run(["java", "-jar", str(EPUBCHECK), str(book)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr


def test_acquisition_feeds_page_with_first_next_previous_links(client):
    for _ in range(25):
        factories.WorkFactory()
    first = feed(client, "/opds/works/", ACQ)
    links = {link.get("rel"): path_of(link.get("href")) for link in first.findall("a:link", NS)}
    assert "previous" not in links and links["first"] == "/opds/works/?page=1"
    assert first.findtext("os:totalResults", namespaces=NS) == "25"
    assert len(first.findall("a:entry", NS)) == 20
    second = feed(client, links["next"], ACQ)
    second_links = {link.get("rel") for link in second.findall("a:link", NS)}
    assert "previous" in second_links and "next" not in second_links
    assert len(second.findall("a:entry", NS)) == 5


def test_opensearch_description_template_returns_results(client):
    factories.WorkFactory(title="The Lighthouse Keeper")
    factories.WorkFactory(title="Something Else")
    response = client.get("/opds/opensearch.xml")
    assert response["Content-Type"] == "application/opensearchdescription+xml"
    description = etree.fromstring(response.content)
    url = next(u for u in description.findall("os:Url", NS) if u.get("type") == ACQ)
    template = url.get("template")
    assert "{searchTerms}" in template
    results = feed(client, path_of(template.replace("{searchTerms}", "lighthouse")), ACQ)
    assert [e.findtext("a:title", namespaces=NS) for e in results.findall("a:entry", NS)] == ["The Lighthouse Keeper"]


def test_guest_catalogue_leaves_out_drafts_hidden_and_restricted_works(client):
    factories.WorkFactory(title="Shown")
    factories.WorkFactory(title="Draft", status="draft")
    factories.WorkFactory(title="Hidden", is_hidden=True)
    factories.WorkFactory(title="Restricted", restricted=True)
    titles = [e.findtext("a:title", namespaces=NS) for e in feed(client, "/opds/works/", ACQ).findall("a:entry", NS)]
    assert titles == ["Shown"]


def basic(username: str, password: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def test_bookmarks_and_later_need_a_sign_in_and_show_the_readers_own(client, reader, stranger):
    kept = factories.WorkFactory(title="Kept")
    later = factories.WorkFactory(title="Later", restricted=True)
    other = factories.WorkFactory(title="Someone else's")
    Bookmark.objects.create(user=reader, work=kept)
    Bookmark.objects.create(user=reader, work=later, for_later=True, is_private=True)
    Bookmark.objects.create(user=stranger, work=other)

    refused = client.get("/opds/bookmarks/")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Basic")
    assert client.get("/opds/later/", **basic("reader", "wrong")).status_code == 401

    mine = feed(client, "/opds/bookmarks/", ACQ, **basic("reader", PASSWORD))
    assert [e.findtext("a:title", namespaces=NS) for e in mine.findall("a:entry", NS)] == ["Kept"]
    _, secret = token_create(user=reader, name="e-reader", scopes=["read"])
    for_later = feed(client, "/opds/later/", ACQ, HTTP_AUTHORIZATION=f"Bearer {secret}")
    entry = for_later.find("a:entry", NS)
    assert entry.findtext("a:title", namespaces=NS) == "Later"
    # The restricted work downloads with the same credentials, and not without them.
    href = path_of(entry_link(entry, "http://opds-spec.org/acquisition").get("href"))
    assert client.get(href, **basic("reader", PASSWORD)).status_code == 200
    assert client.get(href).status_code == 404


def test_invalid_filters_get_400_not_500(client):
    assert client.get("/opds/works/?rating=nope").status_code == 400
    assert client.get("/opds/works/?tag=no-such-tag").status_code == 400
    assert client.get("/opds/search/").status_code == 400
    assert client.get("/opds/works/?page=99").status_code == 404


def test_works_index_and_tag_pages_link_to_the_catalogue(client):
    tag = factories.TagFactory(name="Fluff")
    factories.WorkFactory(tags=[tag])
    index = client.get("/works/?complete=on").content.decode()
    assert 'type="application/atom+xml;profile=opds-catalog;kind=acquisition"' in index
    assert 'href="/opds/works/?complete=on"' in index
    page = client.get(f"/tags/{tag.slug}/").content.decode()
    assert f'href="/opds/tags/{tag.slug}/"' in page


def test_catalogue_feeds_run_a_constant_number_of_queries(client, django_assert_max_num_queries):
    fandom = factories.TagFactory(name="Bleach", kind="fandom")
    for _ in range(40):
        factories.WorkFactory(tags=[fandom, factories.TagFactory()])
    with django_assert_max_num_queries(12):
        assert client.get(f"/opds/tags/{fandom.slug}/").status_code == 200
