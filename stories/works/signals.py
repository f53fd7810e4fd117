"""Keep a work's stored counts right whatever path changed its chapters (forms,
admin, imports, shell)."""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save, pre_delete
from django.dispatch import receiver

from stories.models import Chapter, SeriesPart, Work
from stories.readers.services import bookmarks_keep_for_deleted_work
from stories.readers.tasks import notify_chapter_added, notify_part_added, notify_work_posted
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


# Subscriptions: a new chapter, or a work that becomes posted, defers a fan-out job
# whichever path (form, admin, import) wrote it. The job row is written in the same
# transaction as the post (the queue lives in the same database), so it exists exactly
# when the post does, even if the process dies right after the commit. The chapters
# of a work posted in the same transaction are covered by the work's notice.
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
    notify_work_posted.defer(work_id=work_id)
    transaction.on_commit(lambda: _posted_in_transaction().discard(work_id))


@receiver(post_save, sender=Chapter)
def _chapter_added(sender, instance: Chapter, created: bool, **kwargs) -> None:
    if not created or kwargs.get("raw") or instance.work_id in _posted_in_transaction():
        return
    notify_chapter_added.defer(chapter_id=instance.pk)


@receiver(post_save, sender=SeriesPart)
def _part_added(sender, instance: SeriesPart, created: bool, **kwargs) -> None:
    """A posted work joining a series is a new part for the series' subscribers. A
    work posted in this same transaction is announced by the work's own notice."""
    if not created or kwargs.get("raw") or instance.work_id in _posted_in_transaction():
        return
    notify_part_added.defer(part_id=instance.pk)
