"""Every page kind, for a guest and for a signed-in reader, checked by machines that
know the standards: 0 errors from the Nu HTML Checker (vnu.jar, `make vnu`), 0 serious
or critical axe-core violations at 390 and 1280 px (target size included), and no
sideways scrolling at 320 px, even with a long unbroken word in a title, a tag, a
summary and a comment. `make check-pages` runs this file alone (marker `validity`).

Each test walks the same tour (tour() below) and checks what it is about; failures
are collected over the whole tour so one run names every broken page.
"""

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from stories.models import Series, TagKind
from stories.readers.services import bookmark_save, comment_add, kudos_give, reading_position_record
from stories.works.services import series_add_work
from tests import factories
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.validity, pytest.mark.urls("tests.e2e.error_urls")]

ROOT = Path(__file__).resolve().parents[2]
# A word no browser may break (no hyphen, no space): it must wrap, not widen the page.
LONG_WORD = "Unbreakable" + "unbrokenword" * 8
WIDE = 1280


def _vnu_jar() -> Path:
    if "VNU_JAR" in os.environ:
        return Path(os.environ["VNU_JAR"])
    jars = sorted((ROOT / "var" / "tools").glob("vnu-*.jar"))
    if not jars:
        pytest.fail("The Nu HTML Checker is not installed: run `make vnu` (or `make check-pages`)")
    return jars[-1]


@pytest.fixture
def site():
    """A small archive with every kind of thing a page can show: a work of three
    chapters in a series, comments and a reply, kudos, bookmarks, a reading history,
    and a long unbroken word in a title, tags, a summary and a comment."""
    cache.clear()
    author = factories.UserFactory(username="wordsmith")
    reader = factories.UserFactory(username="nightowl")
    fandom = factories.TagFactory(name="Naruto", kind=TagKind.FANDOM, canonical=True)
    character = factories.TagFactory(name="Hatake Kakashi", kind=TagKind.CHARACTER, canonical=True)
    pair = factories.TagFactory(name="Hatake Kakashi/Umino Iruka", kind=TagKind.RELATIONSHIP, canonical=True)
    long_tag = factories.TagFactory(name=LONG_WORD, kind=TagKind.FREEFORM)
    tags = [fandom, character, pair, long_tag]
    work = factories.WorkFactory(
        title=f"Lanterns {LONG_WORD}",
        summary=f"Three evenings by the river. {LONG_WORD} and then some.",
        creators=[author],
        tags=tags,
        chapters=3,
        rating="teen",
        warnings=["violence"],
    )
    sequel = factories.WorkFactory(title="Morning tide", creators=[author], tags=[fandom, pair], chapters=1)
    mature = factories.WorkFactory(title="Another village", tags=[fandom], rating="mature", warnings=["death"])
    series = Series.objects.create(title="River nights", description="Evenings, then a morning.")
    series.creators.add(author)
    series_add_work(series=series, work=work)
    series_add_work(series=series, work=sequel)
    chapter = work.chapters.get(position=1)
    first = comment_add(chapter=chapter, body=f"I loved the lanterns. {LONG_WORD}!", user=reader)
    comment_add(chapter=chapter, body="Thank you for reading.", user=author, parent=first)
    kudos_give(work=work, user=reader)
    bookmark_save(user=reader, work=work, note="Read again in winter.", tags=["cozy", LONG_WORD])
    bookmark_save(user=reader, work=sequel, for_later=True)
    reading_position_record(user=reader, work=work, chapter=chapter, keep_later=True)
    yield {"author": author, "reader": reader, "work": work, "mature": mature, "series": series, "tag": long_tag} | {
        "comment": first
    }
    cache.clear()


# The pages that answer with an error status on purpose.
STATUS = {"guest index-bad-filter": 400, "guest not-found": 404, "guest forbidden": 403, "guest server-error": 500}
STATUS |= {"guest csrf-failure": 403, "reader not-found": 404}
# Pages reached by a form or a query: what shows that the tour got where it meant to.
SHOWS = {"guest search": "Lanterns", "guest search-none": "0 works", "reader preview": "Preview of"}
SHOWS |= {"reader post-with-errors": "errorlist", "reader upload-review": "Review your upload"}


def _goto(page, url: str) -> tuple[int, str]:
    response = page.goto(url)
    assert response is not None, url
    return response.status, response.text()


