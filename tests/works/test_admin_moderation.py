"""The admin as moderators use it: a long work's change page lists its chapters
instead of embedding them, hiding always records a reason, every moderator action is
in the admin log, and every list page runs the same number of queries for 2 rows or 30."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.models import Chapter, Comment, Report, Series, Tag, Work, WorkLink
from tests import factories

pytestmark = pytest.mark.django_db


def logged(obj) -> list[str]:
    return list(
        LogEntry.objects.filter(object_id=str(obj.pk), action_flag=CHANGE, content_type__model=obj._meta.model_name)
        .order_by("id")
        .values_list("change_message", flat=True)
    )


def test_work_change_page_lists_chapters_with_links_not_their_bodies(client, moderator):
    work = factories.WorkFactory(chapters=30)
    Chapter.objects.filter(work=work).update(body="A secret sentence only in the body.")
    client.force_login(moderator)
    page = client.get(reverse("admin:stories_work_change", args=[work.pk])).content.decode()
    assert "A secret sentence" not in page
    for chapter in work.chapters.all():
        assert reverse("admin:stories_chapter_change", args=[chapter.pk]) in page
    assert 'name="chapters-0-body"' not in page
    assert reverse("admin:stories_chapter_add") + f"?work={work.pk}&amp;position=31" in page


def test_work_change_page_queries_do_not_grow_with_chapters(client, moderator):
    client.force_login(moderator)

    def queries(chapters: int) -> int:
        work = factories.WorkFactory(chapters=chapters)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:stories_work_change", args=[work.pk])).status_code == 200
        return len(captured)

    assert queries(30) == queries(2)


def test_hiding_from_the_list_asks_for_a_reason_then_hides_and_logs(client, moderator):
    works = factories.WorkFactory.create_batch(2)
    client.force_login(moderator)
    url = reverse("admin:stories_work_changelist")
    selection = {"action": "hide_works", "_selected_action": [w.pk for w in works]}

    form = client.post(url, selection)
    assert form.status_code == 200 and "reason" in form.content.decode()
    assert not Work.objects.filter(is_hidden=True).exists()
    blank = client.post(url, {**selection, "apply": "1", "reason": "   "})
    assert blank.status_code == 200 and "This field is required" in blank.content.decode()
    assert not Work.objects.filter(is_hidden=True).exists()

    done = client.post(url, {**selection, "apply": "1", "reason": "Copied from another site."})
    assert done.status_code == 302
    for work in works:
        work.refresh_from_db()
        assert work.is_hidden and work.hidden_reason == "Copied from another site."
        assert logged(work) == ["Hidden: Copied from another site."]

    client.post(url, {"action": "unhide_works", "_selected_action": [works[0].pk]})
    works[0].refresh_from_db()
    assert not works[0].is_hidden and works[0].hidden_reason == ""
    assert logged(works[0])[-1] == "Unhidden."


def test_the_change_form_will_not_hide_without_a_reason(client, moderator):
    from tests.works.test_admin import _change_form_data

    work = factories.WorkFactory(tags=[factories.TagFactory(name="Naruto", kind="fandom")])
    client.force_login(moderator)
    url = reverse("admin:stories_work_change", args=[work.pk])
    response = client.post(url, _change_form_data(work, is_hidden="on", hidden_reason=""))
    assert response.status_code == 200
    assert "Give the creators a reason" in response.content.decode()
    assert not Work.objects.get(pk=work.pk).is_hidden
    response = client.post(url, _change_form_data(work, is_hidden="on", hidden_reason="Spam."))
    assert response.status_code == 302
    assert Work.objects.get(pk=work.pk).hidden_reason == "Spam."
    assert logged(work)  # the admin's own change entry


def test_report_actions_are_logged(client, moderator, reader):
    work = factories.WorkFactory()
    reports = [Report.objects.create(reporter=reader, work=work, reason=f"r{n}") for n in range(2)]
    client.force_login(moderator)
    url = reverse("admin:stories_report_changelist")
    client.post(url, {"action": "mark_resolved", "_selected_action": [reports[0].pk]})
    client.post(url, {"action": "mark_dismissed", "_selected_action": [reports[1].pk]})
    assert logged(reports[0]) == ["Marked resolved."]
    assert logged(reports[1]) == ["Marked dismissed."]


def _rows(model, n: int) -> None:
    """n more rows of `model`, with the relations its list page shows."""
    for _ in range(n):
        work = factories.WorkFactory(tags=[factories.TagFactory()])
        if model is Series:
            factories.SeriesFactory(works=[work])
        elif model is WorkLink:
            WorkLink.objects.create(source=work, target=factories.WorkFactory(), kind=WorkLink.Kind.SEQUEL_OF)
        elif model is Tag:
            factories.TagFactory(synonym_of=factories.TagFactory(canonical=True))
        elif model in (Comment, Report):
            user = factories.UserFactory()
            comment = Comment.objects.create(work=work, chapter=work.chapters.first(), user=user, body="Hi")
            Report.objects.create(reporter=user, comment=comment, reason="Rude", resolved_by=user)


CHANGELISTS = [Work, Chapter, Series, WorkLink, Tag, Comment, Report]


@pytest.mark.parametrize("model", CHANGELISTS, ids=lambda m: m.__name__)
def test_admin_list_pages_run_a_constant_number_of_queries(client, admin_user, model, django_assert_max_num_queries):
    client.force_login(admin_user)
    url = reverse(f"admin:stories_{model._meta.model_name}_changelist")
    _rows(model, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _rows(model, 28)
    assert model.objects.count() >= 30
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.status_code == 200


def test_the_job_queue_list_is_visible_to_moderators(client, moderator):
    from importlib import import_module

    from django.apps import apps

    import_module("stories.migrations.0017_job_queue").moderators_see_jobs(apps, None)
    factories.WorkFactory()  # defers a fan-out job
    client.force_login(moderator)
    response = client.get(reverse("admin:procrastinate_procrastinatejob_changelist"))
    assert response.status_code == 200
    assert "notify_work_posted" in response.content.decode()
