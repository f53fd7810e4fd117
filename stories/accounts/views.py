"""Sign-up confirmed by email, and a rate-limited log-in and password reset; the rest
of accounts is django.contrib.auth."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from stories.accounts.forms import LoginForm, SignupForm
from stories.accounts.services import SignupError, SignupMailError, signup_begin, signup_pending_for
from stories.accounts.services import signup_confirm as signup_confirm_service

TOO_MANY = "Too many attempts from your address. Please wait a few minutes and try again."


def _safe_next(request: HttpRequest, url: str) -> str:
    """`url` when it stays on this site, else ""."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=lambda group, request: settings.QUIRE_SIGNUP_RATE, method="POST", block=False)
def signup(request: HttpRequest) -> HttpResponse:
    """The sign-up form. A valid form always leads to the same "check your inbox" page,
    whether its email is known or not (the email sent there says which)."""
    if request.user.is_authenticated:
        return redirect("stories:user-detail", request.user.get_username())
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    if request.method == "POST" and getattr(request, "limited", False):
        form = SignupForm(request.POST)
        form.add_error(None, TOO_MANY)
        return render(request, "registration/signup.html", {"form": form, "next": next_url}, status=429)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup_begin(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                next_url=next_url,
                site=f"{request.scheme}://{request.get_host()}",
            )
        except SignupMailError as error:
            form.add_error(None, str(error))
            return render(request, "registration/signup.html", {"form": form, "next": next_url}, status=503)
        return redirect("signup-sent")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@require_GET
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_sent.html", {"hours": settings.QUIRE_SIGNUP_LINK_HOURS})


@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a confirmation email. GET shows whose account it confirms and a
    button; the POST makes the account, logs its owner in and returns them to the page
    they signed up from. (A GET changes nothing, because mail filters open links.)"""
    try:
        if request.method == "GET":
            pending, _ = signup_pending_for(token)
            return render(request, "registration/signup_confirm.html", {"username": pending.username})
        confirmed = signup_confirm_service(token=token)
    except SignupError as error:
        return render(request, "registration/signup_confirm.html", {"problem": str(error)}, status=400)
    auth_login(request, confirmed.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, f"Welcome to Quire, {confirmed.user.get_username()}! Your account is confirmed.")
    return redirect(_safe_next(request, confirmed.next_url) or "stories:work-post")


@ratelimit(key="ip", rate=lambda group, request: settings.QUIRE_LOGIN_RATE, method="POST", block=False)
@ratelimit(key="post:username", rate=lambda group, request: settings.QUIRE_LOGIN_RATE, method="POST", block=False)
def login(request: HttpRequest) -> HttpResponse:
    """Django's LoginView, refusing POSTs once an address or a username has had too
    many attempts (a guesser gets a 429, not a verdict on the password)."""
    if request.method == "POST" and getattr(request, "limited", False):
        view = LoginView.as_view(authentication_form=LoginForm, extra_context={"rate_limited": TOO_MANY})
        response = view(_as_get(request))
        response.status_code = 429
        return response
    return LoginView.as_view(authentication_form=LoginForm)(request)


def _as_get(request: HttpRequest) -> HttpRequest:
    request.method = "GET"
    return request


@ratelimit(key="ip", rate=lambda group, request: settings.QUIRE_SIGNUP_RATE, method="POST", block=False)
def password_reset(request: HttpRequest) -> HttpResponse:
    """Django's PasswordResetView, limited like sign-up so it cannot be used to flood
    someone's inbox."""
    if request.method == "POST" and getattr(request, "limited", False):
        response = render(
            request, "registration/password_reset_form.html", {"rate_limited": TOO_MANY, "form": PasswordResetForm()}
        )
        response.status_code = 429
        return response
    return PasswordResetView.as_view()(request)
