"""A person's public page: their works (newest first) and series."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from stories.discovery.query import WorksQuery
from stories.models import Series

User = get_user_model()


def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    page = WorksQuery(request, creator=person).recent_page()
    series = Series.objects.visible_to(request.user).filter(creators=person).order_by("title")
    return render(request, "accounts/user_detail.html", {"person": person, "page": page, "series": series})
