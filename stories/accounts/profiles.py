"""A person's public page: their works (newest first) and series, and how many
of their works the reader's mutes hide."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from stories.discovery.query import WorksQuery
from stories.models import Series

User = get_user_model()


def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    query = WorksQuery(request, creator=person)
    page = query.recent_page()
    series = Series.objects.visible_to(request.user).filter(creators=person).order_by("title")
    context = {"person": person, "page": page, "series": series, "mutes": query.mutes_note()}
    return render(request, "accounts/user_detail.html", context)
