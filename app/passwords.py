"""Passwords: suggesting easy ones, refusing easy guesses, Argon2id hashing, and upgrading
older hashes at sign-in."""

import secrets
from contextlib import suppress
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

from app.i18n import _l


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    """One Argon2id hasher per set of cost settings."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def _costs() -> tuple[int, int, int]:
    """This application's Argon2 cost settings (tests choose cheap ones)."""
    config = current_app.config
    return config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]


def _hasher() -> PasswordHasher:
    """The hasher with this application's cost settings."""
    return _hasher_for(*_costs())


@lru_cache(maxsize=4)
def _decoy_for(time_cost: int, memory_cost: int, parallelism: int) -> str:
    """A hash no password matches in practice, made at these costs once per process."""
    return _hasher_for(time_cost, memory_cost, parallelism).hash("this hash belongs to no one")


def check_no_account(password: str) -> None:
    """Spend on a name with no account what checking a real one spends.

    Signing in then takes as long whether or not the name exists, so its timing does not
    tell an attacker which pseudonyms are taken.
    """
    with suppress(VerificationError):
        _hasher().verify(_decoy_for(*_costs()), password)


def hash_password(password: str) -> str:
    """A salted Argon2id hash of the password, in the standard encoded form."""
    return _hasher().hash(password)


def check_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a fresh hash to store when the stored one is outdated.

    Hashes made before Argon2 (Werkzeug's scrypt and pbkdf2) and Argon2 hashes made at a
    lower cost still sign people in; the caller replaces them with the hash returned.
    """
    hasher = _hasher()
    if stored_hash.startswith("$argon2"):
        try:
            hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False, None
        return True, hasher.hash(password) if hasher.check_needs_rehash(stored_hash) else None
    try:
        matches = check_password_hash(stored_hash, password)
    except ValueError:  # not a hash Werkzeug knows either
        return False, None
    return matches, hasher.hash(password) if matches else None


# zxcvbn's estimate of how hard a password is to guess, from 0 to 4: below 2, a password falls
# to an online attack of common passwords, names and keyboard patterns within hours.
GUESSABLE_BELOW = 2
# Words anyone guessing a password here would try first.
PLATFORM_WORDS = ("library", "libraries", "youth", "consultation", "ideas", "vote")
# zxcvbn refuses longer input; a password that long is not guessed from its first 72 characters.
_ESTIMATE_LENGTH = 72


def weak_password_reason(password: str, *context: str):
    """Why this password is too easy to guess, or None when it is fine.

    Uses zxcvbn's lists of common passwords, names and words, offline, and counts the
    person's own pseudonym (`context`) and this platform's words as easy guesses.
    """
    inputs = [word for word in (*context, *PLATFORM_WORDS) if word]
    estimate = zxcvbn(password[:_ESTIMATE_LENGTH], user_inputs=inputs)
    if estimate["score"] >= GUESSABLE_BELOW:
        return None
    return _l(
        "That password would be easy to guess. Try three or four words you will remember, "
        "with spaces or dashes between them, like a short silly sentence."
    )


# Easy words children know and can spell, for suggested passwords. Kept short and friendly.
# fmt: off
PASSPHRASE_WORDS = (
    "apple", "badger", "banana", "beach", "bear", "bee", "berry", "bird", "biscuit", "boat",
    "book", "bubble", "bunny", "cake", "camel", "candle", "carrot", "castle", "cat", "cloud",
    "clover", "comet", "cookie", "crab", "crayon", "cupcake", "daisy", "dolphin", "dragon",
    "drum", "duck", "eagle", "feather", "fern", "finch", "fish", "flower", "forest", "fox",
    "frog", "garden", "giraffe", "goat", "grape", "hamster", "hat", "hedgehog", "hippo",
    "honey", "horse", "island", "jelly", "kite", "koala", "ladder", "lemon", "leopard", "lion",
    "llama", "lobster", "mango", "maple", "meadow", "melon", "mitten", "monkey", "moon",
    "mouse", "mushroom", "nest", "ocean", "octopus", "orange", "otter", "owl", "panda",
    "parrot", "peach", "peanut", "pebble", "pencil", "penguin", "pepper", "pickle", "pillow",
    "pirate", "planet", "plum", "pony", "puffin", "pumpkin", "puppy", "rabbit", "rainbow",
    "robin", "rocket", "sandal", "seal", "shell", "sheep", "ship", "snail", "snow", "sock",
    "spider", "star", "strawberry", "sunflower", "swan", "teapot", "tiger", "toast", "tomato",
    "tortoise", "tractor", "train", "tree", "tulip", "turtle", "unicorn", "violin", "volcano",
    "wagon", "walrus", "whale", "wizard", "yogurt", "zebra",
)
# fmt: on
PASSPHRASE_LENGTH = 4


def suggest_passphrase() -> str:
    """Four different easy words, such as "otter rocket plum daisy": easy to remember, hard
    to guess (128 words, so about 260 million such passwords)."""
    return " ".join(secrets.SystemRandom().sample(PASSPHRASE_WORDS, PASSPHRASE_LENGTH))


def kept_or_new_passphrase(suggested: str | None) -> str:
    """The passphrase a form sent back carries, if it is one we could have suggested (four
    different words of ours); otherwise a new one. A form sent back with a mistake then
    suggests the same words, and nothing typed into the hidden field reaches the page."""
    words = (suggested or "").split(" ")
    if (
        len(words) == PASSPHRASE_LENGTH
        and len(set(words)) == PASSPHRASE_LENGTH
        and all(word in PASSPHRASE_WORDS for word in words)
    ):
        return " ".join(words)
    return suggest_passphrase()
