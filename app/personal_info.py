"""Finding personal information in what young people write, offline, with plain regexes.

Every pattern is linear: each starts only where a word or number starts (a lookbehind), and
its repeats are bounded or separated by characters the next part cannot match, so a hostile
100 kB text costs a scan, never a backtracking storm.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from markupsafe import Markup, escape

from app.i18n import _l

# What a young person's words must not carry; the order breaks ties when matches overlap.
KINDS = ("email", "phone", "postcode", "street_address", "social_handle", "school")

# Said to staff beside each highlighted span, and to staff whose message was refused.
KIND_LABELS = {
    "email": _l("possible email address"),
    "phone": _l("possible phone number"),
    "postcode": _l("possible postcode"),
    "street_address": _l("possible street address"),
    "social_handle": _l("possible social media name"),
    "school": _l("possible school name"),
}

REMOVED = "[removed]"

_EMAIL = r"(?<![\w.%+-])[\w.%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])"

# UK numbers: a mobile (07...) or a landline (01, 02, 03), written with 0 or +44 (and perhaps
# "(0)"), then 8 or 9 more digits, each perhaps after one space, hyphen or closing bracket.
_PHONE = (
    r"(?<![\w+])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(?0)[1237]"
    r"(?:(?:[ -]|\)[ -]?)?\d){8,9}(?!\d)"
)

# The UK's postcode areas, so a made-up code like "PS4 2GB" is not taken for one.
_POSTCODE_AREAS = (
    "AB|AL|B|BA|BB|BD|BH|BL|BN|BR|BS|BT|CA|CB|CF|CH|CM|CO|CR|CT|CV|CW|DA|DD|DE|DG|DH|DL|"
    "DN|DT|DY|E|EC|EH|EN|EX|FK|FY|G|GL|GU|GY|HA|HD|HG|HP|HR|HS|HU|HX|IG|IM|IP|IV|JE|KA|"
    "KT|KW|KY|L|LA|LD|LE|LL|LN|LS|LU|M|ME|MK|ML|N|NE|NG|NN|NP|NR|NW|OL|OX|PA|PE|PH|PL|PO|"
    "PR|RG|RH|RM|S|SA|SE|SG|SK|SL|SM|SN|SO|SP|SR|SS|ST|SW|SY|TA|TD|TF|TN|TQ|TR|TS|TW|UB|"
    "W|WA|WC|WD|WF|WN|WR|WS|WV|YO|ZE"
)
_POSTCODE = (
    r"(?i:(?<![A-Za-z0-9])(?:"
    + _POSTCODE_AREAS
    + r")\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9]))"
)

# Street words that mean little else are found in any case ("12 high street"); those that
# are ordinary words too ("on the way", "in the park") only with capitals ("4 Elm Close").
_STREET_ANY_CASE = r"(?i:road|rd|street|avenue|ave|lane|crescent|terrace|grove|mews)"
_STREET_CAPITAL = r"(?:St|Way|Close|Court|Drive|Place|Gardens|Green|Hill|Park|Row|Walk|Square)"
_WORD = r"[A-Za-z][A-Za-z'-]{0,29} "
_CAPITALISED = r"[A-Z][A-Za-z'-]{0,29} "
_STREET = (
    r"(?<![\w.,:/-])\d{1,4}[A-Za-z]?,? "
    rf"(?:(?:{_WORD}){{1,3}}{_STREET_ANY_CASE}|(?:{_CAPITALISED}){{1,3}}{_STREET_CAPITAL})\b\.?"
)

# "@name" (not inside an email address, not "@5pm"), or a handle after a platform's name:
# "snap: jo" (a colon says a name follows), or "tiktok jo_123" (a name with a digit, an
# underscore or a dot, so "a tiktok club" is not taken for one).
_AT_HANDLE = (
    r"(?<![\w.@/])@(?!\d{1,2}(?::\d\d)?\s?(?i:am|pm)\b)"
    r"(?=[\w.]{0,29}[A-Za-z])[\w.]{2,30}(?<!\.)"
)
_PLATFORM = r"(?i:snap(?:chat)?|insta(?:gram)?|ig|tik ?tok|twitter|discord|twitch|kik)"
_PLATFORM_HANDLE = (
    rf"(?<!\w){_PLATFORM}(?:\s*:\s*@?[\w.]{{2,30}}|\s+@[\w.]{{2,30}}"
    r"|\s+[A-Za-z][\w.]{0,28}[\d_.][\w.]{0,28})(?<!\.)"
)

_PATTERNS = {
    "email": re.compile(_EMAIL),
    "phone": re.compile(_PHONE),
    "postcode": re.compile(_POSTCODE),
    "street_address": re.compile(_STREET),
    "social_handle": re.compile(f"{_AT_HANDLE}|{_PLATFORM_HANDLE}"),
}


@dataclass(frozen=True)
class Match:
    """One stretch of text that looks like personal information: text[start:end]."""

    kind: str
    start: int
    end: int


@lru_cache(maxsize=8)
def _school_pattern(school_names: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for every school name: whole words, any case, any spacing between words."""
    words = [[re.escape(word) for word in name.split()] for name in school_names]
    names = sorted((r"\s+".join(parts) for parts in words if parts), key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?i)(?<!\w)(?:" + "|".join(names) + r")(?!\w)")


