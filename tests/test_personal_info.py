"""Finding personal information in young people's words: what is found, what is left alone."""

import pytest

from app.config import school_names
from app.personal_info import (
    Match,
    find_personal_info,
    highlight,
    remove_matches,
)

SCHOOLS = ("Oakfield Academy", "St Mary's Primary", "Hillside")


def found(text: str, schools=SCHOOLS) -> list[tuple[str, str]]:
    """Each match as (kind, the words matched)."""
    return [(m.kind, text[m.start : m.end]) for m in find_personal_info(text, schools)]


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        ("text me on 07700 900123 after school", "phone", "07700 900123"),
        ("my number is 07700900123", "phone", "07700900123"),
        ("ring 07700 900 123", "phone", "07700 900 123"),
        ("call +44 7700 900123", "phone", "+44 7700 900123"),
        ("call +447700900123", "phone", "+447700900123"),
        ("home is +44 (0)20 7946 0000", "phone", "+44 (0)20 7946 0000"),
        ("nan's on (020) 7946 0000", "phone", "(020) 7946 0000"),
        ("0161-496-0000 is the number", "phone", "0161-496-0000"),
        ("try 01632 960000", "phone", "01632 960000"),
        ("or 0300 123 4567", "phone", "0300 123 4567"),
        ("email jo.bloggs@example.co.uk please", "email", "jo.bloggs@example.co.uk"),
        ("JO_99+clubs@Mail.Example.com", "email", "JO_99+clubs@Mail.Example.com"),
        ("my postcode is SW1A 1AA", "postcode", "SW1A 1AA"),
        ("near m1 1ae", "postcode", "m1 1ae"),
        ("B33 8TH", "postcode", "B33 8TH"),
        ("postcode cr26xh", "postcode", "cr26xh"),
        ("I live at 12 High Street", "street_address", "12 High Street"),
        ("come to 4 Elm Close", "street_address", "4 Elm Close"),
        ("221b baker street", "street_address", "221b baker street"),
        ("it's 7, Mill Lane", "street_address", "7, Mill Lane"),
        ("32 Upper Church Rd.", "street_address", "32 Upper Church Rd."),
        ("flat 3 at 18 St John's Way", "street_address", "18 St John's Way"),
        ("follow me @jo_bloggs", "social_handle", "@jo_bloggs"),
        ("add me on snap: jojo", "social_handle", "snap: jojo"),
        ("insta:jo.b", "social_handle", "insta:jo.b"),
        ("my tiktok jo_123", "social_handle", "tiktok jo_123"),
        ("snapchat @jojo", "social_handle", "snapchat @jojo"),
        ("I go to Oakfield Academy", "school", "Oakfield Academy"),
        ("everyone at OAKFIELD  academy", "school", "OAKFIELD  academy"),
        ("St Mary's Primary is near", "school", "St Mary's Primary"),
        ("kids from hillside", "school", "hillside"),
    ],
)
def test_personal_information_is_found(text, kind, words):
    """Phone numbers, emails, postcodes, addresses, handles and local schools are found."""
    assert found(text) == [(kind, words)]


@pytest.mark.parametrize(
    "text",
    [
        "Could the library open at 7 on Fridays?",
        "2 more computers and 13 year olds allowed in the gaming room",
        "A club for Year 7 and Year 8",
        "Open 7 days a week from 9 till 5",
        "Games night every 2nd Tuesday of the month",
        "In 2023 we borrowed 1,200 books",
        "Meet @ 5pm or @5pm at the front desk",
        "Homework help on the way home from school",
        "5 kids playing in the park",
        "A tiktok club for making videos",
        "Insta photos of our reading",
        "We need 2 more bike lanes",
        "PS4 2GB games",
        "Score 0 1 2 3 stars",
        "the 21st century library",
        "Books about Hillsides and hills",
        "A 3D printer, 10 laptops and 1 more table",
        "Phone charging points",
        "",
    ],
)
def test_ordinary_ideas_are_not_flagged(text):
    """Numbers, times and places in ordinary ideas are not taken for personal information."""
    assert found(text) == []


def test_school_names_are_found_only_when_configured():
    """Without the setting, a school's name is just words."""
    assert found("I go to Oakfield Academy", schools=()) == []


def test_each_kind_is_found_in_one_text_in_order():
    """Several details in one idea are each found, in the order they appear."""
    text = "Jo, 07700 900123, jo@example.com, 12 High Street, M1 1AE, @jo_b, Oakfield Academy"
    assert [kind for kind, _ in found(text)] == [
        "phone",
        "email",
        "street_address",
        "postcode",
        "social_handle",
        "school",
    ]


def test_overlapping_matches_are_merged_into_one():
    """An address running into a school's name is one match, named after the longer."""
    schools = ("High Street Academy",)
    text = "see you at 12 High Street Academy"
    assert find_personal_info(text, schools) == [Match("school", 11, 33)]


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 100_000,
        "0 " * 50_000,
        "@" * 100_000,
        "a@" * 50_000,
        "a@" + "a." * 50_000 + "1",
        "x.y" * 33_000 + "@",
        "1 a " * 25_000,
        "12 " + "High " * 20_000,
        "snap: " * 16_000,
        "+44" * 33_000,
        "07700 " * 16_000,
        "Oakfield " * 12_000,
    ],
    ids=lambda text: repr(text[:12]),
)
def test_long_hostile_text_is_scanned_and_returns(hostile):
    """100 kB of repeated near-misses completes: the patterns never backtrack without bound."""
    assert isinstance(find_personal_info(hostile, SCHOOLS), list)


def test_highlighting_marks_each_match_names_it_and_escapes_the_rest(app):
    """Only the markup we build is markup: <mark> around matches, everything else escaped."""
    text = "<b>call</b> 07700 900123 & <script>x</script>"
    marked = str(highlight(text, find_personal_info(text)))
    assert marked.startswith("&lt;b&gt;call&lt;/b&gt; <mark")
    assert '<span class="visually-hidden">possible phone number: </span>07700 900123</mark>' in (
        marked
    )
    assert "&amp; &lt;script&gt;x&lt;/script&gt;" in marked
    assert "<script>" not in marked


def test_markup_inside_a_match_is_escaped(app):
    """Words inside a highlighted match are escaped too."""
    text = "@jo<i>"
    assert "@jo</mark>&lt;i&gt;" in str(highlight(text, find_personal_info(text)))


def test_removing_matches_replaces_each_with_removed():
    """The quick redaction keeps the young person's other words."""
    text = "Call 07700 900123 or email jo@example.com about it"
    assert remove_matches(text, find_personal_info(text)) == (
        "Call [removed] or email [removed] about it"
    )


def test_school_names_setting_reads_semicolons_new_lines_and_a_file(tmp_path):
    """Names come from the variable and from a file, comments and blanks left out."""
    listing = tmp_path / "schools.txt"
    listing.write_text("# Riverside schools, 2026\nHillside\n\nSt Mary's Primary;Oakfield\n")
    assert school_names("Oakfield Academy; Hillside\nGreen Lane School", str(listing)) == (
        "Oakfield Academy",
        "Hillside",
        "Green Lane School",
        "St Mary's Primary",
        "Oakfield",
    )
    assert school_names("", None) == ()


def test_a_school_names_file_that_cannot_be_read_stops_the_start(tmp_path):
    """A wrong path fails loudly rather than quietly checking for no schools."""
    with pytest.raises(OSError):
        school_names("", str(tmp_path / "missing.txt"))
