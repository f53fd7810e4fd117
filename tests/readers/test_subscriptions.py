import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from stories.importers.base import ChapterDraft
from stories.models import Chapter, InboxItem, OutgoingEmail, Subscription, Work
from stories.readers.notifications import outgoing_email_message_id, outgoing_email_send
from stories.readers.unsubscribe import unsubscribe_url
from stories.works.services import work_create
from tests import factories
from tests.helpers import jobs_run_pending

pytestmark = pytest.mark.django_db(transaction=True)


def post_draft(work) -> None:
    """Post a draft as editing it does: status set to posted and saved (signals fire)."""
    work = Work.objects.get(pk=work.pk)
    work.status = Work.Status.POSTED
    work.save()


def add_chapter(work, position):
    return Chapter.objects.create(work=work, position=position, body=f"Chapter {position} text.")


def test_new_chapter_reaches_work_subscribers_inbox_and_email_queue(client, reader, author):
    work = factories.WorkFactory(creators=[author], title="Serial")
    jobs_run_pending()  # its own announcement, before anyone subscribed
    client.force_login(reader)
    client.post(reverse("stories:subscription-create", args=["work", work.pk]))
    assert Subscription.objects.filter(user=reader, work=work).exists()

    add_chapter(work, 2)
    assert not InboxItem.objects.exists()  # the fan-out is a job, not part of the post
    jobs_run_pending()

    item = InboxItem.objects.get(user=reader)
    assert item.message == "New chapter of Serial: Chapter 2"
    assert item.url == f"/works/{work.pk}/chapters/2/"
    email = OutgoingEmail.objects.get()
    assert email.to == reader.email and email.sent_at is not None  # sent by the job the fan-out deferred
    jobs_run_pending()  # running the jobs again tells no one twice
    assert InboxItem.objects.filter(user=reader).count() == OutgoingEmail.objects.count() == 1
    assert not InboxItem.objects.filter(user=author).exists()


