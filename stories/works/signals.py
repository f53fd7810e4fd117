"""Keep a work's stored counts right whatever path changed its chapters (forms,
admin, imports, shell)."""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save, pre_delete
from django.dispatch import receiver

from stories.models import Chapter, SeriesPart, Work
from stories.readers.notifications import (
    subscriptions_notify_chapter,
    subscriptions_notify_part,
    subscriptions_notify_work,
)
from stories.readers.services import bookmarks_keep_for_deleted_work
from stories.works.services import work_recount


@receiver(pre_delete, sender=Work)
def _keep_bookmarks(sender, instance: Work, **kwargs) -> None:
    # Whatever path deletes a work (the author, the admin, a deleted account), its
    # readers' bookmarks stay as "This work has been deleted" with their notes.
    bookmarks_keep_for_deleted_work(work=instance)


@receiver(post_save, sender=Chapter)
@receiver(post_delete, sender=Chapter)
def _chapter_changed(sender, instance: Chapter, **kwargs) -> None:
    work_recount(work_id=instance.work_id)


# Subscriptions: a new chapter, or a work that becomes posted, notifies subscribers
# after the transaction commits, whichever path (form, admin, import) wrote it. The
# chapters of a work posted in the same transaction are covered by the work's notice.
# Per thread, because transactions (and their on_commit hooks) are per connection.
_local = threading.local()


def _posted_in_transaction() -> set[int]:
    if not hasattr(_local, "posted"):
        _local.posted = set()
    return _local.posted


@receiver(post_init, sender=Work)
def _remember_status(sender, instance: Work, **kwargs) -> None:
    instance._loaded_status = instance.status if instance.pk else None


@receiver(post_save, sender=Work)
def _work_posted(sender, instance: Work, created: bool, **kwargs) -> None:
    became_posted = instance.status == Work.Status.POSTED and (
        created or getattr(instance, "_loaded_status", None) != Work.Status.POSTED
    )
    instance._loaded_status = instance.status
    if not became_posted or kwargs.get("raw"):
        return
    work_id = instance.pk
    _posted_in_transaction().add(work_id)

    def notify() -> None:
        _posted_in_transaction().discard(work_id)
        work = Work.objects.filter(pk=work_id).first()
        if work is not None:
            subscriptions_notify_work(work=work)

    transaction.on_commit(notify)


@receiver(post_save, sender=Chapter)
def _chapter_added(sender, instance: Chapter, created: bool, **kwargs) -> None:
    if not created or kwargs.get("raw") or instance.work_id in _posted_in_transaction():
        return
    chapter_id = instance.pk

    def notify() -> None:
        chapter = Chapter.objects.filter(pk=chapter_id).first()
        if chapter is not None:
            subscriptions_notify_chapter(chapter=chapter)

    transaction.on_commit(notify)


@receiver(post_save, sender=SeriesPart)
def _part_added(sender, instance: SeriesPart, created: bool, **kwargs) -> None:
    """A posted work joining a series is a new part for the series' subscribers. A
    work posted in this same transaction is announced by the work's own notice."""
    if not created or kwargs.get("raw") or instance.work_id in _posted_in_transaction():
        return
    part_id = instance.pk

    def notify() -> None:
        part = SeriesPart.objects.select_related("series", "work").filter(pk=part_id).first()
        if part is not None:
            subscriptions_notify_part(part=part)

    transaction.on_commit(notify)
