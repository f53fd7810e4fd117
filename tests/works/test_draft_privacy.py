"""Drafts stay private: a series, tag or link that only a draft uses is invisible
to everyone else until a posted work uses it, and goes when the draft is deleted."""

import pytest
from django.test import Client
from django.urls import reverse

from stories.models import Series, Tag, Work
from tests.authoring_support.forms import edit_data, work_data

pytestmark = pytest.mark.django_db


def save_draft(client) -> Work:
    client.post(
        reverse("stories:work-post"),
        work_data(
            action="draft",
            title="Secret Draft",
            new_series="Hidden Saga",
            freeforms="Secretive Freeform Tag",
            **{"links-0-kind": "sequel_of", "links-0-title": "Public Original"},
        ),
    )
    return Work.objects.get(title="Secret Draft")


def test_a_draft_only_series_tag_and_link_are_invisible_to_others(author_client, author, stranger):
    original = author_client.post(reverse("stories:work-post"), work_data(title="Public Original"))
    assert original.status_code == 302
    draft = save_draft(author_client)
    series = Series.objects.get(title="Hidden Saga")
    tag = Tag.objects.get(name="Secretive Freeform Tag")
    others = Client()
    outsider = Client()
    outsider.force_login(stranger)
    for client in (others, outsider):
        assert client.get(series.get_absolute_url()).status_code == 404
        profile = client.get(reverse("stories:user-detail", args=["author"])).content.decode()
        assert "Hidden Saga" not in profile and "Secret Draft" not in profile
        assert client.get(reverse("stories:tag-detail", args=[tag.slug])).status_code == 404
        assert "Secretive Freeform Tag" not in client.get(reverse("stories:tag-list")).content.decode()
        original_page = client.get(Work.objects.get(title="Public Original").get_absolute_url()).content.decode()
        assert "Secret Draft" not in original_page
    assert "Secretive Freeform Tag" not in outsider.get(reverse("stories:work-post")).content.decode()
    assert client.post(reverse("stories:subscription-create", args=["series", series.pk])).status_code == 404
    # The author still sees their own series.
    assert author_client.get(series.get_absolute_url()).status_code == 200
    assert "Hidden Saga" in author_client.get(reverse("stories:user-detail", args=["author"])).content.decode()

    # Posted: now the series, the tag and the link are public.
    author_client.post(
        reverse("stories:work-edit", args=[draft.pk]),
        edit_data(
            title="Secret Draft",
            action="post",
            freeforms="Secretive Freeform Tag",
            **{"links-0-kind": "sequel_of", "links-0-title": "Public Original"},
        ),
    )
    assert Work.objects.get(pk=draft.pk).is_posted
    assert others.get(series.get_absolute_url()).status_code == 200
    assert others.get(reverse("stories:tag-detail", args=[tag.slug])).status_code == 200
    assert "Secret Draft" in others.get(Work.objects.get(title="Public Original").get_absolute_url()).content.decode()


def test_deleting_the_draft_takes_its_series_and_tag_with_it(author_client):
    draft = save_draft(author_client)
    response = author_client.post(reverse("stories:work-delete", args=[draft.pk]))
    assert response.status_code == 302
    assert not Series.objects.filter(title="Hidden Saga").exists()
    assert not Tag.objects.filter(name="Secretive Freeform Tag").exists()
    # Tags other works use stay.


def test_deleting_a_draft_keeps_series_and_tags_a_posted_work_uses(author_client):
    author_client.post(
        reverse("stories:work-post"), work_data(title="Posted", new_series="Shared Saga", freeforms="Shared Tag")
    )
    series = Series.objects.get(title="Shared Saga")
    draft = save_draft(author_client)
    author_client.post(
        reverse("stories:work-edit", args=[draft.pk]),
        edit_data(title="Secret Draft", series=str(series.pk), freeforms="Shared Tag", action="save"),
    )
    author_client.post(reverse("stories:work-delete", args=[draft.pk]))
    assert Series.objects.filter(pk=series.pk).exists()
    assert Tag.objects.filter(name="Shared Tag").exists()
