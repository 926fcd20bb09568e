"""Passwords: Argon2id hashes, and older or cheaper hashes replaced when their owner signs in."""

import pytest
from argon2 import PasswordHasher
from werkzeug.security import generate_password_hash

from app.auth.services import authenticate
from app.extensions import db
from app.passwords import check_password, hash_password
from tests.conftest import PASSWORD, csrf_token


def sign_in(client, username: str, password: str = PASSWORD):
    """Post the sign-in form."""
    return client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(client), "username": username, "password": password},
    )


def test_new_passwords_are_hashed_with_argon2id_at_the_configured_cost(app):
    """A new hash names Argon2id and carries this application's memory, passes and lanes."""
    stored = hash_password("a long passphrase")
    assert stored.startswith("$argon2id$v=19$m=256,t=1,p=1$")
    assert check_password(stored, "a long passphrase") == (True, None)
    assert check_password(stored, "another passphrase") == (False, None)


def test_production_cost_is_owasps_minimum_for_argon2id():
    """19 MiB of memory, 2 passes and 1 lane, unless the environment asks for more."""
    from app.config import Config

    assert (Config.ARGON2_MEMORY_COST, Config.ARGON2_TIME_COST, Config.ARGON2_PARALLELISM) == (
        19 * 1024,
        2,
        1,
    )


@pytest.mark.parametrize(
    "old_hash",
    [
        pytest.param(lambda pw: generate_password_hash(pw, method="scrypt"), id="scrypt"),
        pytest.param(
            lambda pw: generate_password_hash(pw, method="pbkdf2:sha256:1000"), id="pbkdf2"
        ),
        pytest.param(
            lambda pw: PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash(pw),
            id="cheaper-argon2",
        ),
    ],
)
def test_signing_in_replaces_an_outdated_hash(client, make, old_hash):
    """The old hash still signs its owner in, and is swapped for today's Argon2id hash."""
    user = make.user()
    user.password_hash = old_hash(PASSWORD)
    db.session.commit()
    assert sign_in(client, user.username).status_code == 303
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$v=19$m=256,t=1,p=1$")
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    assert sign_in(client, user.username).status_code == 303


def test_a_wrong_password_leaves_an_old_hash_as_it_was(client, make):
    """Nothing is rewritten for someone who does not know the password."""
    user = make.user()
    old = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    user.password_hash = old
    db.session.commit()
    assert sign_in(client, user.username, "not-the-password").status_code == 400
    db.session.refresh(user)
    assert user.password_hash == old


def test_a_current_hash_is_not_rewritten_at_sign_in(make):
    """Signing in with a hash made at today's cost writes nothing."""
    user = make.user()
    before = user.password_hash
    assert authenticate(user.username, PASSWORD) == user
    db.session.refresh(user)
    assert user.password_hash == before


def test_an_unreadable_stored_hash_signs_nobody_in(make):
    """A damaged hash refuses the sign-in instead of failing with an error."""
    user = make.user()
    user.password_hash = "not a hash at all"
    db.session.commit()
    assert authenticate(user.username, PASSWORD) is None


def test_sign_in_finds_the_name_whatever_its_letter_case(client, make):
    """People type their name with or without capitals."""
    user = make.user(username="River_Fox")
    assert sign_in(client, "river_fox").status_code == 303
    assert user.username == "River_Fox"


def test_two_names_differing_only_in_capitals_cannot_both_exist(make):
    """The database itself refuses a second spelling of a taken name."""
    from sqlalchemy.exc import IntegrityError

    from app.models import Role, User

    make.user(username="River_Fox")
    db.session.add(User(username="RIVER_FOX", password_hash="x", role=Role.YOUNG_PERSON))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_signing_in_with_a_name_nobody_has_does_the_same_work_as_with_a_real_one(
    app, make, monkeypatch
):
    """A missing, a locked and a real name with a wrong password each cost one Argon2 check at
    today's cost, so how long sign-in takes does not tell which names exist."""
    real = make.user()
    locked = make.user()
    locked.active = False
    db.session.commit()
    checks = []
    verify = PasswordHasher.verify

    def counted(hasher, stored, password):
        checks.append((hasher.time_cost, hasher.memory_cost))
        return verify(hasher, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    costs = (app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])
    for name in (real.username, "nobody_has_this_name", locked.username):
        checks.clear()
        assert authenticate(name, "not the password") is None
        assert checks == [costs], name


@pytest.mark.parametrize(
    "password",
    ["password", "12345678", "qwertyuiop", "liverpool", "new_reader", "new_reader1", "library123"],
)
def test_common_and_personal_passwords_are_refused_with_a_passphrase_tip(app, password):
    """Common passwords, the person's own name and this site's words are refused; no account."""
    from app.auth.services import create_account
    from app.models import User
    from app.rules import RuleError

    with pytest.raises(RuleError) as refusal:
        create_account("new_reader", password, "11-13")
    assert refusal.value.field == "password"
    assert "three or four words" in str(refusal.value.message)
    assert db.session.query(User).filter_by(username="new_reader").count() == 0


@pytest.mark.parametrize("password", ["purple otter jumps", "bluecatsleeps", "Tr0ub4dor&3"])
def test_passphrases_are_accepted(app, password):
    """A few words together, or a long mixed password, make an account."""
    from app.auth.services import create_account

    assert create_account("new_reader", password, "11-13").username == "new_reader"


def test_a_password_over_200_characters_is_refused_saying_how_long_it_may_be(app):
    """Not "at least 8 characters": the message says what is wrong; 200 characters are fine."""
    from app.auth.services import create_account
    from app.models import User
    from app.rules import RuleError

    words = "purple otter jumps over the quiet river " * 6
    with pytest.raises(RuleError) as refusal:
        create_account("new_reader", words[:201], "11-13")
    assert refusal.value.field == "password"
    assert "up to 200 characters" in str(refusal.value.message)
    assert db.session.query(User).filter_by(username="new_reader").count() == 0
    assert create_account("new_reader", words[:200], "11-13").username == "new_reader"


def test_weak_password_on_the_join_form_is_explained_beside_the_password(client):
    """The join form keeps what was typed and puts the advice on the password field."""
    response = client.post(
        "/join",
        data={
            "csrf_token": csrf_token(client),
            "username": "new_reader",
            "password": "12345678",
            "confirm": "12345678",
            "age_band": "11-13",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "easy to guess" in html
    assert 'value="new_reader"' in html
    assert authenticate("new_reader", "12345678") is None
