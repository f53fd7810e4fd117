"""Sign-up and a rate-limited log-in; the rest of accounts is django.contrib.auth."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from stories.accounts.forms import SignupForm

TOO_MANY = "Too many attempts from your address. Please wait a few minutes and try again."


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=lambda group, request: settings.QUIRE_SIGNUP_RATE, method="POST", block=False)
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("stories:user-detail", request.user.get_username())
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST" and getattr(request, "limited", False):
        form = SignupForm(request.POST)
        form.add_error(None, TOO_MANY)
        return render(request, "registration/signup.html", {"form": form, "next": next_url}, status=429)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Quire, {user.get_username()}!")
        return redirect(next_url or "stories:work-post")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@ratelimit(key="ip", rate=lambda group, request: settings.QUIRE_LOGIN_RATE, method="POST", block=False)
@ratelimit(key="post:username", rate=lambda group, request: settings.QUIRE_LOGIN_RATE, method="POST", block=False)
def login(request: HttpRequest) -> HttpResponse:
    """Django's LoginView, refusing POSTs once an address or a username has had too
    many attempts (a guesser gets a 429, not a verdict on the password)."""
    if request.method == "POST" and getattr(request, "limited", False):
        view = LoginView.as_view(extra_context={"rate_limited": TOO_MANY})
        response = view(_as_get(request))
        response.status_code = 429
        return response
    return LoginView.as_view()(request)


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
