import pytest
import time_machine
from django.urls import reverse

from stories.models import ReadingPosition
from tests import factories

pytestmark = pytest.mark.django_db


def test_reading_a_chapter_records_it_and_the_work_offers_to_continue(client, reader):
    work = factories.WorkFactory(title="Long", chapters=3)
    client.force_login(reader)
    with time_machine.travel("2026-03-01 10:00Z", tick=False):
        client.get(reverse("stories:chapter-detail", args=[work.pk, 2]))
    position = ReadingPosition.objects.get(user=reader, work=work)
    assert position.chapter.position == 2
    assert position.read_at.isoformat().startswith("2026-03-01T10:00")
    history = client.get(reverse("stories:history")).content.decode()
    assert "Long" in history and "Continue reading chapter 2" in history and "1 Mar 2026" in history

    page = client.get(work.get_absolute_url()).content.decode()
    assert "Continue reading chapter 2" in page
    assert f'href="/works/{work.pk}/chapters/2/"' in page
    # Opening the work's first page does not move the bookmark back to chapter 1.
    assert ReadingPosition.objects.get(user=reader, work=work).chapter.position == 2


def test_history_is_per_reader_and_needs_login(client, reader, stranger):
    work = factories.WorkFactory(title="Only mine")
    client.force_login(reader)
    client.get(work.get_absolute_url())
    client.force_login(stranger)
    assert "Only mine" not in client.get(reverse("stories:history")).content.decode()
    client.logout()
    response = client.get(reverse("stories:history"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.get(work.get_absolute_url())
    assert ReadingPosition.objects.count() == 1


def test_hidden_works_leave_the_history(client, reader):
    work = factories.WorkFactory(title="Gone soon")
    client.force_login(reader)
    client.get(work.get_absolute_url())
    work.is_hidden = True
    work.save()
    assert "Gone soon" not in client.get(reverse("stories:history")).content.decode()


def test_no_resume_offer_on_a_work_never_read(client, reader):
    work = factories.WorkFactory(chapters=2)
    client.force_login(reader)
    assert "Continue reading" not in client.get(work.get_absolute_url()).content.decode()
