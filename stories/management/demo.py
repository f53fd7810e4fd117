"""Demo works for `make run`: made-up fandoms, characters and relationships, and works
whose titles, summaries and chapters are readable English from stories.management.prose
(generated, never copied), tagged and rated as AO3's posting rules require.

`DemoWorld` is pure (no database): seeded, it draws WorkDrafts. `demo_generate` saves
a whole demo archive through the services — users, works, series, sequel and
inspired-by links — and then readers' activity (stories.management.demo_activity).
"""

import datetime
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from stories.importers.base import ChapterDraft, WorkDraft
from stories.management.prose import Picker, Prose
from stories.models import Chapter, Series, SeriesPart, Work, WorkCreator, WorkLink
from stories.works.services import work_create_from_draft

TROPES = [
    "Fluff", "Angst", "Hurt/Comfort", "Slow Burn", "Alternate Universe", "Enemies to Lovers", "Friends to Lovers",
    "Found Family", "Canon Divergence", "Post-Canon", "Pre-Canon", "Humor", "Romance", "Drama",
    "Angst with a Happy Ending", "Fix-It", "Time Travel", "Coffee Shop AU", "Modern AU", "Character Study", "Pining",
    "Mutual Pining", "Misunderstandings", "Established Relationship", "First Kiss", "Getting Together", "Whump",
    "Mystery", "Adventure", "Domestic Fluff", "Tragedy", "Crack", "Missing Scene", "Epistolary", "Soulmates",
    "Magic", "Canon Compliant", "Road Trip", "Letters", "Winter", "Summer Vacation", "Baking",
]  # fmt: skip
# (rating, weight) as on a general archive: teen the most common, explicit a minority.
RATING_WEIGHTS = {"general": 26, "teen": 34, "mature": 18, "explicit": 12, "not_rated": 10}
# Archive warnings by rating: a general-audience work rarely warns for anything.
WARNING_CHOICES = {
    "general": [(["none"], 85), (["no_choice"], 15)],
    "teen": [(["none"], 62), (["no_choice"], 18), (["violence"], 15), (["death"], 5)],
    "mature": [
        (["none"], 40),
        (["no_choice"], 25),
        (["violence"], 17),
        (["death"], 8),
        (["violence", "death"], 6),
        (["noncon"], 4),
    ],  # fmt: skip
}
WARNING_CHOICES["explicit"] = WARNING_CHOICES["mature"]
WARNING_CHOICES["not_rated"] = [(["no_choice"], 60), (["none"], 30), (["violence"], 10)]
# A romantic pairing's AO3 category by the two characters' genders.
PAIR_CATEGORY = {("f", "f"): "ff", ("f", "m"): "fm", ("m", "f"): "fm", ("m", "m"): "mm"}
ORIGINAL_WORK = "Original Work"


@dataclass(frozen=True)
class Character:
    """A made-up character of one fandom."""

    name: str  # "Mara Ellison": the character tag
    gender: str  # "f", "m" or "n": decides a pairing's category

    @property
    def first(self) -> str:
        return self.name.split()[0]


@dataclass(frozen=True)
class Relationship:
    """Two characters of one fandom, romantic ("A/B") or friends ("A & B")."""

    a: Character
    b: Character
    romantic: bool  # "A/B"; otherwise "A & B", a friendship

    @property
    def name(self) -> str:
        return f"{self.a.name}{'/' if self.romantic else ' & '}{self.b.name}"

    @property
    def category(self) -> str:
        if not self.romantic:
            return "gen"
        return PAIR_CATEGORY.get((self.a.gender, self.b.gender), "other")


@dataclass
class Fandom:
    """A made-up fandom: its characters and the relationships among them, each list
    with a Zipf picker (the first ones the most written about)."""

    name: str
    characters: list[Character]
    relationships: list[Relationship]
    character_picker: Picker | None = field(default=None, repr=False)
    relationship_picker: Picker | None = field(default=None, repr=False)


