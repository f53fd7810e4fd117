"""Preferences: make and revoke personal access tokens (POST only, CSRF-checked,
for the signed-in reader's own tokens)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from stories.api.tokens import TokenRefused, token_create, token_revoke
from stories.models import ApiToken


@never_cache
@login_required
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    """Make a token and show it once, on this response only (never stored, never cached)."""
    scopes = request.POST.getlist("scopes")
    try:
        token, secret = token_create(user=request.user, name=request.POST.get("name", ""), scopes=scopes)
    except TokenRefused as refused:
        messages.error(request, f"No token was made: {refused}")
        return redirect("stories:preferences")
    return render(request, "api/token_created.html", {"token": token, "secret": secret})


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token_revoke(token=token, user=request.user)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("stories:preferences")
