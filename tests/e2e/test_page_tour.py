"""Every page kind at 390 px and 1280 px: no sideways scrolling, and a full-page
screenshot for a person to look at (in $QUIRE_SHOTS, test-results/ by default)."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache

from stories.models import Series, TagKind
from stories.works.services import series_add_work
from tests import factories
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site():
    cache.clear()
    naruto = factories.TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    kakashi = factories.TagFactory(name="Hatake Kakashi", kind=TagKind.CHARACTER)
    pair = factories.TagFactory(name="Hatake Kakashi/Umino Iruka", kind=TagKind.RELATIONSHIP)
    fluff = factories.TagFactory(name="Fluff", kind=TagKind.FREEFORM)
    works = [
        factories.WorkFactory(
            title=f"Rain over the village, part {i}",
            tags=[naruto, kakashi, pair, fluff],
            summary="Kakashi waits out a storm in the mission room; Iruka brings tea.",
            chapters=3,
            rating=["general", "teen", "mature"][i % 3],
        )
        for i in range(25)
    ]
    series = Series.objects.create(title="Seasons of Konoha", description="A year in the village.")
    for work in works[:3]:
        series_add_work(series=series, work=work)
    series.creators.add(works[0].creator_users[0])
    yield {"work": works[1], "series": series, "user": works[0].creator_users[0]}
    cache.clear()


@pytest.mark.parametrize("width", [390, 1280])
def test_tour_of_every_page_kind(browser, live_server, site, width):
    folder = Path(os.environ.get("QUIRE_SHOTS", SCREENSHOTS))
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 844})
    page = context.new_page()
    work = site["work"]
    guest_pages = {
        "home": "/",
        "index": "/works/",
        "work": work.get_absolute_url(),
        "chapter": f"{work.get_absolute_url()}chapters/2/",
        "series": site["series"].get_absolute_url(),
        "search": "/search/?q=storm",
    }
    try:
        for name, url in guest_pages.items():
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
            page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=name not in ("index", "search"))
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(site["user"].username)
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        for name, url in {"post": "/post/", "preferences": "/preferences/"}.items():
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
            page.screenshot(path=str(folder / f"{name}-{width}.png"))
        page.locator(".user-menu summary").click()
        page.screenshot(path=str(folder / f"menu-{width}.png"))
    finally:
        context.close()