class DemoWorld:
    """A seeded world of made-up fandoms; `work()` draws one work (a WorkDraft) with
    skewed tag popularity that obeys AO3's posting rules (works.rules).

    The same seed gives the same fandoms, names and works. Faker supplies the
    characters' personal names only; every other word comes from prose.Prose."""

    def __init__(self, *, seed: int = 1, fandoms: int = 12, locale: str = "en_US"):
        self.random = random.Random(seed)
        self.prose = Prose(self.random)
        self.fake = Faker(locale)
        self.fake.seed_instance(seed)
        self.today = timezone.localdate()
        self.fandoms = self._fandoms(fandoms)
        self.fandom_picker = Picker(self.fandoms, self.random, s=1.1)
        self.trope_picker = Picker(TROPES, self.random, s=0.9)

    # --- the world -----------------------------------------------------------------

    def _fandoms(self, count: int) -> list[Fandom]:
        names = [ORIGINAL_WORK] if count > 3 else []
        while len(names) < count:
            name = self.prose.fandom_name()
            if name.lower() not in {n.lower() for n in names}:
                names.append(name)
        self.random.shuffle(names)
        if ORIGINAL_WORK in names:  # a middling fandom, not the one most works are in
            names.remove(ORIGINAL_WORK)
            names.insert(len(names) // 2, ORIGINAL_WORK)
        return [self._fandom(name) for name in names]

    def _fandom(self, name: str) -> Fandom:
        characters: dict[str, Character] = {}
        for _ in range(self.random.randint(6, 12)):
            gender = self.random.choices("fmn", weights=[47, 47, 6])[0]
            first = {"f": self.fake.first_name_female, "m": self.fake.first_name_male}.get(
                gender, self.fake.first_name_nonbinary
            )()
            if first not in characters:  # one first name per fandom, so the prose is clear
                characters[first] = Character(f"{first} {self.fake.last_name()}", gender)
        cast = list(characters.values())
        relationships: dict[str, Relationship] = {}
        for _ in range(self.random.randint(3, 7)):
            a, b = self.random.sample(cast, 2)
            relationship = Relationship(a, b, romantic=self.random.random() < 0.75)
            relationships.setdefault(relationship.name, relationship)
        fandom = Fandom(name, cast, list(relationships.values()))
        fandom.character_picker = Picker(fandom.characters, self.random, s=1.2)
        fandom.relationship_picker = Picker(fandom.relationships, self.random, s=1.2)
        return fandom

    # --- one work ------------------------------------------------------------------

    def work(self, *, max_words: int = 200_000, after: WorkDraft | None = None) -> WorkDraft:
        """A new work; with `after`, a continuation of that work (same fandoms,
        relationships and characters, published after it was last updated, perhaps
        after today: see `sequence`).

        Word counts are lognormal (median about 3,500, a long tail up to
        `max_words`), chapters 1,500–5,000 words each; complete or in progress as the
        chapter counts say ("3/3", "2/5", "4/?")."""
        if after is not None:
            fandoms = list(after.fandoms)
            relationships = list(after.relationships)
            characters = list(after.characters)
            first_names = [name.split()[0] for name in characters]
            fandom = next((f for f in self.fandoms if f.name == fandoms[0]), self.fandoms[0])
            rating = after.rating if self.random.random() < 0.8 else self._rating(romantic=bool(relationships))
            categories = list(after.categories)
        else:
            fandom = self.fandom_picker.one()
            chosen = fandom.relationship_picker.distinct(self.random.choice([0, 1, 1, 1, 2]))
            cast = [person for r in chosen for person in (r.a, r.b)]
            cast += fandom.character_picker.distinct(self.random.randint(0, 3))
            fandoms = [fandom.name]
            if self.random.random() < 0.05:
                other = self.fandom_picker.one()
                if other is not fandom:
                    fandoms.append(other.name)
                    cast.append(other.character_picker.one())
            if not cast:
                cast = [fandom.character_picker.one()]
            cast = list(dict.fromkeys(cast))
            relationships = [r.name for r in chosen]
            characters = [c.name for c in cast]
            first_names = [c.first for c in cast]
            romantic = any(r.romantic for r in chosen)
            rating = self._rating(romantic=romantic)
            categories = list(dict.fromkeys(r.category for r in chosen if r.romantic)) or ["gen"]
            if len(categories) > 1 and self.random.random() < 0.5:
                categories.append("multi")
        freeforms = self.trope_picker.distinct(self.random.randint(1, 6))
        if rating == "explicit":
            freeforms.append("Sexual Content")
        if len(fandoms) > 1:
            freeforms.append("Crossover")

        total_words = self._word_count(max_words)
        chapter_count = max(1, min(40, round(total_words / self.random.randint(1500, 5000))))
        if chapter_count > 1 or self.random.random() < 0.15:
            is_complete = self.random.random() < 0.6
        else:
            is_complete = True
        expected = (
            chapter_count if is_complete else self.random.choice([None, chapter_count + self.random.randint(1, 8)])
        )
        published, updated = self._dates(chapter_count, after=after.updated_on if after else None)
        names = list(first_names)
        for spare in fandom.characters:  # the prose wants at least three people
            if len(names) >= 3:
                break
            if spare.first not in names:
                names.append(spare.first)
        chapters = [
            ChapterDraft(
                body=self.prose.text(max(20, total_words // chapter_count), names),
                body_format="text",
                title=self.prose.chapter_title(names) if chapter_count > 1 and self.random.random() < 0.6 else "",
                notes=self.prose.phrase("note", names) if self.random.random() < 0.12 else "",
                end_notes=self.prose.phrase("note", names) if self.random.random() < 0.1 else "",
            )
            for _ in range(chapter_count)
        ]
        summary = self.prose.summary(names)
        if not is_complete and self.random.random() < 0.3:
            summary += " Updates when they're ready."
        return WorkDraft(
            title=self.prose.title(names),
            summary=summary,
            notes=self.prose.phrase("note", names) if self.random.random() < 0.35 else "",
            end_notes=self.prose.phrase("note", names) if self.random.random() < 0.15 else "",
            rating=rating,
            warnings=self.warnings(rating),
            categories=categories,
            fandoms=fandoms,
            characters=characters,
            relationships=relationships,
            freeforms=freeforms,
            language="en",
            published_on=published,
            updated_on=updated,
            is_complete=is_complete,
            expected_chapters=expected,
            chapters=chapters,
        )

    def _rating(self, *, romantic: bool) -> str:
        rating = self.random.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()))[0]
        # An explicit work with no pairing is rare; such a draw becomes mature.
        return "mature" if rating == "explicit" and not romantic else rating

    def warnings(self, rating: str = "teen") -> list[str]:
        """Archive warnings fitting `rating` that obey AO3's rule: "No Archive Warnings
        Apply" (none) stands alone; "Creator Chose Not To Use" may join specific ones."""
        choices = WARNING_CHOICES.get(rating, WARNING_CHOICES["teen"])
        return list(self.random.choices([c for c, _ in choices], weights=[w for _, w in choices])[0])

    def _word_count(self, max_words: int) -> int:
        words = int(math.exp(self.random.gauss(math.log(3500), 1.0)))
        return max(min(100, max_words), min(words, max_words))

    def _dates(self, chapters: int, *, after: datetime.date | None) -> tuple[datetime.date, datetime.date]:
        """Published and last updated: the last update spread over twelve years, more
        of them recent (archives grow), one chapter every few days to weeks before
        it; a continuation starts up to a year after the work it follows, which may
        run past today (`sequence` moves the whole run back)."""
        span = datetime.timedelta(days=sum(self.random.randint(4, 60) for _ in range(chapters - 1)))
        if after is None:
            updated = self.today - datetime.timedelta(days=int(365 * 12 * self.random.random() ** 1.6))
            return updated - span, updated
        published = after + datetime.timedelta(days=self.random.randint(1, 300))
        return published, published + span

    def sequence(self, count: int, *, max_words: int = 200_000) -> list[WorkDraft]:
        """`count` works, each a continuation of the one before (a series, or a work
        and its sequel), all of them published by today."""
        drafts = [self.work(max_words=max_words)]
        while len(drafts) < count:
            drafts.append(self.work(max_words=max_words, after=drafts[-1]))
        overrun = (drafts[-1].updated_on - self.today).days
        if overrun > 0:
            back = datetime.timedelta(days=overrun + self.random.randint(0, 400))
            for draft in drafts:
                draft.published_on -= back
                draft.updated_on -= back
        return drafts

    def chapter_dates(self, draft: WorkDraft) -> list[datetime.date]:
        """When each chapter was posted: evenly from publication to the last update."""
        count = len(draft.chapters)
        first, last = draft.published_on or self.today, draft.updated_on or self.today
        if count == 1:
            return [first]
        return [first + (last - first) * i // (count - 1) for i in range(count)]

    def username(self) -> str:
        """A readable, neutral username never given before by this world."""
        return self.prose.handle()


# --- the demo archive -----------------------------------------------------------------


@dataclass
class DemoPlanItem:
    """One work to save: its draft, its creators (indexes into the authors), and its
    place in a series or after another work."""

    draft: WorkDraft
    authors: list[int]
    series: int | None = None  # index into the series titles
    position: int | None = None
    sequel_of: int | None = None  # index of an earlier item


@dataclass
class DemoArchive:
    """What demo_generate made: the authors, the readers and the works, in order."""

    authors: list = field(default_factory=list)
    readers: list = field(default_factory=list)
    works: list[Work] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    world: DemoWorld | None = None


def demo_users(*, usernames: list[str]) -> list:
    """Users with the given names (created with unusable passwords, one INSERT), in order."""
    User = get_user_model()
    existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = [User(username=name, password=make_password(None)) for name in usernames if name not in existing]
    User.objects.bulk_create(missing)
    existing |= {u.username: u for u in User.objects.filter(username__in=[u.username for u in missing])}
    return [existing[name] for name in usernames]


def demo_plan(
    world: DemoWorld, *, works: int, authors: int, max_words: int
) -> tuple[list[DemoPlanItem], list[tuple[str, str]]]:
    """Which works to write and by whom: prolific authors write more (Zipf); about one
    work in eight starts a series of two to five parts by the same author, often each
    a sequel of the one before; a few more works are stand-alone sequels. Returns
    the items and the series as (title, description)."""
    rng = world.random
    author_picker = Picker(list(range(authors)), rng, s=0.9)
    items: list[DemoPlanItem] = []
    series: list[tuple[str, str]] = []
    while len(items) < works:
        author = author_picker.one()
        creators = [author]
        if authors > 1 and rng.random() < 0.05:
            creators.append(rng.choice([a for a in range(authors) if a != author]))
        left = works - len(items)
        roll = rng.random()
        if left >= 2 and roll < 0.12:
            drafts = world.sequence(min(left, rng.randint(2, 5)), max_words=max_words)
            names = [n.split()[0] for n in drafts[0].characters] or ["Sam"]
            series.append((world.prose.title(names), world.prose.phrase("series_description", names * 2)))
            sequels = rng.random() < 0.6
        elif left >= 2 and roll < 0.16:
            drafts, sequels = world.sequence(2, max_words=max_words), True
        else:
            drafts, sequels = [world.work(max_words=max_words)], False
        in_series = len(series) - 1 if len(drafts) > 1 and roll < 0.12 else None
        start = len(items)
        for position, draft in enumerate(drafts, start=1):
            items.append(
                DemoPlanItem(
                    draft,
                    creators,
                    series=in_series,
                    position=position if in_series is not None else None,
                    sequel_of=start + position - 2 if sequels and position > 1 else None,
                )
            )
    return items, series


@transaction.atomic
def demo_generate(
    *,
    works: int,
    authors: int = 40,
    readers: int | None = None,
    seed: int = 1,
    max_words: int = 200_000,
    progress: Callable[[str], None] = lambda message: None,
) -> DemoArchive:
    """Fill the archive with a demo: `authors` and `readers` (default: as many as works,
    at least 30) with generated usernames, `works` works saved through the posting
    services (so the posting rules hold), series with parts 1..n, sequel and
    inspired-by links, then readers' kudos, hits, comments, bookmarks and
    subscriptions in skewed amounts. One transaction: all of it or nothing.
    `progress` is told how far it got, now and then."""
    from stories.management.demo_activity import demo_activity

    world = DemoWorld(seed=seed)
    readers = max(30, works) if readers is None else readers
    authors = max(1, authors)
    archive = DemoArchive(world=world)
    archive.authors = demo_users(usernames=[world.username() for _ in range(authors)])
    archive.readers = demo_users(usernames=[world.username() for _ in range(readers)])
    items, series_meta = demo_plan(world, works=works, authors=authors, max_words=max_words)
    chapter_dates: list[Chapter] = []
    for i, item in enumerate(items):
        work = work_create_from_draft(draft=item.draft, creators=[archive.authors[a] for a in item.authors])
        archive.works.append(work)
        if len(item.draft.chapters) > 1:
            dates = world.chapter_dates(item.draft)
            for chapter in work.chapters.only("id", "position"):
                chapter.published_on = dates[chapter.position - 1]
                chapter_dates.append(chapter)
        if (i + 1) % 50 == 0:
            progress(f"{i + 1} works")
    Chapter.objects.bulk_update(chapter_dates, ["published_on"], batch_size=500)

    for title, description in series_meta:
        one = Series(title=title, description=description)
        one.save()
        archive.series.append(one)
    parts, links = [], []
    for i, item in enumerate(items):
        if item.series is not None:
            parts.append(SeriesPart(series=archive.series[item.series], work=archive.works[i], position=item.position))
        if item.sequel_of is not None:
            links.append(
                WorkLink(source=archive.works[i], kind=WorkLink.Kind.SEQUEL_OF, target=archive.works[item.sequel_of])
            )
    SeriesPart.objects.bulk_create(parts)
    for item in items:
        if item.series is not None and item.position == 1:
            archive.series[item.series].creators.set([archive.authors[a] for a in item.authors])
    complete = {s.pk for s in archive.series} - {p.series_id for p in parts if not p.work.is_complete}
    Series.objects.filter(pk__in=complete).update(is_complete=True)
    WorkLink.objects.bulk_create(links)
    progress(f"{len(archive.works)} works, {len(archive.series)} series, {len(links)} sequels")
    demo_activity(archive=archive, rng=world.random, prose=world.prose, progress=progress)
    demo_inspirations(archive=archive, rng=world.random)
    return archive


def demo_inspirations(*, archive: DemoArchive, rng: random.Random) -> list[WorkLink]:
    """About one work in twenty-five was inspired by another author's work, the
    works with more kudos more often. Returns the links made."""
    if len(archive.works) < 2:
        return []
    by_kudos = sorted(archive.works, key=lambda w: (-w.kudos_count, w.pk))
    inspiring = Picker(by_kudos, rng, s=0.8)
    creators: dict[int, set[int]] = {}
    for work_id, user_id in WorkCreator.objects.filter(work__in=archive.works).values_list("work_id", "user_id"):
        creators.setdefault(work_id, set()).add(user_id)
    links = []
    for work in rng.sample(archive.works, len(archive.works) // 25):
        target = inspiring.one()
        if not creators.get(target.pk, set()) & creators.get(work.pk, set()):
            links.append(WorkLink(source=work, kind=WorkLink.Kind.INSPIRED_BY, target=target))
    return WorkLink.objects.bulk_create(links)
