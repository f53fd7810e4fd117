import pytest
from django.urls import reverse

from stories.models import Comment, Report, Work
from tests import factories

pytestmark = pytest.mark.django_db


def test_signed_in_reader_reports_a_work(client, reader):
    work = factories.WorkFactory(title="Plagiarised")
    client.force_login(reader)
    url = reverse("stories:report-create", args=["work", work.pk])
    assert "What is wrong?" in client.get(url).content.decode()
    response = client.post(url, {"reason": "Copied from elsewhere."})
    assert response.status_code == 302 and response["Location"] == work.get_absolute_url()
    report = Report.objects.get()
    assert report.work == work and report.reporter == reader and report.status == "open"


def test_report_a_comment(client, reader, stranger):
    work = factories.WorkFactory()
    comment = Comment.objects.create(work=work, chapter=work.chapters.get(), user=stranger, body="spam")
    client.force_login(reader)
    client.post(reverse("stories:report-create", args=["comment", comment.pk]), {"reason": "Spam link"})
    assert Report.objects.get().comment == comment


def test_empty_report_is_refused_and_guests_must_log_in(client, reader):
    work = factories.WorkFactory()
    url = reverse("stories:report-create", args=["work", work.pk])
    response = client.post(url, {"reason": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(reader)
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert client.post(reverse("stories:report-create", args=["work", 99999]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("stories:report-create", args=["planet", work.pk]), {"reason": "x"}).status_code == 404
    assert not Report.objects.exists()


def test_moderator_resolves_a_report_and_hides_the_work_with_a_reason(client, moderator, reader, author):
    work = factories.WorkFactory(title="Trouble", creators=[author])
    report = Report.objects.create(reporter=reader, work=work, reason="Bad")
    client.force_login(moderator)
    changelist = client.get(reverse("admin:stories_report_changelist") + "?status__exact=open")
    assert changelist.status_code == 200 and "Trouble" in changelist.content.decode()
    change = reverse("admin:stories_report_change", args=[report.pk])
    assert client.get(change).status_code == 200
    response = client.post(change, {"status": "open", "resolution": "", "hide_work": "on", "hidden_reason": ""})
    assert response.status_code == 200 and "Give the creators a reason" in response.content.decode()
    assert not Work.objects.get(pk=work.pk).is_hidden

    client.post(
        change, {"status": "resolved", "resolution": "Hidden.", "hide_work": "on", "hidden_reason": "Breaks rule 3"}
    )
    report.refresh_from_db()
    work.refresh_from_db()
    assert report.status == "resolved" and report.resolved_by == moderator
    assert work.is_hidden and work.hidden_reason == "Breaks rule 3"

    client.force_login(author)
    assert "Breaks rule 3" in client.get(work.get_absolute_url()).content.decode()


def test_moderator_dismisses_reports_in_bulk(client, moderator, reader):
    reports = [Report.objects.create(reporter=reader, work=factories.WorkFactory(), reason="meh") for _ in range(2)]
    client.force_login(moderator)
    client.post(
        reverse("admin:stories_report_changelist"),
        {"action": "mark_dismissed", "_selected_action": [r.pk for r in reports]},
    )
    assert set(Report.objects.values_list("status", flat=True)) == {"dismissed"}


def test_readers_cannot_open_the_report_admin(client, reader):
    client.force_login(reader)
    response = client.get(reverse("admin:stories_report_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_hidden_work_is_gone_from_every_list_and_its_pages_and_downloads_404(client, reader, author, moderator):
    tag = factories.TagFactory(name="Visible tag")
    work = factories.WorkFactory(title="Vanishing", creators=[author], tags=[tag], is_hidden=True)
    factories.SeriesFactory(title="Saga", works=[work])
    client.force_login(reader)
    for url in [
        "/",
        reverse("stories:work-list"),
        tag.get_absolute_url(),
        reverse("stories:user-detail", args=["author"]),
    ]:
        assert "Vanishing" not in client.get(url).content.decode(), url
    for url in [
        work.get_absolute_url(),
        reverse("stories:chapter-detail", args=[work.pk, 1]),
        reverse("stories:work-download", args=[work.pk, "epub"]),
        reverse("stories:work-download", args=[work.pk, "txt"]),
    ]:
        assert client.get(url).status_code == 404, url
    client.force_login(moderator)
    assert client.get(work.get_absolute_url()).status_code == 200
