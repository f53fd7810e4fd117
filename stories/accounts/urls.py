"""Account pages Quire adds in front of django.contrib.auth.urls (same /accounts/ prefix)."""

from django.urls import include, path

from stories.accounts import views

urlpatterns = [
    # Sign-up, its "check your email" page and the emailed link.
    path(
        "signup/",
        include(
            [
                path("", views.signup, name="signup"),
                path("sent/", views.signup_sent, name="signup-sent"),
                path("confirm/<str:token>/", views.signup_confirm, name="signup-confirm"),
            ]
        ),
    ),
    path("login/", views.login, name="login"),
    path("password_reset/", views.password_reset, name="password_reset"),
]
