"""Atom feeds of the index, a tag (synonyms included) and an author."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from stories.models import TagKind
from tests.factories import TagFactory, UserFactory, WorkFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("title", "id", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for required in ("title", "id", "updated", "link", "author"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    return root, entries


def entry_titles(entries) -> set[str]:
    return {entry.find(f"{ATOM}title").text for entry in entries}


def test_tag_feed_includes_synonyms(client, db):
    canonical = TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    synonym = TagFactory(name="NARUTO (TV)", kind=TagKind.FANDOM, synonym_of=canonical)
    WorkFactory(title="Canonical work", tags=[canonical])
    WorkFactory(title="Synonym work", tags=[synonym])
    WorkFactory(title="Other work")
    _, entries = parse(client.get(reverse("stories:tag-feed", args=[canonical.slug])))
    assert entry_titles(entries) == {"Canonical work", "Synonym work"}
    _, via_synonym = parse(client.get(reverse("stories:tag-feed", args=[synonym.slug])))
    assert entry_titles(via_synonym) == {"Canonical work", "Synonym work"}


def test_user_feed_lists_the_authors_posted_works(client, author, stranger):
    WorkFactory(title="Mine", creators=[author])
    WorkFactory(title="My draft", creators=[author], status="draft")
    WorkFactory(title="Theirs", creators=[stranger])
    root, entries = parse(client.get(reverse("stories:user-feed", args=[author.username])))
    assert entry_titles(entries) == {"Mine"}
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "author"


def test_works_feed_hides_restricted_and_hidden_works(client, db):
    WorkFactory(title="Public")
    WorkFactory(title="Members", restricted=True)
    WorkFactory(title="Hidden", is_hidden=True)
    _, entries = parse(client.get(reverse("stories:works-feed")))
    assert entry_titles(entries) == {"Public"}


def test_feed_escapes_hostile_titles(client, db):
    WorkFactory(title="<script>alert(1)</script> & friends", summary="<img src=x onerror=alert(1)>")
    response = client.get(reverse("stories:works-feed"))
    _, entries = parse(response)
    assert entry_titles(entries) == {"<script>alert(1)</script> & friends"}
    assert b"onerror" not in response.content


@pytest.mark.parametrize("url", ["/tags/no-such-tag/feed.atom", "/users/nobody/feed.atom"])
def test_feeds_of_missing_things_are_404(client, db, url):
    assert client.get(url).status_code == 404


def test_pages_link_their_feeds(client, db):
    tag = TagFactory(name="Linked", kind=TagKind.FREEFORM)
    user = UserFactory(username="linked")
    WorkFactory(tags=[tag], creators=[user])
    for page, feed in [
        (reverse("stories:work-list"), reverse("stories:works-feed")),
        (tag.get_absolute_url(), reverse("stories:tag-feed", args=[tag.slug])),
        (reverse("stories:user-detail", args=["linked"]), reverse("stories:user-feed", args=["linked"])),
    ]:
        content = client.get(page).content.decode()
        assert 'type="application/atom+xml"' in content and f'href="{feed}"' in content, page


def test_feed_runs_constant_queries(client, django_assert_max_num_queries, db):
    tag = TagFactory(name="Busy", kind=TagKind.FREEFORM)
    for _ in range(25):
        WorkFactory(tags=[tag, TagFactory()])
    with django_assert_max_num_queries(6):
        _, entries = parse(client.get(reverse("stories:tag-feed", args=[tag.slug])))
    assert len(entries) == 20
