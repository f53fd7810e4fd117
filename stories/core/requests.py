"""Small facts about a request that several features need."""

import hashlib

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str:
    """The client's address as the server saw it ("unknown" when absent)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def visitor_key(request: HttpRequest) -> str:
    """Who is visiting, for counting: `user:<id>`, or for a guest a hash of address
    and browser (the address itself is never kept)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    return "guest:" + hashlib.sha256(f"{client_ip(request)}|{agent}".encode()).hexdigest()


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` parameter (POST, then GET) when it points at this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback


def done(request: HttpRequest, message: str, fallback: str) -> HttpResponseRedirect:
    """After a reader's action: `message` as a success message, and a redirect to the
    safe `next` (see safe_next), else to `fallback` (a URL)."""
    messages.success(request, message)
    return redirect(safe_next(request, fallback))


def return_path(request: HttpRequest) -> str:
    """The path (with its query string) a reader who logs in from this page should
    come back to: this page; on an account page (log in, sign up, password reset)
    the safe `next` that brought them there, since coming back to the form itself
    would make no sense; "" when there is none."""
    accounts = reverse("login").rstrip("/").rsplit("/", 1)[0] + "/"
    if not request.path.startswith(accounts):
        return request.get_full_path()
    return safe_next(request, "")


def form_errors(form) -> str:
    """Every error message of a bound, invalid form, in one line."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
