"""Posting: Preview shows the work as it will look (title, metadata, summary, notes,
chapter) at the top of the page; an upload under review stays one."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from stories.models import Work
from tests.authoring_support.forms import work_data
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db


def preview(client, **overrides):
    response = client.post(reverse("stories:work-post"), work_data(action="preview", **overrides))
    assert response.status_code == 200
    return response, BeautifulSoup(response.content, "html.parser")


def test_preview_comes_first_and_shows_the_whole_work(author_client):
    response, soup = preview(
        author_client,
        summary="Iruka *cannot* stand him. <script>alert(1)</script>",
        notes="Thanks to **my beta**.",
        **{"chapters-0-body": "It was a *quiet* night."},
    )
    assert_valid_html(response)
    section = soup.select_one("section#preview")
    form = soup.select_one("form#work-form")
    assert section.sourceline < form.sourceline
    # Preview comes back to the preview, not to the top of the page; Post does not.
    assert soup.select_one("button[value=preview]")["formaction"] == reverse("stories:work-post") + "#preview"
    assert form["action"] == reverse("stories:work-post")
    text = section.get_text(" ", strip=True)
    for expected in [
        "Loathing",
        "Teen And Up Audiences",
        "No Archive Warnings Apply",
        "M/M",
        "Naruto",
        "Kakashi/Iruka",
    ]:
        assert expected in text
    assert section.select_one("blockquote em").get_text() == "cannot"
    assert "my beta" in section.select("blockquote")[1].get_text()
    assert section.select_one(".story-text em").get_text() == "quiet"
    assert "<script" not in str(section) and "alert(1)" not in str(section.select("blockquote"))
    assert Work.objects.count() == 0


def test_an_invalid_form_still_previews_what_was_typed(author_client):
    response, soup = preview(author_client, rating="bogus", title="", fandoms="")
    section = soup.select_one("section#preview")
    assert "(no title yet)" in section.get_text()
    assert "bogus" not in section.get_text()
    assert Work.objects.count() == 0


def test_an_upload_under_review_keeps_its_heading_after_preview(author_client):
    response, soup = preview(author_client, mode="review", uploaded_name="moving-on.txt")
    assert soup.h1.get_text() == "Review your upload"
    assert "moving-on.txt" in soup.select_one(".notice").get_text()
    assert soup.select_one("input[name=mode]")["value"] == "review"
    _, plain = preview(author_client)
    assert plain.h1.get_text() == "Post a new work"
