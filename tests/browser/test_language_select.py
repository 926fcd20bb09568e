"""The language of an idea, in a real browser: the select follows the words being typed until
the author chooses a language of their own."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sending_ideas import open_propose_form
from tests.test_idea_languages import EVERY_LANGUAGE, SENTENCES

pytestmark = pytest.mark.browser


@pytest.fixture
def live_config() -> dict:
    """A deployment offering all eight languages."""
    return {"LANGUAGES": EVERY_LANGUAGE}


def test_the_language_select_follows_the_words_typed(browser_page: Page, live_server):
    page = browser_page
    open_propose_form(page, live_server)
    language = page.get_by_label("Language of your idea")
    expect(language).to_have_value("en")
    page.get_by_label("Tell us more").fill(SENTENCES["uk"])
    page.get_by_label("Your idea in a few words").fill("Тиха кімната")
    expect(language).to_have_value("uk")
    page.get_by_label("Your idea in a few words").fill("غرفة هادئة للدراسة")
    page.get_by_label("Tell us more").fill(SENTENCES["ar"])
    page.get_by_label("Your idea in a few words").fill("غرفة هادئة للدراسة بعد المدرسة")
    expect(language).to_have_value("ar")


def test_a_language_the_author_chose_stays_chosen(browser_page: Page, live_server):
    page = browser_page
    open_propose_form(page, live_server)
    language = page.get_by_label("Language of your idea")
    language.select_option("ps")
    page.get_by_label("Tell us more").fill(SENTENCES["uk"])
    page.get_by_label("Your idea in a few words").fill("Тиха кімната")
    expect(page.locator("#language-guess")).to_have_attribute("data-language", "uk")
    expect(language).to_have_value("ps")


def test_a_long_description_keeps_the_guesss_address_short_enough_for_the_server(
    browser_page: Page, live_server
):
    """gunicorn refuses a request line over 4 KB: the guess sends only the description's first
    words, so a long description in Arabic script (six characters a letter in an address)
    still gets its hint."""
    page = browser_page
    open_propose_form(page, live_server)
    addresses = []
    page.on("request", lambda request: addresses.append(request.url))
    page.get_by_label("Tell us more").fill((SENTENCES["ar"] + " ") * 40)
    page.get_by_label("Your idea in a few words").fill("غرفة هادئة للدراسة بعد المدرسة")
    expect(page.get_by_label("Language of your idea")).to_have_value("ar")
    hints = [address for address in addresses if "/similar?" in address]
    assert hints and max(len(address) for address in hints) < 4000