def _submit(page, action) -> tuple[int, str]:
    """Run `action` (a click that submits a form) and return the status and HTML it loads."""
    with page.expect_navigation() as navigation:
        action()
    return navigation.value.status, navigation.value.text()


def _log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    _submit(page, page.get_by_role("button", name="Log in").click)


def tour(page, site) -> Iterator[tuple[str, str]]:
    """Visit every page kind in `page`, yielding (name, the HTML the server sent) once
    each page has loaded: as a guest, as a signed-in reader, then as the author of the
    work. Raises AssertionError when a page answers with a status it should not."""
    for name, (status, html) in _pages(page, site):
        assert status == STATUS.get(name, 200), (name, status)
        assert SHOWS.get(name, "") in html, (name, SHOWS[name])
        yield name, html


def _pages(page, site) -> Iterator[tuple[str, tuple[int, str]]]:
    work, series, tag = site["work"], site["series"], site["tag"]
    work_url = work.get_absolute_url()
    guest = {
        "home": "/",
        "index": "/works/",
        "index-filtered": (
            f"/works/?tag={tag.slug}&exclude_warning=death&exclude_warning=noncon&exclude_rating=explicit"
            "&category=gen&crossover=exclude&complete=on&sort=title&direction=asc&within=river&language=en"
        ),
        "index-bad-filter": "/works/?updated_from=not-a-date&words_min=-3",
        "tag": tag.get_absolute_url(),
        "tag-index": "/tags/",
        "search": "/search/?q=lanterns",
        "search-exclusion": "/search/?q=river -iruka",
        "search-none": "/search/?q=zzqxv",
        "work": work_url,
        "chapter-2": f"{work_url}chapters/2/",
        "entire-work": f"{work_url}?view=full",
        "series": series.get_absolute_url(),
        "author": f"/users/{site['author'].username}/",
        "bookmarks": f"/users/{site['reader'].username}/bookmarks/",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "password-reset": "/accounts/password_reset/",
        "not-found": "/no-such-page/",
        "forbidden": "/test-errors/403/",
        "server-error": "/test-errors/500/",
    }
    for name, url in guest.items():
        yield f"guest {name}", _goto(page, url)
    yield "guest content-notice", _goto(page, site["mature"].get_absolute_url())
    page.goto(work_url)
    # A form posted without its CSRF token: Django's 403 page for it.
    html = _submit(
        page,
        lambda: page.evaluate(
            """url => { const f = document.createElement('form'); f.method = 'post'; f.action = url;
            document.body.append(f); f.submit(); }""",
            f"{work_url}kudos/",
        ),
    )
    yield "guest csrf-failure", html
    page.goto("/accounts/password_reset/")
    page.get_by_label("Email").fill(site["reader"].email)
    yield "guest password-reset-sent", _submit(page, page.get_by_role("button", name="Send me the link").click)

    _log_in(page, site["reader"].username)
    # The signed-in reader: the same work and lists, and the pages only a member has.
    reader = {"work": work_url, "chapter-3": f"{work_url}chapters/3/", "entire-work": f"{work_url}?view=full"}
    reader |= {"series": series.get_absolute_url(), "bookmarks": f"/users/{site['reader'].username}/bookmarks/"}
    reader |= {"not-found": "/works/999999/", "report": f"/report/work/{work.pk}/"}
    reader |= {"comment-edit": f"/comments/{site['comment'].pk}/edit/"}
    for path in ("/", "/works/", "/later/", "/history/", "/inbox/", "/subscriptions/", "/preferences/", "/drafts/"):
        reader[path.strip("/") or "home"] = path
    reader |= {"post": "/post/", "upload": "/post/upload/"}
    for name, url in reader.items():
        yield f"reader {name}", _goto(page, url)
    page.locator(".user-menu summary").click()
    yield "reader logged-out", _submit(page, page.get_by_role("button", name="Log out").click)
    _log_in(page, site["reader"].username)

    page.goto("/post/")
    page.get_by_label("Title:", exact=True).fill(f"Preview of {LONG_WORD}")
    page.get_by_label("Fandoms").fill("Naruto")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Summary:", exact=True).fill(f"A summary with {LONG_WORD} in it.")
    page.get_by_label("Chapter text").fill(f"The *first* line.\n\n{LONG_WORD}")
    yield "reader preview", _submit(page, page.get_by_role("button", name="Preview").click)
    page.get_by_label("Title:", exact=True).fill("")
    # Past the browser's own check, to the server's error messages.
    page.evaluate("document.querySelectorAll('form').forEach(form => { form.noValidate = true; })")
    yield "reader post-with-errors", _submit(page, page.get_by_role("button", name="Post", exact=True).click)

    page.goto("/post/upload/")
    page.get_by_label("Story file").set_input_files(
        files=[
            {
                "name": "riverside.txt",
                "mimeType": "text/plain",
                "buffer": (f"Riverside\nby nightowl\n\nThe water was high that spring.\n\n{LONG_WORD}\n").encode(),
            }
        ]
    )
    yield "reader upload-review", _submit(page, page.get_by_role("button", name="Read the file").click)

    _log_in(page, site["author"].username)
    author = {
        "work": work_url,
        "edit": f"{work_url}edit/",
        "chapter-edit": f"{work_url}chapters/2/edit/",
        "chapter-new": f"{work_url}chapters/new/",
        "delete": f"{work_url}delete/",
        "inbox": "/inbox/",
        "profile": f"/users/{site['author'].username}/",
    }
    for name, url in author.items():
        yield f"author {name}", _goto(page, url)


