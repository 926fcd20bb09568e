"""Young people's pages read easily: Flesch reading ease of at least 70 on every one of them."""

from html.parser import HTMLParser

import pytest
import textstat
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.seed import DEMO_PASSWORD, load_demo_data
from tests.browser.test_layout import PAGES as LAYOUT_PAGES
from tests.conftest import csrf_token, shared_rows

READING_EASE_MIN = 70

# The demo data's pages as young people see them, not signed in and signed in as one of them:
# the same pages the browser's layout check walks.
PAGES = {who: LAYOUT_PAGES[who] for who in (None, "sam_reads", "robin_writes")}
# "Our year in numbers", for young people too.
PAGES[None] = [*PAGES[None], "/numbers", "/numbers/1"]

# Each of these ends a unit of reading, as a full stop does: a heading, an item in a list, a
# button or a label is read as a sentence of its own, not run on into the next.
BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "button",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "label",
        "legend",
        "li",
        "nav",
        "ol",
        "option",
        "p",
        "section",
        "select",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
SKIPPED = frozenset({"script", "style", "svg", "template", "noscript"})


class MainText(HTMLParser):
    """The words of a page's <main>, with a full stop after each block that lacks one."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        elif self.depth and tag in SKIPPED:
            self.skipping += 1
        elif self.depth and tag in BLOCKS:
            self._end_sentence()

    def handle_endtag(self, tag):
        if tag == "main":
            self._end_sentence()
            self.depth -= 1
        elif self.depth and tag in SKIPPED:
            self.skipping -= 1
        elif self.depth and tag in BLOCKS:
            self._end_sentence()

    def handle_data(self, data):
        if self.depth and not self.skipping and data.strip():
            self.parts.append(" ".join(data.split()))

    def _end_sentence(self):
        if self.parts and self.parts[-1][-1] not in ".!?:":
            self.parts[-1] += "."

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def main_text(html: str) -> str:
    """What a person reads in a page's main content, sentence by sentence."""
    parser = MainText()
    parser.feed(html)
    return parser.text


def reading_ease(text: str) -> float:
    """Flesch reading ease (higher is easier; 70 and up reads easily at about age 12)."""
    return textstat.flesch_reading_ease(text)


def test_the_measure_tells_plain_words_from_policy_wording():
    """The measure itself: a short plain sentence passes, the Promise's wording does not."""
    assert reading_ease("You can share an idea. Other people vote for the ones they like.") >= 70
    assert (
        reading_ease(
            "They have the opportunity to engage with imaginative digital opportunities through "
            "public libraries, building their skills, knowledge and creativity."
        )
        < 70
    )


def test_main_text_reads_each_block_as_a_sentence():
    """Headings, list items and buttons end sentences; scripts and markup are left out."""
    html = (
        "<nav>Skip me</nav><main><h1>Ideas</h1><ul><li>One idea</li><li>Two!</li></ul>"
        "<p>Vote <a href='#'>here</a> now</p><script>var x;</script><button>Vote</button></main>"
    )
    assert main_text(html) == "Ideas. One idea. Two! Vote here now. Vote."


@shared_rows
def demo(make) -> None:
    """The demo data, loaded."""
    assert load_demo_data() is True


def sign_in(client, name: str) -> None:
    """Sign a demo account in through the form."""
    response = client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(client), "username": name, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 303


@pytest.mark.parametrize("who", list(PAGES))
def test_young_peoples_pages_read_easily(demo, client, who):
    """Every young people's page scores at least 70 on the Flesch reading ease scale."""
    if who is not None:
        assert db.session.execute(select(User).where(User.username == who)).scalar_one()
        sign_in(client, who)
    scores = {}
    for path in PAGES[who]:
        response = client.get(path)
        assert response.status_code == 200, path
        scores[path] = round(reading_ease(main_text(response.get_data(as_text=True))), 1)
    # The figures, for `pytest -s tests/test_reading_ease.py`.
    print(who, scores)
    hard = {path: score for path, score in scores.items() if score < READING_EASE_MIN}
    assert hard == {}, scores
