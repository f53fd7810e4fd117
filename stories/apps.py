from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Stories"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registered on import: the system checks, the pk__any_of lookup, the signal receivers, and each
        # feature's admin (Django's autodiscovery looks only for stories/admin.py).
        from stories.core import checks  # noqa: F401
        from stories.models import lookups  # noqa: F401
        from stories.readers import admin as readers_admin  # noqa: F401
        from stories.tags import admin as tags_admin  # noqa: F401
        from stories.works import admin as works_admin  # noqa: F401
        from stories.works import signals  # noqa: F401
