"""Consent for every name on a work: invitations to co-create, their answers, and
leaving a work. Named <noun>_<verb>; each write runs in one transaction.

Only accepted creators are WorkCreator rows, so profiles, lists, feeds, blurbs and
the editor's permission (all of which read WorkCreator) never show a pending name.
"""

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from stories.models import CreatorInvitation, InboxItem, ReaderPreference, Work, WorkCreator


class ConsentError(ValueError):
    """A change to a work's creators that the people involved have not agreed to."""


def invitation_refusal(*, invitee: AbstractBaseUser, inviter: AbstractBaseUser) -> str | None:
    """Why `inviter` may not invite `invitee` to co-create, naming the rule; None if they may."""
    preference = ReaderPreference.objects.filter(user=invitee).first()
    if preference is None or preference.allow_creator_invitations:
        return None
    if preference.invitations_from.filter(pk=inviter.pk).exists():
        return None
    name = invitee.get_username()
    if preference.invitations_from.exists():
        return f"{name} accepts co-creator invitations only from people they have allowed."
    return f"{name} does not accept co-creator invitations."


def invitations_pending(*, work: Work) -> list[AbstractBaseUser]:
    """The people invited to `work` who have not answered yet, oldest invitation first."""
    rows = CreatorInvitation.objects.filter(work=work).select_related("user").order_by("created_at", "id")
    return [row.user for row in rows]


@transaction.atomic
def creators_invite(*, work: Work, inviter: AbstractBaseUser, users: Iterable[AbstractBaseUser]) -> int:
    """Invite each of `users` who is not yet a creator of `work` nor already invited:
    an invitation row and an inbox entry each. Raises ConsentError (saving nothing)
    when one of them does not take invitations from `inviter`. Returns how many were sent."""
    current = set(WorkCreator.objects.filter(work=work).values_list("user_id", flat=True))
    invited = set(CreatorInvitation.objects.filter(work=work).values_list("user_id", flat=True))
    sent = 0
    for user in users:
        if user.pk in current or user.pk in invited:
            continue
        if refusal := invitation_refusal(invitee=user, inviter=inviter):
            raise ConsentError(refusal)
        CreatorInvitation.objects.create(work=work, user=user, invited_by=inviter)
        InboxItem.objects.create(
            user=user,
            work=work,
            message=f"{inviter.get_username()} invited you to be a co-creator of “{work.title}”."[:500],
            url=reverse("stories:invitation-list"),
        )
        invited.add(user.pk)
        sent += 1
    return sent


@transaction.atomic
def creators_set(*, work: Work, editor: AbstractBaseUser, wanted: Sequence[AbstractBaseUser]) -> None:
    """Make `work`'s co-creators (besides `editor`, who always stays) the people in
    `wanted`: current creators not wanted are removed, pending invitations not wanted
    are withdrawn, and new names are invited (they join only when they accept)."""
    wanted_ids = {user.pk for user in wanted} | {editor.pk}
    WorkCreator.objects.filter(work=work).exclude(user_id__in=wanted_ids).delete()
    CreatorInvitation.objects.filter(work=work).exclude(user_id__in=wanted_ids).delete()
    creators_invite(work=work, inviter=editor, users=wanted)


@transaction.atomic
def invitation_accept(*, invitation: CreatorInvitation) -> WorkCreator:
    """The invitee joins the work's creators, after the ones already there."""
    work = Work.objects.select_for_update().get(pk=invitation.work_id)
    last = WorkCreator.objects.filter(work=work).aggregate(last=Max("position"))["last"]
    creator, _ = WorkCreator.objects.get_or_create(
        work=work, user_id=invitation.user_id, defaults={"position": (last or 0) + 1}
    )
    invitation.delete()
    return creator


def invitation_decline(*, invitation: CreatorInvitation) -> None:
    """Say no: the invitation goes and nothing else changes."""
    invitation.delete()


@transaction.atomic
def creator_leave(*, work: Work, user: AbstractBaseUser) -> None:
    """Take `user`'s name off `work`. Raises ConsentError when they are its only
    creator (a work is never orphaned: delete it instead)."""
    links = WorkCreator.objects.select_for_update().filter(work=work)
    if not links.filter(user=user).exists():
        raise ConsentError("You are not a creator of this work.")
    if links.count() <= 1:
        raise ConsentError("You are this work's only creator: delete the work instead.")
    links.filter(user=user).delete()
