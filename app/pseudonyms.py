"""Pseudonyms that pass for library staff: a role's name, or a name like a member of staff's.

A child reading an answer signed `library-staff`, `Admin1` or `m0derator` would take it as
the library's word. Names are compared by their skeleton: in lower case, without dashes,
underscores, dots or the digits around them, and with characters that pass for letters read
as those letters (`0` as `o`, `1` and `l` as `i`, `rn` as `m`...). Pseudonyms are plain ASCII
(app/auth/services.py), so letters from other alphabets cannot pass for Latin ones here.
"""

import re

SEPARATORS = re.compile(r"[-_.\s]+")
DIGITS_AROUND = re.compile(r"^\d+|\d+$")
NOT_LETTERS = re.compile(r"[^a-z]+")
# One character for each, so a skeleton is never longer than the name it comes from.
LOOK_ALIKES = str.maketrans("0134578l", "oieastbi")
LOOK_ALIKE_PAIRS = (("rn", "m"), ("vv", "w"))

# Names of roles and of the people who hold them: refused as the whole name, or as one part
# of it (`staff_sam`, `4dmin-2`).
ROLE_NAMES = (
    "admin",
    "administrator",
    "sysadmin",
    "superuser",
    "moderator",
    "mod",
    "staff",
    "librarian",
    "safeguarding",
    "safeguard",
    "qlp",
    "official",
    "webmaster",
)
# Of those, the ones no ordinary word starts or ends with: refused inside a name too
# (`samtheadmin`, `librarianjo`). `staff` is not (Staffordshire, flagstaff), nor `mod` (model).
ROLE_NAMES_ANYWHERE = ("admin", "administrator", "moderator", "librarian", "safeguarding", "qlp")
# Words that sound official together, or alone, though each is fine beside others: `library`
# alone or `library_team` is refused, `library_lover` or `team_rocket` is not.
OFFICIAL_WORDS = (
    "library",
    "libraries",
    "team",
    "reviewer",
    "review",
    "leader",
    "lead",
    "support",
    "help",
    "helpdesk",
    "desk",
    "service",
    "council",
    "manager",
    "officer",
    "worker",
    "member",
    "owner",
    "root",
    "system",
    "bot",
    "account",
)
# Words that make nothing official by themselves (`young_people` is fine) but go with those
# that do (`the_library`, `youth_worker`, `quality_leader`).
FILLER_WORDS = ("the", "real", "our", "your", "youth", "young", "people", "quality", "site")


def skeleton(text: str) -> str:
    """What `text` looks like: lower case, no separators, look-alike characters as letters."""
    text = SEPARATORS.sub("", text.lower()).translate(LOOK_ALIKES)
    for pair, letter in LOOK_ALIKE_PAIRS:
        text = text.replace(pair, letter)
    return text


def name_skeleton(username: str) -> str:
    """The skeleton kept for each account, to find names like a member of staff's: without
    the digits around the name (`sam_reads2` is `samreads`), unless it is only digits."""
    bare = DIGITS_AROUND.sub("", SEPARATORS.sub("", username.lower()))
    return skeleton(bare or username)


def readings(username: str) -> set[str]:
    """The skeletons a name may be read as: with the digits around it left out, or read as
    letters (`4dmin` is `admin`)."""
    return {name_skeleton(username), skeleton(username)}


def _plurals(words) -> frozenset[str]:
    """The words' skeletons, each also with an `s`."""
    return frozenset(form for word in words for form in (skeleton(word), skeleton(word) + "s"))


ROLES = _plurals(ROLE_NAMES)
ROLES_ANYWHERE = tuple(skeleton(word) for word in ROLE_NAMES_ANYWHERE)
OFFICIAL = ROLES | _plurals(OFFICIAL_WORDS)
FILLERS = _plurals(FILLER_WORDS)


def _made_of_official_words(text: str) -> bool:
    """Whether `text` is official words and fillers run together, at least one official."""
    # ways[i]: what the first i characters can be split into: {False} only fillers so far,
    # {True} at least one official word.
    ways: list[set[bool]] = [set() for _ in range(len(text) + 1)]
    ways[0].add(False)
    for end in range(1, len(text) + 1):
        for start in range(end):
            if not ways[start]:
                continue
            word = text[start:end]
            if word in OFFICIAL:
                ways[end].add(True)
            elif word in FILLERS:
                ways[end].update(ways[start])
    return True in ways[len(text)]


def poses_as_a_role(username: str) -> bool:
    """Whether the name says its holder has a role here (staff, a moderator, an admin...)."""
    parts = [part for part in SEPARATORS.split(username.lower()) if part]
    parts += NOT_LETTERS.split(username.lower())
    if any(reading in ROLES for part in parts if part for reading in readings(part)):
        return True
    return any(
        _made_of_official_words(reading)
        or reading.startswith(ROLES_ANYWHERE)
        or reading.endswith(ROLES_ANYWHERE)
        for reading in readings(username)
    )
