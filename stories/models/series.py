from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from stories.models.base import RenderedText, Timestamped


class SeriesQuerySet(models.QuerySet):
    def public(self):
        """Series with at least one listed (posted, not hidden) part: a series that
        only drafts use stays private until one of them is posted."""
        listed = SeriesPart.objects.filter(series=OuterRef("pk"), work__status="posted", work__is_hidden=False)
        return self.filter(Exists(listed))

    def visible_to(self, user):
        """Public series, plus the user's own, plus every series for moderators."""
        if user is not None and user.is_authenticated and (user.is_staff or user.is_superuser):
            return self
        if user is not None and user.is_authenticated:
            listed = SeriesPart.objects.filter(series=OuterRef("pk"), work__status="posted", work__is_hidden=False)
            return self.filter(Q(Exists(listed)) | Q(creators=user)).distinct()
        return self.public()


class Series(RenderedText, Timestamped):
    """A creator's ordered set of works (SeriesPart). The description and the notes
    are Markdown, kept with their sanitised HTML rendered on save, like a work's."""

    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    description_html = models.TextField(blank=True, editable=False)
    notes = models.TextField(blank=True)
    notes_html = models.TextField(blank=True, editable=False)
    creators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="series", blank=True)
    is_complete = models.BooleanField(default=False)

    INLINE_MARKDOWN = ("description", "notes")
    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "series"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:series-detail", args=[self.pk])


class SeriesPart(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="parts")
    work = models.ForeignKey("stories.Work", on_delete=models.CASCADE, related_name="series_parts")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["series", "position"]
        constraints = [
            models.UniqueConstraint(fields=["series", "work"], name="seriespart_unique_work"),
            # Deferred: reordering moves several parts through each other's places.
            models.UniqueConstraint(
                fields=["series", "position"], name="seriespart_unique_position", deferrable=models.Deferrable.DEFERRED
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} part {self.position}"
