"""Hits as rows: one per visitor per work per day, written by the request that
counted it, so a restart (with or without Redis) loses none. A periodic job adds
the rows not yet counted to `Work.hit_count` (stories/readers/tasks.py)."""

from django.db import models
from django.db.models import Q


class Hit(models.Model):
    """A visitor's first view of a work on a day. `visitor` is a hash (see
    readers.hits.hit_record), never an address; `counted` turns true in the same
    transaction that adds the row to its work's hit_count, so each row counts once."""

    work = models.ForeignKey("stories.Work", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visitor = models.CharField(max_length=64)
    counted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work", "day", "visitor"], name="hit_once_per_visitor_day")]
        indexes = [
            # The aggregation job reads only the rows still to count.
            models.Index(fields=["id"], condition=Q(counted=False), name="hit_uncounted"),
            # Rows past the dedupe window are deleted by day.
            models.Index(fields=["day"], name="hit_day"),
        ]

    def __str__(self) -> str:
        return f"work {self.work_id} on {self.day}"
