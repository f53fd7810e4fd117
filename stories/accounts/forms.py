"""The sign-up and log-in forms (password forms are django.contrib.auth's)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from stories.accounts.services import signup_unconfirmed
from stories.accounts.usernames import validate_new_username

User = get_user_model()

UNCONFIRMED = (
    "This account is not confirmed yet: open the link in the email we sent when you signed up. "
    "No email? Sign up again with the same details and we will send a new link."
)


class SignupForm(UserCreationForm):
    """Username (the public name, checked here: a taken one is said, usernames being
    public), email and password twice. Whether the email is known is never said here:
    the email sent to it carries that (accounts.services.signup_begin)."""

    email = forms.EmailField(help_text="We send a link to confirm it. Never shown to anyone.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_username(self):
        # Django's own check (case-sensitive) is replaced by the stricter one here.
        return validate_new_username(self.cleaned_data["username"])


class LoginForm(AuthenticationForm):
    """Django's log-in form; when the name and password are those of a sign-up still
    waiting for its email confirmation, it says so (only to whoever knows the password)."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
            unconfirmed = error.code == "invalid_login" and username and password
            if unconfirmed and signup_unconfirmed(username=username, password=password):
                raise ValidationError(UNCONFIRMED, code="unconfirmed") from None
            raise
