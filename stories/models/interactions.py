"""What readers do with works: kudos, comments, bookmarks, subscriptions, reading
history, reports, inbox entries and preferences."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse

from stories.models.base import RenderedText, Timestamped

User = settings.AUTH_USER_MODEL


class Kudos(models.Model):
    """One per signed-in user, or per guest (a hash of session and IP), per work."""

    work = models.ForeignKey("stories.Work", on_delete=models.CASCADE, related_name="kudos")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="kudos")
    guest_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "kudos"
        constraints = [
            models.UniqueConstraint(
                fields=["work", "user"], condition=Q(user__isnull=False), name="kudos_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["work", "guest_key"], condition=Q(user__isnull=True), name="kudos_one_per_guest"
            ),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(guest_key=""), name="kudos_has_giver"),
        ]

    def __str__(self) -> str:
        return f"Kudos on {self.work_id}"


class Comment(RenderedText, models.Model):
    work = models.ForeignKey("stories.Work", on_delete=models.CASCADE, related_name="comments")
    chapter = models.ForeignKey("stories.Chapter", on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments")
    guest_name = models.CharField(max_length=100, blank=True)
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    is_deleted = models.BooleanField(default=False, help_text="Kept as a placeholder so replies stay threaded.")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    ONE_LINE, INLINE_MARKDOWN = (), ("body",)  # RenderedText

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["chapter", "created_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.work_id}"

    @property
    def author_name(self) -> str:
        return self.user.get_username() if self.user_id else (self.guest_name or "Guest")

    def get_absolute_url(self) -> str:
        """Lasting: redirects to the chapter and the page of comments that show it."""
        return reverse("stories:comment-detail", args=[self.pk])


class Bookmark(RenderedText, Timestamped):
    """A reader's bookmark of a work or a series. When the work is deleted the bookmark
    stays (as on AO3: "This work has been deleted"), with the reader's note and tags
    and the work's title and creators as they were, until the reader removes it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bookmarks")
    work = models.ForeignKey("stories.Work", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookmarks")
    work_deleted = models.BooleanField(default=False, help_text="The bookmarked work has been deleted.")
    work_title = models.CharField(max_length=255, blank=True, help_text="The deleted work's title.")
    work_creators = models.CharField(max_length=500, blank=True, help_text="The deleted work's creators.")
    series = models.ForeignKey(
        "stories.Series", null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks"
    )
    note = models.TextField(blank=True)
    note_html = models.TextField(blank=True, editable=False)
    tags = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    is_private = models.BooleanField(default=False)
    for_later = models.BooleanField(default=False, help_text="Marked for later: always private.")

    ONE_LINE, INLINE_MARKDOWN = (), ("note",)  # RenderedText

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(work__isnull=False, series__isnull=True, work_deleted=False)
                | Q(work__isnull=True, series__isnull=False, work_deleted=False)
                | Q(work__isnull=True, series__isnull=True, work_deleted=True),
                name="bookmark_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "work"], condition=Q(work__isnull=False), name="bookmark_unique_work"
            ),
            models.UniqueConstraint(
                fields=["user", "series"], condition=Q(series__isnull=False), name="bookmark_unique_series"
            ),
        ]

    def __str__(self) -> str:
        return f"Bookmark {self.pk} by {self.user_id}"


class Subscription(models.Model):
    """A subscription to exactly one of: a work, a series, an author, a tag."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="subscriptions")
    work = models.ForeignKey(
        "stories.Work", null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    series = models.ForeignKey(
        "stories.Series", null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    creator = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="subscribers")
    tag = models.ForeignKey(
        "stories.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(work__isnull=False, series__isnull=True, creator__isnull=True, tag__isnull=True)
                    | Q(work__isnull=True, series__isnull=False, creator__isnull=True, tag__isnull=True)
                    | Q(work__isnull=True, series__isnull=True, creator__isnull=False, tag__isnull=True)
                    | Q(work__isnull=True, series__isnull=True, creator__isnull=True, tag__isnull=False)
                ),
                name="subscription_one_target",
            ),
            models.UniqueConstraint(fields=["user", "work"], condition=Q(work__isnull=False), name="sub_unique_work"),
            models.UniqueConstraint(
                fields=["user", "series"], condition=Q(series__isnull=False), name="sub_unique_series"
            ),
            models.UniqueConstraint(
                fields=["user", "creator"], condition=Q(creator__isnull=False), name="sub_unique_creator"
            ),
            models.UniqueConstraint(fields=["user", "tag"], condition=Q(tag__isnull=False), name="sub_unique_tag"),
        ]

    def __str__(self) -> str:
        return f"Subscription {self.pk} of {self.user_id}"


class InboxItem(models.Model):
    """A notice in a reader's inbox. It names the rows it points at, so that deleting
    the work, chapter or comment deletes the notice too: no link in an inbox leads
    to a page that is gone."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="inbox_items")
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    work = models.ForeignKey("stories.Work", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    chapter = models.ForeignKey("stories.Chapter", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # What the entry announces ("chapter:12"): a fan-out job run twice adds it once.
    event_key = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event_key"], condition=~Q(event_key=""), name="inbox_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return self.message


class OutgoingEmail(models.Model):
    """An email to send, written by a fan-out job and sent by the job queue's worker
    (stories/readers/tasks.py). `event_key` makes the fan-out idempotent: one email
    per address per event, however often an interrupted job is retried."""

    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    event_key = models.CharField(max_length=100, blank=True, default="")
    # After a failed attempt, not before this time (exponential back-off).
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="email_unsent")]
        constraints = [
            models.UniqueConstraint(fields=["to", "event_key"], condition=~Q(event_key=""), name="email_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"


class ReadingPosition(models.Model):
    """A signed-in reader's last chapter read in a work: history and "resume reading"."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reading_positions")
    work = models.ForeignKey("stories.Work", on_delete=models.CASCADE, related_name="reading_positions")
    chapter = models.ForeignKey("stories.Chapter", null=True, on_delete=models.SET_NULL, related_name="+")
    visits = models.PositiveIntegerField(default=1)
    read_at = models.DateTimeField()

    class Meta:
        ordering = ["-read_at"]
        constraints = [models.UniqueConstraint(fields=["user", "work"], name="readingposition_unique")]
        indexes = [models.Index(fields=["user", "-read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.work_id}"


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reports_made")
    work = models.ForeignKey("stories.Work", null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(work__isnull=False) | Q(comment__isnull=False), name="report_has_target"
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.status})"


class ReaderPreference(models.Model):
    """A reader's settings, including mutes that the works queries apply in SQL."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="preference")
    show_content_notices = models.BooleanField(default=True)
    muted_tags = models.ManyToManyField("stories.Tag", blank=True, related_name="+")
    muted_creators = models.ManyToManyField(User, blank=True, related_name="+")
    hidden_works = models.ManyToManyField("stories.Work", blank=True, related_name="+")
    hide_read_works = models.BooleanField(default=False)
    max_tags = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Hide works with more tags than this.")
    stale_wip_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Hide works in progress not updated for this many months."
    )
    default_filter = models.CharField(max_length=2000, blank=True, help_text="A saved works-index query string.")
    allow_guest_comments = models.BooleanField(default=True)
    # Consent for names on works: when off, only the people listed may invite.
    allow_creator_invitations = models.BooleanField(default=True)
    invitations_from = models.ManyToManyField(User, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"Preferences of {self.user}"
