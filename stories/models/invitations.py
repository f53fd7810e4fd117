"""Invitations to be a work's co-creator: nobody's name goes on a work until they accept.

A pending invitation is only a row here. The invitee becomes a WorkCreator (the one
table every read path — profiles, lists, feeds, blurbs, the editor's permission — asks)
when they accept, so no read path needs to know that invitations exist.
"""

from django.conf import settings
from django.db import models


class CreatorInvitation(models.Model):
    """`user` is asked by `invited_by` to be a co-creator of `work`."""

    work = models.ForeignKey("stories.Work", on_delete=models.CASCADE, related_name="creator_invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creator_invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["work", "user"], name="creatorinvitation_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} invited to {self.work_id}"
