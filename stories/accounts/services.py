"""Write paths for accounts that are not django.contrib.auth's own."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

User = get_user_model()


def user_get_or_create(*, username: str) -> AbstractBaseUser:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
