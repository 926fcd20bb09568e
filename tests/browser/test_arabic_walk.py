"""A young person's journey on a phone (360×740) in Arabic, from a poster made for their group.

Staff make a join code set to Arabic; the phone opens its address and the join page is in
Arabic, right to left. The young person joins, proposes an idea written in Arabic (the
language of their idea is guessed and they keep it), votes, hears back in Arabic when staff
answer them in Arabic, and reads staff's English translation of an idea someone wrote in Dari,
with the original a tap away. axe checks each new state on the way. The steps find what they
press by its Arabic words, read from the Arabic catalogue.
"""

import re
from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.languages import TRANSLATIONS
from app.models import Consultation, Idea, IdeaStatus, User
from app.seed import DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS
from tests.browser.steps import sign_in
from tests.browser.test_young_person_walk import SECONDARY, TEEN_IDEAS, TEEN_SPACE, axe_violations

pytestmark = pytest.mark.browser

ARABIC = Translations.load(str(TRANSLATIONS), ["ar"])
SCREENS = ARTIFACTS / "screens"
DARI_TITLE = "کتاب‌های بیشتر به زبان دری"
DARI_WORDS = "ما کتاب‌های داستان به زبان دری می‌خواهیم، برای نوجوانانی که تازه آمده‌اند."
MY_TITLE = "نادي للواجبات المدرسية يوم السبت"
MY_WORDS = "نريد ناديًا للواجبات المدرسية صباح السبت، لمن يعمل بعد المدرسة."
ANSWER = "فكرة رائعة! سننظر فيها هذا الشهر."


def ar(english: str, **values) -> str:
    """The Arabic words the app shows for this English."""
    words = ARABIC.gettext(english)
    assert words != english, f"not translated into Arabic: {english}"
    return words % values if values else words


