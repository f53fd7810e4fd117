"""The list pages' cheap URLs are exactly what reverse() gives."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from stories.core.urlcache import chapter_url, fixed_url, tag_url, url_maker, work_url

VALUES = [
    "naruto",
    "kakashi-x-iruka",
    "naïve-ship-ünïcode",
    "漢字-タグ",
    "100%-fluff",
    "a b",
    "question?hash#",
    "~:@!$&'()*+,;=",
    "987654321",
    "...",
    ".",
    "..",
]


@pytest.fixture(params=["", "/archive/"])
def prefix(request):
    if request.param:
        set_script_prefix(request.param)
        yield request.param
        clear_script_prefix()
    else:
        yield "/"


@pytest.mark.parametrize("value", VALUES)
def test_tag_and_user_urls_equal_reverse(prefix, value):
    assert tag_url(value) == reverse("stories:tag-detail", args=[value])
    assert url_maker("stories:user-detail")(value) == reverse("stories:user-detail", args=[value])
    assert tag_url(value).startswith(prefix)


def test_work_urls_equal_reverse(prefix):
    assert work_url(42) == reverse("stories:work-detail", args=[42])
    assert work_url(987654321) == reverse("stories:work-detail", args=[987654321])


@pytest.mark.parametrize("value", ["", "a/b"])
def test_a_stored_value_reverse_refuses_gives_no_url_and_is_logged(value, caplog):
    # reverse() refuses it; a page that lists such a row shows it unlinked, never a 500.
    with pytest.raises(NoReverseMatch):
        reverse("stories:tag-detail", args=[value])
    assert tag_url(value) == ""
    assert url_maker("stories:user-detail")(value) == ""
    assert "shown unlinked" in caplog.text


def test_chapter_and_fixed_urls_equal_reverse(prefix):
    assert chapter_url(42, 7) == reverse("stories:chapter-detail", args=[42, 7])
    assert chapter_url(987654322, 987654321) == reverse("stories:chapter-detail", args=[987654322, 987654321])
    assert fixed_url("stories:preferences") == reverse("stories:preferences")
    assert fixed_url("stories:work-list").startswith(prefix)
