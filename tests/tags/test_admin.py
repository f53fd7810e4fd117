"""Tag wrangling in the admin: canonical, synonyms, parents, merges; each logged."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.urls import reverse

from stories.models import Tag, TaggedWork, TagKind
from stories.tags.wrangling import WranglingError, tags_make_synonyms, tags_merge, tags_set_parent
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


# The root each tagging counts under in facets (migration 0009), kept by triggers.


def roots(*works) -> set[tuple[int, int, str, int]]:
    return set(
        TaggedWork.objects.filter(content_object__in=works).values_list(
            "content_object_id", "tag_id", "root_kind", "root_id"
        )
    )


@pytest.mark.django_db
def test_a_tagging_counts_under_its_tag_or_its_canonical():
    canonical = TagFactory(name="Hurt/Comfort", canonical=True)
    synonym = TagFactory(name="hurt and comfort", synonym_of=canonical)
    free = TagFactory(name="Fluff", kind=TagKind.FREEFORM)
    work = WorkFactory(tags=[synonym, free])
    assert roots(work) == {
        (work.pk, synonym.pk, "freeform", canonical.pk),
        (work.pk, free.pk, "freeform", free.pk),
    }


@pytest.mark.django_db
def test_wrangling_moves_the_roots_of_existing_taggings():
    naruto = TagFactory(name="Naruto", kind=TagKind.FANDOM)
    spelling = TagFactory(name="NARUTO (TV)", kind=TagKind.FANDOM)
    older_spelling = TagFactory(name="Naruto (Anime)", kind=TagKind.FANDOM, synonym_of=spelling)
    work = WorkFactory(tags=[spelling, older_spelling])
    tags_make_synonyms(tags=[spelling], canonical=naruto)
    # The tag and its own synonym (re-pointed to the canonical) both count under it.
    assert roots(work) == {
        (work.pk, spelling.pk, "fandom", naruto.pk),
        (work.pk, older_spelling.pk, "fandom", naruto.pk),
    }
    # Set free again (the canonical deleted): each counts under itself.
    naruto.delete()
    assert roots(work) == {
        (work.pk, spelling.pk, "fandom", spelling.pk),
        (work.pk, older_spelling.pk, "fandom", older_spelling.pk),
    }


@pytest.mark.django_db
def test_a_kind_change_reaches_the_synonyms_taggings():
    canonical = TagFactory(name="Sasuke", kind=TagKind.FREEFORM, canonical=True)
    synonym = TagFactory(name="sasuke uchiha", kind=TagKind.FREEFORM, synonym_of=canonical)
    work = WorkFactory(tags=[synonym])
    Tag.objects.filter(pk=canonical.pk).update(kind=TagKind.CHARACTER)
    assert roots(work) == {(work.pk, synonym.pk, "character", canonical.pk)}


@pytest.mark.django_db
def test_merged_taggings_count_under_the_target_and_roots_cannot_be_written_wrong():
    into = TagFactory(name="Angst", canonical=True)
    stray = TagFactory(name="angst!!")
    work = WorkFactory(tags=[stray])
    tags_merge(tags=[stray], into=into)
    assert roots(work) == {(work.pk, into.pk, "freeform", into.pk)}
    TaggedWork.objects.filter(content_object=work).update(root_id=stray.pk, root_kind="fandom")
    assert roots(work) == {(work.pk, into.pk, "freeform", into.pk)}


@pytest.mark.django_db
def test_a_new_root_leaves_the_work_alone():
    canonical = TagFactory(name="Slow Burn", canonical=True)
    work = WorkFactory(tags=[canonical])

    def row_version():
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid FROM stories_work WHERE id = %s", [work.pk])
            return cursor.fetchone()[0]

    before = row_version()
    # Roots change when a tag is wrangled, for every work of a popular tag: that
    # must not recompute each work's search vector (which would rewrite its row).
    TaggedWork.objects.filter(content_object=work).update(root_id=None)
    assert row_version() == before
    # A changed tag does.
    TaggedWork.objects.filter(content_object=work).update(tag=TagFactory(name="Pining"))
    assert row_version() != before


def test_only_quires_tag_admin_is_listed(client, moderator, admin_user):
    from django.contrib import admin
    from taggit.models import Tag as TaggitTag

    assert not admin.site.is_registered(TaggitTag)
    client.force_login(admin_user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/taggit/" not in index and "/admin/stories/tag/" in index


@pytest.mark.parametrize("action", ["make_synonyms", "merge_tags"])
def test_wrangling_never_accepts_a_selected_tag_as_its_own_target(client, moderator, action):
    first = TagFactory(name="Naruto", kind=TagKind.FANDOM)
    second = TagFactory(name="NARUTO (TV)", kind=TagKind.FANDOM)
    client.force_login(moderator)
    form = act(client, action, [first, second])
    assert form.status_code == 200
    # The target is picked by autocomplete, not from a list of every tag.
    assert b"admin-autocomplete" in form.content and b"autocomplete.js" in form.content
    assert f'<option value="{first.pk}"'.encode() not in form.content
    refused = act(client, action, [first, second], apply="1", target=first.pk)
    assert refused.status_code == 200
    assert "not one of the selected tags" in refused.content.decode()
    assert not Tag.objects.filter(synonym_of__isnull=False).exists()
    assert logged(first) == logged(second) == []


def test_tag_change_form_refuses_the_tag_as_its_own_synonym_or_parent(client, moderator):
    fandom = TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    client.force_login(moderator)
    url = reverse("admin:stories_tag_change", args=[fandom.pk])
    data = {"name": "Naruto", "kind": TagKind.FANDOM, "canonical": "on", "synonym_of": fandom.pk}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    fandom.refresh_from_db()
    assert fandom.synonym_of_id is None


def test_tag_autocomplete_offers_only_possible_targets(client, moderator):
    fandom = TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    TagFactory(name="Naruto Uzumaki", kind=TagKind.CHARACTER, canonical=True)
    TagFactory(name="Naruto Uzumaki/Hinata", kind=TagKind.RELATIONSHIP)  # not canonical
    TagFactory(name="Naruto (TV)", kind=TagKind.FANDOM, synonym_of=fandom)
    client.force_login(moderator)

    def offered(field):
        url = reverse("admin:autocomplete")
        params = {"app_label": "stories", "model_name": "tag", "field_name": field, "term": "naruto"}
        return {row["text"] for row in client.get(url, params).json()["results"]}

    assert offered("parents") == {"Naruto"}
    assert offered("synonym_of") == {"Naruto", "Naruto Uzumaki"}