def test_queued_email_is_sent_by_a_job_not_the_request(client, reader, author, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    work = factories.WorkFactory(creators=[author], title="Serial")
    jobs_run_pending()
    Subscription.objects.create(user=reader, work=work)
    add_chapter(work, 2)
    assert len(mailoutbox) == 0
    jobs_run_pending()  # the fan-out job, then the send job it asks for

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [reader.email]
    assert f"/works/{work.pk}/chapters/2/" in mailoutbox[0].body
    assert "/unsubscribe/" in mailoutbox[0].body
    email = OutgoingEmail.objects.get()
    assert email.sent_at is not None
    assert mailoutbox[0].extra_headers["Message-ID"] == outgoing_email_message_id(email)
    call_command("send_queued_email")
    jobs_run_pending()
    assert len(mailoutbox) == 1


class _RefusingBackend:
    """An email backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_failed_email_waits_with_back_off_then_is_sent(reader, author, mailoutbox, settings):
    work = factories.WorkFactory(creators=[author])
    jobs_run_pending()
    Subscription.objects.create(user=reader, work=work)
    settings.EMAIL_BACKEND = "tests.readers.test_subscriptions._RefusingBackend"
    add_chapter(work, 2)
    jobs_run_pending_expecting_failure()
    email = OutgoingEmail.objects.get()
    assert email.sent_at is None and email.attempts == 1 and "mail server down" in email.last_error
    assert email.next_attempt_at > timezone.now() + datetime.timedelta(seconds=90)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outgoing_email_send() == (0, 0)  # not due yet
    with time_machine.travel(email.next_attempt_at + datetime.timedelta(seconds=1)):
        assert outgoing_email_send() == (1, 0)
    assert len(mailoutbox) == 1 and OutgoingEmail.objects.get().attempts == 2


def jobs_run_pending_expecting_failure():
    with pytest.raises(RuntimeError, match="could not be sent"):
        jobs_run_pending()


def test_author_subscription_hears_of_new_works_once(reader, author):
    Subscription.objects.create(user=reader, creator=author)
    work_create(
        creators=[author],
        title="Brand new",
        chapters=[ChapterDraft(body="one"), ChapterDraft(body="two")],
        warnings=["none"],
        tags_by_kind={"fandoms": ["Naruto"]},
    )
    jobs_run_pending()
    messages = list(InboxItem.objects.filter(user=reader).values_list("message", flat=True))
    assert messages == ["New work by author: Brand new"]


def test_draft_becoming_posted_notifies_and_draft_chapters_do_not(reader, author):
    Subscription.objects.create(user=reader, creator=author)
    work = factories.WorkFactory(creators=[author], status=Work.Status.DRAFT, title="Drafty")
    add_chapter(work, 2)
    jobs_run_pending()
    assert not InboxItem.objects.exists()
    post_draft(work)
    jobs_run_pending()
    assert list(InboxItem.objects.values_list("message", flat=True)) == ["New work by author: Drafty"]


def test_series_and_tag_subscriptions(reader, author):
    tag = factories.TagFactory(name="Slow Burn", canonical=True)
    synonym = factories.TagFactory(name="slowburn", synonym_of=tag)
    first = factories.WorkFactory(creators=[author])
    series = factories.SeriesFactory(works=[first])
    jobs_run_pending()
    Subscription.objects.create(user=reader, series=series)
    Subscription.objects.create(user=reader, tag=tag)
    add_chapter(first, 2)
    work = factories.WorkFactory(creators=[author], title="Tagged", status=Work.Status.DRAFT, tags=[synonym])
    work = Work.objects.get(pk=work.pk)
    work.status = Work.Status.POSTED
    work.save()
    jobs_run_pending()
    messages = sorted(InboxItem.objects.filter(user=reader).values_list("message", flat=True))
    assert messages == [f"New chapter of {first.title}: Chapter 2", "New work by author: Tagged"]


def test_unsubscribe_in_one_click(client, reader):
    work = factories.WorkFactory()
    client.force_login(reader)
    client.post(reverse("stories:subscription-create", args=["work", work.pk]))
    subscription = Subscription.objects.get()
    client.post(reverse("stories:subscription-delete", args=[subscription.pk]))
    assert not Subscription.objects.exists()


def test_email_unsubscribe_link_needs_no_login_and_cannot_be_forged(client, reader):
    work = factories.WorkFactory()
    Subscription.objects.create(user=reader, work=work)
    url = unsubscribe_url(reader)
    assert client.get(url).status_code == 200
    assert Subscription.objects.exists()
    client.post(url)
    assert not Subscription.objects.exists()
    assert client.get(url[:-3] + "xyz/").status_code == 404


def test_others_cannot_end_my_subscription_and_guests_cannot_subscribe(client, reader, stranger):
    work = factories.WorkFactory()
    subscription = Subscription.objects.create(user=reader, work=work)
    client.force_login(stranger)
    assert client.post(reverse("stories:subscription-delete", args=[subscription.pk])).status_code == 404
    client.logout()
    response = client.post(reverse("stories:subscription-create", args=["work", work.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Subscription.objects.count() == 1


def test_subscribe_to_unknown_things_is_404(client, reader):
    client.force_login(reader)
    for kind, key in [("work", "999999"), ("work", "abc"), ("user", "nobody"), ("tag", "no-tag"), ("planet", "x")]:
        assert client.post(reverse("stories:subscription-create", args=[kind, key])).status_code == 404
    hidden = factories.WorkFactory(is_hidden=True)
    assert client.post(reverse("stories:subscription-create", args=["work", hidden.pk])).status_code == 404
    assert not Subscription.objects.exists()


def test_inbox_shows_unread_count_and_marks_read(client, reader):
    InboxItem.objects.create(user=reader, message="Something new", url="/works/")
    client.force_login(reader)
    page = client.get(reverse("stories:inbox")).content.decode()
    assert "Something new" in page
    assert '<span class="badge">1<span class="visually-hidden"> unread</span>' in page
    item = InboxItem.objects.get()
    response = client.get(reverse("stories:inbox-open", args=[item.pk]))
    assert response["Location"] == "/works/"
    item.refresh_from_db()
    assert item.read_at is not None
    assert 'visually-hidden"> unread' not in client.get("/").content.decode()


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:x"])
def test_inbox_entries_never_redirect_off_site(client, reader, url):
    item = InboxItem.objects.create(user=reader, message="odd", url=url)
    client.force_login(reader)
    assert client.get(reverse("stories:inbox-open", args=[item.pk]))["Location"] == reverse("stories:inbox")


def test_inbox_is_private(client, reader, stranger):
    item = InboxItem.objects.create(user=reader, message="Mine", url="/")
    client.force_login(stranger)
    assert client.get(reverse("stories:inbox-open", args=[item.pk])).status_code == 404
    assert "Mine" not in client.get(reverse("stories:inbox")).content.decode()
    client.logout()
    assert client.get(reverse("stories:inbox")).status_code == 302


def test_posted_work_added_to_a_series_is_a_new_part_for_its_subscribers(reader, author):
    series = factories.SeriesFactory(title="Arc")
    Subscription.objects.create(user=reader, series=series)
    work = factories.WorkFactory(creators=[author], title="Part two")
    jobs_run_pending()
    from stories.works.services import series_add_work

    series_add_work(series=series, work=work)
    jobs_run_pending()
    assert list(InboxItem.objects.filter(user=reader).values_list("message", flat=True)) == [
        "New part in Arc: Part two"
    ]


def test_draft_part_is_announced_once_when_posted(reader, author):
    series = factories.SeriesFactory(title="Arc")
    Subscription.objects.create(user=reader, series=series)
    draft = factories.WorkFactory(creators=[author], title="Later", status=Work.Status.DRAFT)
    from stories.works.services import series_add_work

    series_add_work(series=series, work=draft)
    jobs_run_pending()
    assert not InboxItem.objects.exists()
    post_draft(draft)
    jobs_run_pending()
    assert list(InboxItem.objects.values_list("message", flat=True)) == ["New work by author: Later"]


def test_a_fan_out_run_again_after_a_kill_tells_no_one_twice(reader, stranger, author):
    # A worker killed after the fan-out committed (before the job was marked done) runs it again.
    from stories.readers.tasks import notify_work_posted

    Subscription.objects.bulk_create([Subscription(user=user, creator=author) for user in (reader, stranger)])
    work = factories.WorkFactory(creators=[author], title="Twice")
    assert notify_work_posted(work_id=work.pk) == 2
    notify_work_posted(work_id=work.pk)
    assert InboxItem.objects.count() == OutgoingEmail.objects.count() == 2


def test_asking_twice_for_a_send_keeps_the_callers_transaction_usable(reader):
    # The second request is refused (one waiting send job is enough) inside the caller's
    # transaction; the caller must still be able to write afterwards.
    from django.db import connection, transaction

    from stories.readers.tasks import emails_send_soon

    with transaction.atomic():
        emails_send_soon()
        emails_send_soon()
        InboxItem.objects.create(user=reader, message="still writable", url="/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs WHERE task_name LIKE %s", ["%.emails_send"])
        assert cursor.fetchone()[0] == 1
    assert InboxItem.objects.filter(message="still writable").exists()
