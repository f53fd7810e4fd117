"""factory-boy factories: the one place tests make objects."""

from functools import cache

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from stories.models import Chapter, Series, SeriesPart, Tag, TaggedWork, TagKind, Work, WorkCreator
from stories.works.services import work_recount

PASSWORD = "a-long-test-password-42"


@cache
def _password_hash() -> str:
    # Hashing is deliberately slow; one hash serves every test user.
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.LazyFunction(_password_hash)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Tag {n}")
    kind = TagKind.FREEFORM


class WorkFactory(factory.django.DjangoModelFactory):
    """A posted work with one chapter by a new user. Pass `creators=[...]`,
    `tags=[...]` and `chapters=N` to shape it."""

    class Meta:
        model = Work
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Work {n}")
    summary = "A *short* summary."
    status = Work.Status.POSTED
    rating = "general"
    warnings = factory.LazyFunction(lambda: ["none"])
    categories = factory.LazyFunction(lambda: ["gen"])

    @factory.post_generation
    def creators(work, create, extracted, **kwargs):
        users = extracted if extracted is not None else [UserFactory()]
        for position, user in enumerate(users):
            WorkCreator.objects.create(work=work, user=user, position=position)

    @factory.post_generation
    def chapters(work, create, extracted, **kwargs):
        for position in range(1, (extracted if extracted is not None else 1) + 1):
            ChapterFactory(work=work, position=position)
        if create:
            work.refresh_from_db(fields=["word_count", "chapter_count"])

    @factory.post_generation
    def tags(work, create, extracted, **kwargs):
        for tag in extracted or []:
            TaggedWork.objects.create(content_object=work, tag=tag)

    @factory.post_generation
    def is_complete(work, create, extracted, **kwargs):
        # Complete is derived ("n/n"): `is_complete=True` means "expects the chapters it has".
        if extracted and create:
            Work.objects.filter(pk=work.pk, expected_chapters__isnull=True).update(expected_chapters=work.chapter_count)
            work_recount(work_id=work.pk)
            work.refresh_from_db(fields=["expected_chapters", "is_complete", "word_count", "chapter_count"])


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    work = factory.SubFactory(WorkFactory, chapters=0)
    position = factory.Sequence(lambda n: n + 1)
    body = factory.LazyAttribute(lambda c: f"The text of chapter {c.position}.\n\nIt has two paragraphs.")
    body_format = "markdown"


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Series {n}")

    @factory.post_generation
    def works(series, create, extracted, **kwargs):
        for position, work in enumerate(extracted or [], start=1):
            SeriesPart.objects.create(series=series, work=work, position=position)
