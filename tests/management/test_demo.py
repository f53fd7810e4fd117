"""The demo archive (stories.management.demo and demo_activity): readable, obeying the
posting rules, with readers' activity in skewed amounts, and the seed stories under a
generated name."""

import re
import statistics

import pytest
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from stories.management.demo import DemoWorld, demo_generate
from stories.models import Bookmark, Chapter, Comment, Kudos, Series, SeriesPart, Subscription, Work, WorkLink
from stories.works import rules

pytestmark = pytest.mark.django_db

HANDLE = re.compile(r"[a-z]+[_-]?[a-z]+\d*")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo of 60 short works for the whole module (generating it takes seconds),
    in a transaction rolled back at the end, as Django's setUpTestData does: each
    test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_generate(works=60, authors=12, readers=80, seed=5, max_words=1500)
        transaction.set_rollback(True)


def test_every_demo_work_obeys_the_posting_rules(demo):
    works = Work.objects.prefetch_related("chapters", "tagged_items__tag")
    assert works.count() == 60
    for work in works:
        tags = {field: [] for field in rules.TAG_FIELD_LABELS}
        for item in work.tagged_items.all():
            tags[
                {
                    "fandom": "fandoms",
                    "character": "characters",
                    "relationship": "relationships",
                    "freeform": "freeforms",
                }[item.tag.kind]
            ].append(item.tag.name)
        chapters = list(work.chapters.all())
        problems = rules.work_problems(
            title=work.title,
            rating=work.rating,
            warnings=work.warnings,
            tags_by_field=tags,
            texts={"summary": work.summary, "notes": work.notes, "end_notes": work.end_notes},
            chapter_bodies=[c.body for c in chapters],
            expected_chapters=work.expected_chapters,
        )
        assert problems == [], (work.title, problems)
        # Complete exactly when the chapters reach the expected count ("3/3", not "2/5" or "4/?").
        assert work.is_complete == rules.is_complete(chapters=len(chapters), expected=work.expected_chapters)
        assert work.chapter_count == len(chapters)
        # Characters of a relationship are tagged as characters too, from the same fandom.
        for relationship in tags["relationships"]:
            for person in re.split(r"/| & ", relationship):
                assert person in tags["characters"], (work.title, relationship)


def test_titles_and_summaries_read_as_english(demo):
    for title, summary in Work.objects.values_list("title", "summary"):
        assert title[0].isupper() and title.split()[-1].lower() not in {"the", "of", "a", "and", "not", "to"}
        assert summary[0].isupper() and summary.rstrip()[-1] in ".!?"
    body = Chapter.objects.order_by("pk").first().body
    assert body.count(". ") > 3 and '"' in Chapter.objects.filter(body__contains='"').first().body


def test_kudos_hits_comments_and_bookmarks_are_skewed_and_mostly_nonzero(demo):
    for field in ("kudos_count", "hit_count", "comment_count", "bookmark_count"):
        counts = sorted(Work.objects.values_list(field, flat=True))
        median, top = statistics.median(counts), counts[-1]
        assert top >= 4 * max(median, 1), (field, top, median)
        assert len(set(counts)) > 10, field  # sorting by it shows a real order
    kudos = list(Work.objects.values_list("kudos_count", flat=True))
    assert sum(k > 0 for k in kudos) >= 0.8 * len(kudos)
    assert all(hits >= kudos for hits, kudos in Work.objects.values_list("hit_count", "kudos_count"))


def test_stored_counters_agree_with_the_rows(demo):
    works = Work.objects.annotate(
        kudos_rows=Count("kudos", distinct=True),
        comment_rows=Count("comments", distinct=True),
        public_bookmarks=Count("bookmarks", filter=Q(bookmarks__is_private=False), distinct=True),
    )
    for work in works:
        assert (work.kudos_count, work.comment_count, work.bookmark_count) == (
            work.kudos_rows,
            work.comment_rows,
            work.public_bookmarks,
        )
    # Nobody leaves kudos on, or bookmarks, their own work.
    assert not Kudos.objects.filter(user__creator_links__work=F("work")).exists()
    assert not Bookmark.objects.filter(user__creator_links__work=F("work")).exists()


