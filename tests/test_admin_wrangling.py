"""Tag wrangling in the admin: canonical, synonyms, parents, merges; each logged."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from stories.models import Tag, TaggedWork, TagKind
from stories.wrangling import WranglingError, tags_make_synonyms, tags_merge, tags_set_parent
from tests.factories import TagFactory, WorkFactory

CHANGELIST = reverse("admin:stories_tag_changelist")


def act(client, action, tags, **extra):
    data = {"action": action, "_selected_action": [tag.pk for tag in tags], **extra}
    return client.post(CHANGELIST, data)


def logged(tag) -> list[str]:
    return list(
        LogEntry.objects.filter(object_id=str(tag.pk), action_flag=CHANGE).values_list("change_message", flat=True)
    )


def test_moderator_marks_tags_canonical(client, moderator):
    tag = TagFactory(name="Naruto", kind=TagKind.FANDOM)
    client.force_login(moderator)
    response = act(client, "mark_canonical", [tag])
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.canonical
    assert logged(tag) == ["Marked canonical."]


def test_make_synonyms_asks_for_the_canonical_then_applies(client, moderator):
    canonical = TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    spellings = [
        TagFactory(name="NARUTO (TV)", kind=TagKind.FANDOM),
        TagFactory(name="Naruto (Anime)", kind=TagKind.FANDOM),
    ]
    client.force_login(moderator)
    form = act(client, "make_synonyms", spellings)
    assert form.status_code == 200
    assert b"Canonical tag" in form.content
    assert Tag.objects.filter(synonym_of=canonical).count() == 0
    done = act(client, "make_synonyms", spellings, apply="1", target=canonical.pk)
    assert done.status_code == 302
    assert set(Tag.objects.filter(synonym_of=canonical)) == set(spellings)
    for tag in spellings:
        assert logged(tag) == [f"Made a synonym of “Naruto” (#{canonical.pk})."]
    assert logged(canonical)


def test_set_parent_fandom(client, moderator):
    fandom = TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    character = TagFactory(name="Kakashi", kind=TagKind.CHARACTER)
    client.force_login(moderator)
    act(client, "set_parent_fandom", [character], apply="1", target=fandom.pk)
    assert list(character.parents.all()) == [fandom]
    assert logged(character)


def test_merge_moves_works_and_keeps_a_synonym(client, moderator):
    into = TagFactory(name="Hurt/Comfort", kind=TagKind.FREEFORM, canonical=True)
    stray = TagFactory(name="hurt and comfort", kind=TagKind.FREEFORM)
    both = WorkFactory(tags=[into, stray])
    only_stray = WorkFactory(tags=[stray])
    client.force_login(moderator)
    act(client, "merge_tags", [stray], apply="1", target=into.pk)
    assert set(TaggedWork.objects.filter(tag=into).values_list("content_object_id", flat=True)) == {
        both.pk,
        only_stray.pk,
    }
    assert not TaggedWork.objects.filter(tag=stray).exists()
    stray.refresh_from_db()
    assert stray.synonym_of == into
    assert logged(stray)


def test_reader_cannot_wrangle(client, reader):
    tag = TagFactory(name="Naruto", kind=TagKind.FANDOM)
    client.force_login(reader)
    response = act(client, "mark_canonical", [tag])
    assert response.status_code == 302 and "/login/" in response.url
    tag.refresh_from_db()
    assert not tag.canonical


def test_guest_cannot_wrangle(client, db):
    tag = TagFactory(name="Naruto", kind=TagKind.FANDOM)
    act(client, "mark_canonical", [tag])
    tag.refresh_from_db()
    assert not tag.canonical


def test_wrangling_refuses_inconsistent_requests(db):
    fandom = TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    character = TagFactory(name="Kakashi", kind=TagKind.CHARACTER)
    other = TagFactory(name="Sasuke", kind=TagKind.CHARACTER)
    with pytest.raises(WranglingError):
        tags_make_synonyms(tags=[character], canonical=fandom)  # different kinds
    with pytest.raises(WranglingError):
        tags_make_synonyms(tags=[character], canonical=character)  # itself
    with pytest.raises(WranglingError):
        tags_set_parent(tags=[character], parent=other)  # parent must be a fandom
    with pytest.raises(WranglingError):
        tags_merge(tags=[fandom], into=character)
    assert not Tag.objects.filter(synonym_of__isnull=False).exists()


def test_bad_wrangling_request_shows_an_error_and_changes_nothing(client, moderator):
    fandom = TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    synonym = TagFactory(name="NARUTO (TV)", kind=TagKind.FANDOM, synonym_of=fandom)
    client.force_login(moderator)
    response = act(client, "make_synonyms", [fandom], apply="1", target=synonym.pk, follow=True)
    assert response.status_code == 200
    fandom.refresh_from_db()
    assert fandom.synonym_of is None


def test_synonym_chains_are_flattened(db):
    a = TagFactory(name="A", kind=TagKind.FREEFORM, canonical=True)
    b = TagFactory(name="B", kind=TagKind.FREEFORM, canonical=True)
    a_alias = TagFactory(name="a-alias", kind=TagKind.FREEFORM, synonym_of=a)
    tags_make_synonyms(tags=[a], canonical=b)
    a_alias.refresh_from_db()
    a.refresh_from_db()
    assert a_alias.synonym_of == b and a.synonym_of == b and not a.canonical
