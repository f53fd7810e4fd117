"""Account pages Quire adds in front of django.contrib.auth.urls (same /accounts/ prefix)."""

from django.urls import path

from stories.accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup-sent"),
    path("signup/confirm/<str:token>/", views.signup_confirm, name="signup-confirm"),
    path("login/", views.login, name="login"),
    path("password_reset/", views.password_reset, name="password_reset"),
]