def _browser_page(browser, live_server, width: int):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 844},
        is_mobile=width < 600,
        has_touch=width < 600,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_every_page_kind_has_no_nu_html_checker_errors(browser, live_server, site, tmp_path):
    context, page = _browser_page(browser, live_server, WIDE)
    try:
        names = {}
        for number, (name, html) in enumerate(tour(page, site)):
            path = tmp_path / f"{number:02d}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = name
    finally:
        context.close()
    stylesheets = sorted(map(str, (ROOT / "static" / "css").glob("*.css")))
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(_vnu_jar()),
            "--format",
            "json",
            "--exit-zero-always",
            "--also-check-css",
            *sorted(map(str, tmp_path.iterdir())),
            *stylesheets,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{names.get(Path(m['url']).name, Path(m['url']).name)} line {m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert len(names) >= 40, names  # the tour really ran
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("width", [390, WIDE])
def test_every_page_kind_has_no_serious_axe_violations_nor_sideways_scrolling(browser, live_server, site, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    # target-size is WCAG 2.2's 24 x 24 CSS px; named so it runs whatever axe's defaults become.
    options = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
    context, page = _browser_page(browser, live_server, width)
    problems, seen = [], 0
    try:
        # The checker sees what it should: an image with no text and two tiny links side by side.
        page.set_content(
            '<html lang="en"><title>t</title><main><img src="data:,">'
            '<a href="#a" style="display:inline-block;width:10px;height:10px">a</a>'
            '<a href="#b" style="display:inline-block;width:10px;height:10px">b</a></main>'
        )
        found = {v["id"] for v in axe.run(page, options=options).response["violations"]}
        assert {"image-alt", "target-size"} <= found, found
        for name, _html in tour(page, site):
            seen += 1
            if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
                problems.append(f"{name}: scrolls sideways at {width} px")
            for violation in axe.run(page, options=options).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                    problems.append(
                        f"{name}: {violation['id']} ({violation['impact']}) {violation['help']} — {targets}"
                    )
    finally:
        context.close()
    assert seen >= 40
    assert not problems, "\n".join(problems)


# The innermost elements that reach past the viewport's right edge: what to fix.
_WIDEST_JS = """() => {
  const wide = node => { const r = document.createRange(); r.selectNodeContents(node);
    return [...r.getClientRects()].some(rect => rect.right > document.documentElement.clientWidth + 0.5); };
  const texts = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) if (walker.currentNode.textContent.trim() && wide(walker.currentNode))
    texts.push(walker.currentNode.parentElement);
  const boxes = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5);
  const name = e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/ +/).join('.') : '');
  return [...new Set([...texts, ...boxes.slice(-3)])].slice(0, 5).map(e => name(e.parentElement) + ' > ' + name(e));
}"""


def test_no_page_kind_scrolls_sideways_at_320_px(browser, live_server, site):
    context, page = _browser_page(browser, live_server, 320)
    folder = Path(os.environ.get("QUIRE_SHOTS", SCREENSHOTS))
    wide = []
    try:
        for name, _html in tour(page, site):
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                culprits = page.evaluate(_WIDEST_JS)
                wide.append(f"{name}: {width} px wide, from {culprits}")
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / f"too-wide-{name.replace(' ', '-')}.png"))
    finally:
        context.close()
    assert not wide, "\n".join(wide)