def _merge(matches: list[Match]) -> list[Match]:
    """Merge overlapping matches into one, named after the longest of them."""
    merged: list[Match] = []
    rank = {kind: i for i, kind in enumerate(KINDS)}
    for match in sorted(matches, key=lambda m: (m.start, -m.end, rank[m.kind])):
        if merged and match.start < merged[-1].end:
            last = merged[-1]
            longer = last if last.end - last.start >= match.end - match.start else match
            merged[-1] = Match(longer.kind, last.start, max(last.end, match.end))
        else:
            merged.append(match)
    return merged


def find_personal_info(text: str, school_names: Sequence[str] = ()) -> list[Match]:
    """Every stretch of `text` that looks like personal information, in order, none overlapping.

    `school_names` are the local schools to look for (the SAFEGUARDING_SCHOOL_NAMES setting).
    """
    patterns = list(_PATTERNS.items())
    school = _school_pattern(tuple(school_names))
    if school is not None:
        patterns.append(("school", school))
    found = [
        Match(kind, m.start(), m.end())
        for kind, pattern in patterns
        for m in pattern.finditer(text)
    ]
    return _merge(found)


def personal_info_in(text: str) -> list[Match]:
    """`find_personal_info` with the application's local school names."""
    return find_personal_info(text, current_app.config.get("SAFEGUARDING_SCHOOL_NAMES", ()))


def kinds_found(matches: Iterable[Match]) -> list[str]:
    """The kinds among these matches, each once, in the order of KINDS."""
    present = {match.kind for match in matches}
    return [kind for kind in KINDS if kind in present]


def describe(matches: Iterable[Match]) -> str:
    """The kinds found, in words, for a message: "possible phone number, possible email..."."""
    return ", ".join(str(KIND_LABELS[kind]) for kind in kinds_found(matches))


def highlight(text: str, matches: Sequence[Match]) -> Markup:
    """`text`, escaped, with each match in a <mark> that names its kind for screen readers."""
    parts, position = [], 0
    for match in matches:
        parts.append(escape(text[position : match.start]))
        parts.append(
            Markup(
                '<mark class="personal-info"><span class="visually-hidden">{}: </span>{}</mark>'
            ).format(KIND_LABELS[match.kind], text[match.start : match.end])
        )
        position = match.end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def remove_matches(text: str, matches: Sequence[Match]) -> str:
    """`text` with each match replaced by "[removed]"."""
    parts, position = [], 0
    for match in matches:
        parts += [text[position : match.start], REMOVED]
        position = match.end
    parts.append(text[position:])
    return "".join(parts)
