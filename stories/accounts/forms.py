"""The sign-up form (log-in and password forms are django.contrib.auth's)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError

from stories.accounts.usernames import validate_new_username

User = get_user_model()


class SignupForm(UserCreationForm):
    email = forms.EmailField(help_text="For resetting your password. Never shown to anyone.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_username(self):
        # Django's own check (case-sensitive) is replaced by the stricter one here.
        return validate_new_username(self.cleaned_data["username"])

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("An account with this email address already exists.")
        return email