def test_comments_have_replies_and_dates_after_their_chapter(demo):
    replies = Comment.objects.filter(parent__isnull=False)
    assert replies.exists() and Comment.objects.filter(parent__isnull=True).count() > replies.count()
    # Authors answer comments on their own works.
    assert replies.filter(user__creator_links__work=F("work")).exists()
    assert Comment.objects.filter(user__isnull=True).exclude(guest_name="").exists()
    now = timezone.now()
    for comment in Comment.objects.select_related("chapter", "parent"):
        assert comment.chapter.published_on <= comment.created_at.date() and comment.created_at <= now
        if comment.parent:
            assert comment.created_at >= comment.parent.created_at


def test_bookmarks_have_notes_tags_and_some_are_private(demo):
    assert Bookmark.objects.exclude(note="").exists()
    assert Bookmark.objects.exclude(tags=[]).exists()
    assert Bookmark.objects.filter(is_private=True).exists()
    assert Subscription.objects.filter(work__isnull=False).exists()
    assert Subscription.objects.filter(creator__isnull=False).exists()


def test_series_are_numbered_from_one_and_sequels_are_linked(demo):
    assert Series.objects.exists()
    for series in Series.objects.prefetch_related("parts__work__creators", "creators"):
        parts = list(series.parts.order_by("position"))
        assert [p.position for p in parts] == list(range(1, len(parts) + 1)) and len(parts) >= 2
        # One author's series, in publication order.
        assert {u.pk for u in series.creators.all()} == {u.pk for u in parts[0].work.creators.all()}
        assert [p.work.published_on for p in parts] == sorted(p.work.published_on for p in parts)
    sequels = WorkLink.objects.filter(kind=WorkLink.Kind.SEQUEL_OF)
    assert sequels.exists()
    for link in sequels.select_related("source", "target"):
        assert link.target.published_on <= link.source.published_on
    assert SeriesPart.objects.count() >= 4


def test_dates_spread_over_years_and_users_have_generated_names(demo):
    years = {d.year for d in Work.objects.values_list("published_on", flat=True)}
    assert len(years) >= 4
    assert all(HANDLE.fullmatch(u.username) for u in demo.authors + demo.readers)


def test_sorting_the_index_by_kudos_shows_the_most_liked_work_first(demo, client):
    top = Work.objects.order_by("-kudos_count", "-id").first()

    response = client.get(reverse("stories:work-list"), {"sort": "kudos"})

    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(top.get_absolute_url()) < min(
        body.index(w.get_absolute_url()) for w in Work.objects.exclude(pk=top.pk).order_by("-kudos_count")[:5]
    )


def test_demo_world_drafts_obey_the_rules_and_pair_characters_of_one_fandom():
    world = DemoWorld(seed=13)
    people = {c.name: f.name for f in world.fandoms for c in f.characters}
    for _ in range(200):
        draft = world.work(max_words=500)
        for relationship in draft.relationships:
            fandoms = {people[p] for p in re.split(r"/| & ", relationship)}
            assert len(fandoms) == 1 and fandoms <= set(draft.fandoms)
        if "gen" in draft.categories:
            assert not [r for r in draft.relationships if "/" in r]


def test_a_sequence_is_published_in_order_and_never_after_today():
    world = DemoWorld(seed=21)
    for _ in range(30):
        drafts = world.sequence(5, max_words=800)
        dates = [(d.published_on, d.updated_on) for d in drafts]
        assert all(published <= updated <= world.today for published, updated in dates)
        assert all(dates[i][1] < dates[i + 1][0] for i in range(4))
        assert len({tuple(d.characters) for d in drafts}) == 1 and len({tuple(d.fandoms) for d in drafts}) == 1
