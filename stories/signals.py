"""Keep a work's stored counts right whatever path changed its chapters (forms,
admin, imports, shell)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from stories.models import Chapter


@receiver(post_save, sender=Chapter)
@receiver(post_delete, sender=Chapter)
def _chapter_changed(sender, instance: Chapter, **kwargs) -> None:
    from stories.services import work_recount

    work_recount(work_id=instance.work_id)