def add_dari_idea(database: Path) -> int:
    """An idea another young person wrote in Dari, published in the teen space; its id."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "x"})
    with app.app_context():
        teen_space = db.session.execute(
            select(Consultation).where(Consultation.question == TEEN_SPACE)
        ).scalar_one()
        robin = db.session.execute(select(User).where(User.username == "robin_writes")).scalar_one()
        idea = Idea(
            consultation=teen_space,
            author=robin,
            title=DARI_TITLE,
            description=DARI_WORDS,
            language="fa_AF",
            status=IdeaStatus.PUBLISHED,
        )
        db.session.add(idea)
        db.session.commit()
        idea_id = idea.id
        db.session.remove()
        db.engine.dispose()
    return idea_id


def test_a_young_person_walks_through_in_arabic(
    browser_page: Page, live_server: str, page_log, tmp_path
):
    phone = browser_page
    found = {}
    dari_idea = add_dari_idea(tmp_path / "browser.db")

    # Staff (in English) make a code for a refugee support group, set to Arabic.
    staff = phone.context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(live_server)
    sign_in(staff, "library_staff", DEMO_PASSWORD)
    staff.goto(f"{live_server}/staff/join-codes/new")
    staff.get_by_label("Name of the session").fill("Refugee support project")
    staff.get_by_label("Library service").select_option(index=1)
    staff.get_by_label("Language of the join page").select_option("ar")
    staff.get_by_role("button", name="Make the code").click()
    # The poster says its words in Arabic as well as English.
    expect(staff.locator('.poster-heading [lang="ar"]')).to_have_text(
        ar("Share your ideas for your library")
    )
    address = staff.locator(".poster-url").inner_text().strip()

    # The phone opens the poster's address: the join page is in Arabic, right to left.
    phone.goto(address)
    assert phone.evaluate("[document.documentElement.lang, document.dir]") == ["ar", "rtl"]
    expect(phone.get_by_role("heading", level=1, name=ar("Join with a code"))).to_be_visible()
    found["join"] = axe_violations(phone)
    passphrase = phone.locator(".passphrase").inner_text().strip()
    phone.get_by_label(ar("Choose a name to use here")).fill("noor_reads")
    phone.get_by_label(ar("Choose a password")).fill(passphrase)
    phone.get_by_label(ar("Type the password again")).fill(passphrase)
    phone.get_by_label(ar("%(youngest)s to %(oldest)s", youngest="11", oldest="13")).check()
    phone.get_by_role("button", name=ar("Join")).click()
    expect(phone.get_by_role("status")).not_to_be_empty()

    # An idea written in Arabic: its language is guessed as the words are typed, and kept.
    phone.get_by_role("link", name=SECONDARY).first.click()
    phone.get_by_role("link", name=ar("Share an idea")).first.click()
    phone.get_by_label(ar("Your idea in a few words")).fill(MY_TITLE)
    phone.get_by_label(re.compile("^" + re.escape(ar("Tell us more")))).fill(MY_WORDS)
    expect(phone.get_by_label(ar("Language of your idea"))).to_have_value("ar")
    found["propose"] = axe_violations(phone)
    phone.get_by_role("button", name=ar("Send my idea")).click()
    expect(phone.get_by_role("status")).not_to_be_empty()
    mine = phone.url

    # A vote in the teen space.
    phone.goto(f"{live_server}/")
    phone.get_by_role("link", name=TEEN_SPACE).click()
    phone.get_by_role("button", name=f"{ar('Vote for this idea')}: {TEEN_IDEAS[0]}").click()
    expect(
        phone.get_by_role("button", name=re.compile(re.escape(TEEN_IDEAS[0]))).first
    ).to_be_visible()
    found["voted"] = axe_violations(phone)

    # Staff publish the idea, then take it into consideration with a message in Arabic, the
    # language its author reads (the form offers it first).
    idea_id = re.search(r"/ideas/(\d+)", mine).group(1)
    for decision, message in (("Approve and publish", ""), ("Consider it", ANSWER)):
        staff.goto(f"{live_server}/staff/ideas/{idea_id}")
        staff.get_by_label("Decision").select_option(label=decision)
        if message:
            expect(staff.get_by_label("Language of your message")).to_have_value("ar")
            staff.get_by_label("Message to the young person").fill(message)
        staff.get_by_role("button", name="Save decision").click()
        expect(staff.get_by_role("status")).not_to_be_empty()

    # Staff translate the Dari idea into English.
    staff.goto(f"{live_server}/staff/ideas/{dari_idea}")
    staff.get_by_label("Title in English").fill("More books in Dari")
    staff.get_by_label("Description in English").fill(
        "We want story books in Dari, for teenagers who have just arrived."
    )
    staff.get_by_role("button", name="Save the translation").click()
    expect(staff.get_by_role("status")).not_to_be_empty()

    # The phone hears back, in Arabic, and reads staff's answer in Arabic.
    phone.goto(f"{live_server}/notices")
    words = phone.locator(".notice-words").first
    expect(words).to_contain_text(MY_TITLE)
    assert re.search(r"[\u0600-\u06ff]{4,}", words.inner_text().replace(MY_TITLE, ""))
    words.get_by_role("link").click()
    expect(phone.locator(f'[lang="ar"]:has-text("{ANSWER}")').first).to_be_visible()
    found["answered"] = axe_violations(phone)
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENS / "idea-answered-ar-360.png"), full_page=True)

    # Someone else's idea in Dari: staff's English translation, the original a tap away.
    phone.goto(f"{live_server}/ideas/{dari_idea}")
    expect(phone.get_by_role("heading", level=1, name="More books in Dari")).to_be_visible()
    expect(phone.get_by_text(ar("Translated by library staff"))).to_be_visible()
    phone.get_by_text(ar("Show the original")).click()
    original = phone.locator('[lang="fa-AF"]').filter(has_text=DARI_TITLE).first
    expect(original).to_be_visible()
    found["translated"] = axe_violations(phone)
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENS / "idea-translated-ar-360.png"), full_page=True)

    assert {state: problems for state, problems in found.items() if problems} == {}
    assert page_log.requests_elsewhere(live_server) == []
    assert page_log.console_errors == []
    assert page_log.csp_violations == []
