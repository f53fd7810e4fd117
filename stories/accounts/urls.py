"""Account pages Quire adds in front of django.contrib.auth.urls (same /accounts/ prefix)."""

from django.urls import path

from stories.views import accounts

urlpatterns = [
    path("signup/", accounts.signup, name="signup"),
    path("login/", accounts.login, name="login"),
    path("password_reset/", accounts.password_reset, name="password_reset"),
]
