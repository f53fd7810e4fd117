"""Co-creator invitations: the invitee's list, accepting, declining, and leaving a work.

Every change is a POST by the person whose name it is (CSRF-checked); anyone else
gets a 404, so invitations do not even show that they exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from stories.core.access import MAX_ID, work_for_creator
from stories.models import CreatorInvitation
from stories.works import consent


def _invitation_for_invitee(request: HttpRequest, invitation_id: int) -> CreatorInvitation:
    if invitation_id > MAX_ID:
        raise Http404("No such invitation.")
    return get_object_or_404(CreatorInvitation.objects.select_related("work"), pk=invitation_id, user=request.user)


@login_required
@require_GET
def invitation_list(request: HttpRequest) -> HttpResponse:
    invitations = (
        CreatorInvitation.objects.filter(user=request.user).select_related("work", "invited_by").order_by("-id")
    )
    return render(request, "works/invitation_list.html", {"invitations": invitations})


@login_required
@require_POST
def invitation_accept(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_for_invitee(request, invitation_id)
    work = invitation.work
    consent.invitation_accept(invitation=invitation)
    messages.success(request, f"You are now a co-creator of “{work.title}”.")
    return redirect(work)


@login_required
@require_POST
def invitation_decline(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation_for_invitee(request, invitation_id)
    title = invitation.work.title
    consent.invitation_decline(invitation=invitation)
    messages.success(request, f"You declined to be a co-creator of “{title}”.")
    return redirect("stories:invitation-list")


@login_required
@require_POST
def creator_leave(request: HttpRequest, work_id: int) -> HttpResponse:
    """Take the signed-in user's name off a work they co-created."""
    work = work_for_creator(request, work_id)
    try:
        consent.creator_leave(work=work, user=request.user)
    except consent.ConsentError as error:
        messages.error(request, str(error))
        return redirect("stories:work-edit", work.pk)
    messages.success(request, f"Your name is off “{work.title}”.")
    return redirect("stories:user-detail", request.user.get_username())
