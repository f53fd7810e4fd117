"""An author's journey in a real Chromium: sign up, upload, review, post, post the
prequel through the form, and see the sequel link resolve both ways."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from stories.models import Work
from tests import factories
from tests.e2e.conftest import screenshot
from tests.helpers import signup_link

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-quite-long-passphrase-7"


def sign_up(page, username: str) -> None:
    # Sign-up returns to where the reader was (here, the post form) once the link in
    # the confirmation email is confirmed (the live server shares this process's outbox).
    page.goto("/accounts/signup/?next=/post/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(signup_link(mail.outbox[-1]))
    page.get_by_role("button", name="Confirm my account").click()
    page.wait_for_url("**/post/")


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_new_author_uploads_moving_on_posts_loathing_and_the_sequel_links_both_ways(page, seeds):
    sign_up(page, "leafwriter")
    screenshot(page, "post-form-desktop")

    page.locator(".user-menu summary").click()  # the reader's links are in the header menu
    page.get_by_role("link", name="Upload", exact=True).click()
    screenshot(page, "upload-desktop")
    page.get_by_label("Story file").set_input_files(str(seeds / "moving-on.txt"))
    page.get_by_role("button", name="Read the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review your upload")
    expect(page.get_by_label("Title:", exact=True)).to_have_value("Moving On")
    expect(page.get_by_label("Rating")).to_have_value("teen")
    assert page.get_by_label("Rating").locator("option:checked").inner_text() == "Teen And Up Audiences"
    expect(page.get_by_label("Published")).to_have_value("2008-02-27")
    expect(page.get_by_label("Summary:", exact=True)).to_have_value("Kakashi wants to move on. Sequel to 'Loathing'")
    expect(page.locator("#id_links-0-kind")).to_have_value("sequel_of")
    expect(page.locator("#id_links-0-title")).to_have_value("Loathing")
    expect(page.get_by_label("This work is complete")).to_be_checked()
    screenshot(page, "upload-review-desktop")
    assert Work.objects.count() == 0  # nothing saved by the upload itself

    # The file names no fandom tag and AO3's rules require one: the author adds it on
    # review. No warning in the file either: the honest default is pre-chosen.
    expect(page.get_by_label("Fandoms")).to_have_value("")
    expect(page.get_by_label("Creator Chose Not To Use Archive Warnings")).to_be_checked()
    page.get_by_label("Fandoms").fill("Naruto")
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(re.compile(r".*/works/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Moving On")
    expect(page.locator(".story-text")).to_contain_text("Gemna")
    expect(page.locator(".work-meta")).to_contain_text("Teen And Up Audiences")
    expect(page.locator(".work-meta")).to_contain_text("27 February 2008")
    expect(page.locator(".work-link")).to_contain_text("Loathing")
    moving_on_url = page.url

    page.get_by_role("link", name="Post", exact=True).click()
    page.get_by_label("Title:", exact=True).fill("Loathing")
    page.get_by_label("Rating").select_option(label="Teen And Up Audiences")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Fandoms").fill("Naruto")
    page.get_by_label("Published").fill("2007-11-02")
    page.get_by_label("Chapter text").fill("Iruka *hated* him.\n\nThat was all.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview em")).to_have_text("hated")
    screenshot(page, "post-form-preview-desktop")
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(re.compile(r".*/works/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Loathing")

    followed = page.locator(".work-meta dt", has_text="Followed by:")
    expect(followed).to_have_count(1)
    page.locator(".work-meta").get_by_role("link", name="Moving On").click()
    assert page.url == moving_on_url
    expect(page.locator(".work-meta dt", has_text="Sequel to:")).to_have_count(1)
    sequel_link = page.locator(".work-link").get_by_role("link", name="Loathing")
    expect(sequel_link).to_be_visible()
    sequel_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Loathing")

    page.get_by_role("link", name="Edit work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit “Loathing”")
    screenshot(page, "edit-desktop")


def test_author_edits_on_a_phone_and_the_pages_fit(phone_page, seeds):
    phone_page.goto("/accounts/signup/")
    screenshot(phone_page, "signup-phone")
    author = factories.UserFactory(username="phoneauthor")
    work = factories.WorkFactory(title="Small Screens", creators=[author], chapters=3)
    log_in(phone_page, "phoneauthor", factories.PASSWORD)

    for path, name in (
        ("/post/", "post-form-phone"),
        ("/post/upload/", "upload-phone"),
        (f"/works/{work.pk}/edit/", "edit-phone"),
        (f"/works/{work.pk}/chapters/2/edit/", "chapter-edit-phone"),
    ):
        phone_page.goto(path)
        overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways on a phone by {overflow}px"
        screenshot(phone_page, name)

    phone_page.goto("/post/upload/")
    phone_page.get_by_label("Story file").set_input_files(str(seeds / "moving-on.txt"))
    phone_page.get_by_role("button", name="Read the file").click()
    expect(phone_page.get_by_label("Title:", exact=True)).to_have_value("Moving On")
    assert phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(phone_page, "upload-review-phone")

    phone_page.goto(f"/works/{work.pk}/edit/")
    phone_page.get_by_label("Position of Chapter 1").fill("3")
    phone_page.get_by_label("Position of Chapter 3").fill("1")
    phone_page.get_by_role("button", name="Save chapter order").click()
    expect(phone_page.locator(".messages")).to_contain_text("reordered")
    assert list(work.chapters.order_by("position").values_list("body", flat=True))[0].startswith(
        "The text of chapter 3."
    )


def test_pressing_enter_in_the_post_form_previews_and_saves_nothing(page):
    factories.UserFactory(username="keyboarder")
    log_in(page, "keyboarder", factories.PASSWORD)
    page.goto("/post/")
    page.keyboard.press("Tab")  # the skip link comes first for keyboard users
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_label("Chapter text").fill("Typed with the keyboard.")
    # Everything AO3's posting rules require, so that the form could be posted as is.
    page.get_by_label("Fandoms").fill("Naruto")
    page.get_by_label("No Archive Warnings Apply").check()
    page.get_by_label("Title:", exact=True).fill("Keyboard Work")
    page.get_by_label("Title:", exact=True).press("Enter")
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    assert not Work.objects.filter(title="Keyboard Work").exists()


def test_tag_fields_suggest_existing_tags_after_a_comma(page):
    factories.UserFactory(username="tagger")
    # Suggested tags are ones readers can see: a posted work uses them.
    factories.WorkFactory(
        tags=[
            factories.TagFactory(name="Hatake Kakashi", kind="character"),
            factories.TagFactory(name="Umino Iruka", kind="character"),
        ]
    )
    log_in(page, "tagger", factories.PASSWORD)
    page.goto("/post/")
    field = page.get_by_label("Characters")
    field.fill("Umino Iruka, Hat")
    options = page.locator(f"#{field.get_attribute('id')}-suggestions option")
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == "Umino Iruka, Hatake Kakashi"
