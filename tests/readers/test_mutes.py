import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import ReaderPreference, ReadingPosition, TagKind
from tests import factories

pytestmark = pytest.mark.django_db


def titles(response) -> str:
    return response.content.decode()


@pytest.fixture
def prefs(reader):
    return ReaderPreference.objects.create(user=reader)


def test_muted_tag_hides_works_with_the_tag_or_its_synonyms_and_counts_follow(client, reader, prefs):
    canonical = factories.TagFactory(name="Major Angst", canonical=True)
    synonym = factories.TagFactory(name="angst!!", synonym_of=canonical)
    factories.WorkFactory(title="Sad one", tags=[canonical])
    factories.WorkFactory(title="Sad two", tags=[synonym])
    factories.WorkFactory(title="Happy")
    prefs.muted_tags.add(synonym)
    client.force_login(reader)
    page = titles(client.get(reverse("stories:work-list")))
    assert "Happy" in page and "Sad one" not in page and "Sad two" not in page
    assert "1–1 of 1 work</h2>" in page
    other = factories.TagFactory(name="Fluff", kind=TagKind.FREEFORM)
    factories.WorkFactory(title="Sad and fluffy", tags=[canonical, other])
    assert "Sad and fluffy" not in titles(client.get(other.get_absolute_url()))


def test_muted_creator_hides_their_works_everywhere(client, reader, prefs):
    loud = factories.UserFactory(username="loud")
    factories.WorkFactory(title="Loud work", creators=[loud])
    factories.WorkFactory(title="Quiet work")
    prefs.muted_creators.add(loud)
    client.force_login(reader)
    assert "Loud work" not in titles(client.get(reverse("stories:work-list")))
    assert "Loud work" not in titles(client.get("/"))
    assert "Quiet work" in titles(client.get("/"))


def test_hide_a_single_work(client, reader):
    work = factories.WorkFactory(title="Not for me")
    client.force_login(reader)
    client.post(reverse("stories:work-hide-toggle", args=[work.pk]), {"hide": "1"}, follow=True)
    assert "Not for me" not in titles(client.get(reverse("stories:work-list")))
    client.post(reverse("stories:work-hide-toggle", args=[work.pk]), {"hide": "0"}, follow=True)
    assert "Not for me" in titles(client.get(reverse("stories:work-list")))


def test_hide_read_works_too_many_tags_and_stale_wips(client, reader, prefs):
    read = factories.WorkFactory(title="Already read")
    ReadingPosition.objects.create(user=reader, work=read, read_at=timezone.now())
    factories.WorkFactory(title="Tag soup", tags=factories.TagFactory.create_batch(4))
    factories.WorkFactory(title="Few tags", tags=factories.TagFactory.create_batch(2), is_complete=True)
    factories.WorkFactory(
        title="Abandoned", is_complete=False, updated_at=timezone.now() - datetime.timedelta(days=400)
    )
    client.force_login(reader)
    before = titles(client.get(reverse("stories:work-list")))
    assert all(t in before for t in ["Already read", "Tag soup", "Few tags", "Abandoned"])
    prefs.hide_read_works = True
    prefs.max_tags = 3
    prefs.stale_wip_months = 6
    prefs.save()
    after = titles(client.get(reverse("stories:work-list")))
    assert "Few tags" in after
    assert all(t not in after for t in ["Already read", "Tag soup", "Abandoned"])


def test_preferences_form_saves_mutes_and_rejects_unknown_names(client, reader):
    factories.TagFactory(name="Crossover")
    factories.UserFactory(username="someone")
    client.force_login(reader)
    url = reverse("stories:preferences")
    assert client.get(url).status_code == 200
    response = client.post(url, {"muted_tags": "Crossover, No Such Tag", "show_content_notices": "on"})
    assert "No tag named: No Such Tag" in response.content.decode()
    assert not ReaderPreference.objects.filter(user=reader, muted_tags__isnull=False).exists()
    client.post(
        url,
        {"muted_tags": "crossover", "muted_creators": "someone", "max_tags": "10"},
    )
    preference = ReaderPreference.objects.get(user=reader)
    assert [t.name for t in preference.muted_tags.all()] == ["Crossover"]
    assert [u.username for u in preference.muted_creators.all()] == ["someone"]
    assert preference.max_tags == 10
    assert preference.show_content_notices is False


def test_default_filter_applies_to_the_bare_index(client, reader, prefs):
    prefs.default_filter = "sort=title"
    prefs.save()
    client.force_login(reader)
    response = client.get(reverse("stories:work-list"))
    assert response.status_code == 302 and response["Location"] == "/works/?sort=title"
    assert client.get("/works/?all=1").status_code == 200


def test_mute_buttons_for_tags_and_authors(client, reader):
    tag = factories.TagFactory(name="Zombies")
    factories.WorkFactory(title="Undead", tags=[tag])
    client.force_login(reader)
    client.post(reverse("stories:mute-toggle", args=["tag", tag.slug]), {"mute": "1"}, follow=True)
    assert "Undead" not in titles(client.get(reverse("stories:work-list")))
    client.post(reverse("stories:mute-toggle", args=["tag", tag.slug]), {"mute": "0"}, follow=True)
    assert "Undead" in titles(client.get(reverse("stories:work-list")))
    assert client.post(reverse("stories:mute-toggle", args=["tag", "nope"]), {"mute": "1"}).status_code == 404


def test_guests_see_everything_listed(client):
    factories.WorkFactory(title="Anyone")
    assert "Anyone" in titles(client.get(reverse("stories:work-list")))
    assert client.get(reverse("stories:preferences")).status_code == 302
