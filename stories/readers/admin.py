"""Moderation of what readers send: reports of works and comments. A moderator
resolves or dismisses a report and can hide the reported work with a reason that
its creators see."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from stories.models import Comment, Report
from stories.readers.services import comment_delete, report_resolve


class ReportAdminForm(forms.ModelForm):
    hide_work = forms.BooleanField(
        required=False, help_text="Hide the reported work (or the work of the reported comment) from everyone."
    )
    hidden_reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Shown to the work's creators."
    )

    class Meta:
        model = Report
        fields = ["status", "resolution"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hide_work") and not (cleaned.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", "Give the creators a reason when hiding their work.")
        return cleaned


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    form = ReportAdminForm
    list_display = ["__str__", "target", "reporter", "status", "created_at", "resolved_by"]
    list_filter = ["status", "created_at"]
    search_fields = ["reason", "work__title", "comment__body", "reporter__username"]
    readonly_fields = ["reporter", "work", "comment", "reason", "created_at", "resolved_by", "resolved_at"]
    fields = [
        "reporter",
        "work",
        "comment",
        "reason",
        "created_at",
        "status",
        "resolution",
        "hide_work",
        "hidden_reason",
        "resolved_by",
        "resolved_at",
    ]
    actions = ["mark_resolved", "mark_dismissed"]
    list_select_related = ["work", "comment", "reporter", "resolved_by"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Reported")
    def target(self, report: Report) -> str:
        if report.comment_id:
            return f"Comment {report.comment_id} on work {report.comment.work_id}"
        return str(report.work)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            hide_reason = (
                form.cleaned_data.get("hidden_reason", "").strip() if form.cleaned_data.get("hide_work") else ""
            )
            if obj.status != Report.Status.OPEN or hide_reason:
                report_resolve(
                    report=obj,
                    moderator=request.user,
                    status=obj.status if obj.status != Report.Status.OPEN else Report.Status.RESOLVED,
                    resolution=obj.resolution,
                    hide_reason=hide_reason,
                )
            else:
                super().save_model(request, obj, form, change)

    def _close(self, request, queryset, status: str) -> int:
        """Close the open reports among the selection, each logged (LogEntry)."""
        with transaction.atomic():
            reports = list(queryset.filter(status=Report.Status.OPEN).select_for_update(of=("self",)))
            Report.objects.filter(pk__in=[r.pk for r in reports]).update(
                status=status, resolved_by=request.user, resolved_at=timezone.now()
            )
            for report in reports:
                self.log_change(request, report, f"Marked {Report.Status(status).label.lower()}.")
        return len(reports)

    @admin.action(description="Mark the selected reports resolved")
    def mark_resolved(self, request, queryset):
        self.message_user(request, f"Resolved {self._close(request, queryset, Report.Status.RESOLVED)} report(s).")

    @admin.action(description="Dismiss the selected reports")
    def mark_dismissed(self, request, queryset):
        self.message_user(request, f"Dismissed {self._close(request, queryset, Report.Status.DISMISSED)} report(s).")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Moderators read and remove comments; removal goes through the service so the
    work's comment count and reply threads stay right."""

    list_display = ["__str__", "work", "author_name", "created_at", "is_deleted"]
    list_filter = ["is_deleted", "created_at"]
    search_fields = ["body", "guest_name", "user__username", "work__title"]
    list_select_related = ["work", "user"]
    readonly_fields = [
        "work",
        "chapter",
        "parent",
        "user",
        "guest_name",
        "body",
        "created_at",
        "edited_at",
        "is_deleted",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        comment_delete(comment=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for comment in queryset.order_by("-id"):
                comment_delete(comment=comment, user=request.user)
