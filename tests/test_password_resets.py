"""Forgotten passwords, without email: staff of a young person's library service make a one-time
code in person; the young person chooses a new password with it, once, within 30 minutes, and
is signed out everywhere else."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.account.services import erase_accounts
from app.auth import resets
from app.extensions import db
from app.ideas.services import cast_vote
from app.models import AuditEntry, PasswordResetCode, Phase, Role, SignIn, utcnow
from app.passwords import check_password
from app.rules import RuleError
from tests.conftest import PASSWORD, csrf_token
from tests.test_sessions import Device

NEW_PASSWORD = "otter rocket plum daisy"


@pytest.fixture
def riverside(make):
    """A library service."""
    return make.library_service("Riverside Libraries")


@pytest.fixture
def hillside(make):
    """Another library service."""
    return make.library_service("Hillside Libraries")


@pytest.fixture
def young(make, riverside):
    """A young person who sent an idea to one of Riverside's consultations."""
    person = make.user(username="Wren")
    make.idea(make.consultation(library_service=riverside), author=person)
    return person


@pytest.fixture
def rita(make, riverside):
    """A member of Riverside's staff."""
    return make.staff(riverside, username="Rita_staff")


def audit(action: str) -> list[AuditEntry]:
    """The audit entries of one action, oldest first."""
    return list(
        db.session.execute(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).scalars()
    )


def codes() -> int:
    """How many reset codes are stored."""
    return db.session.scalar(select(func.count(PasswordResetCode.id)))


def password_is(person, password: str) -> bool:
    """Whether `password` is the person's password now."""
    db.session.refresh(person)
    return check_password(person.password_hash, password)[0]


# --- Who may make a code (services, no HTTP) --------------------------------------------------


def test_staff_of_the_young_persons_library_service_make_a_code_and_it_is_audited(rita, young):
    """A code like ABCD-2345 for 30 minutes; the audit log says who made it for whom."""
    made = resets.make_reset_code(rita, " wren ")
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", made.code)
    assert made.person.id == young.id
    minutes = (made.expires_at - utcnow()).total_seconds() / 60
    assert 29 < minutes <= 30
    [entry] = audit("password.reset_code")
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (rita.id, "User", young.id)


def test_only_a_keyed_hash_of_the_code_is_stored(rita, young):
    """A copy of the database holds no code, nor its plain hash."""
    made = resets.make_reset_code(rita, "Wren")
    row = db.session.execute(select(PasswordResetCode)).scalar_one()
    plain = made.code.replace("-", "")
    assert plain not in row.code_hash and made.code not in row.code_hash
    assert len(row.code_hash) == 64


def test_staff_of_another_library_service_are_refused_and_nothing_is_made(make, hillside, young):
    """Hillside's staff cannot take over a Riverside young person's account."""
    stranger = make.staff(hillside)
    with pytest.raises(RuleError, match="only their own library's staff or an admin"):
        resets.make_reset_code(stranger, "Wren")
    assert codes() == 0 and audit("password.reset_code") == []


def test_staff_with_no_library_service_and_other_roles_are_refused(make, young):
    """Staff who belong nowhere, QLP reviewers and young people make no codes."""
    for actor in (make.staff(), make.user(Role.QLP_REVIEWER), make.user()):
        with pytest.raises(RuleError):
            resets.make_reset_code(actor, "Wren")
    assert codes() == 0


def test_votes_and_co_design_offers_count_as_taking_part(make, riverside):
    """A young person who only voted in Riverside is Riverside's to help."""
    voter = make.user()
    cast_vote(voter, make.idea(make.consultation(Phase.VOTING_OPEN, library_service=riverside)))
    assert resets.make_reset_code(make.staff(riverside), voter.username).person == voter


def test_admins_make_codes_for_young_people_only(make, rita):
    """Even a young person who took part nowhere; never for a member of staff."""
    admin = make.user(Role.ADMIN)
    newcomer = make.user()
    assert resets.make_reset_code(admin, newcomer.username).person == newcomer
    with pytest.raises(RuleError, match="only for young people's accounts"):
        resets.make_reset_code(admin, rita.username)


def test_an_unknown_or_locked_account_is_told_to_staff(make, rita, young):
    """Staff are told plainly; nothing is made."""
    with pytest.raises(RuleError, match="no account with that name"):
        resets.make_reset_code(rita, "nobody_here")
    young.active = False
    db.session.commit()
    with pytest.raises(RuleError, match="locked"):
        resets.make_reset_code(rita, "Wren")
    assert codes() == 0


# --- Using a code (services, no HTTP) ---------------------------------------------------------


def test_a_code_sets_the_new_password_once_and_is_audited_without_naming_anyone(rita, young):
    """Typed in lower case without the dash, it works; a second time, it does not."""
    made = resets.make_reset_code(rita, "Wren")
    typed = made.code.replace("-", "").lower()
    assert resets.reset_password_with_code("wren", typed, NEW_PASSWORD) == young
    assert password_is(young, NEW_PASSWORD) and not password_is(young, PASSWORD)
    assert codes() == 0
    [entry] = audit("password.reset_with_code")
    assert entry.actor_id is None and entry.subject_id == young.id
    with pytest.raises(RuleError) as error:
        resets.reset_password_with_code("wren", typed, "another silly sentence here")
    assert error.value.message == resets.NOT_A_WORKING_CODE
    assert password_is(young, NEW_PASSWORD)


def test_an_expired_code_is_refused(rita, young):
    """After 30 minutes the code is worth nothing."""
    made = resets.make_reset_code(rita, "Wren")
    row = db.session.execute(select(PasswordResetCode)).scalar_one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(RuleError) as error:
        resets.reset_password_with_code("Wren", made.code, NEW_PASSWORD)
    assert error.value.message == resets.NOT_A_WORKING_CODE
    assert password_is(young, PASSWORD)


def test_a_new_code_stops_the_old_one_working(rita, young):
    """Only the latest code works."""
    old = resets.make_reset_code(rita, "Wren")
    new = resets.make_reset_code(rita, "Wren")
    with pytest.raises(RuleError):
        resets.reset_password_with_code("Wren", old.code, NEW_PASSWORD)
    assert resets.reset_password_with_code("Wren", new.code, NEW_PASSWORD) == young


def test_a_wrong_code_a_wrong_name_and_anothers_code_say_the_same(make, rita, young):
    """None of them tells whether an account exists."""
    made = resets.make_reset_code(rita, "Wren")
    other = make.user(username="Robin")
    for username, code in (
        ("Wren", "ABCD-2345"),
        ("nobody_here", made.code),
        ("Robin", made.code),
        ("Wren", "not a code"),
    ):
        with pytest.raises(RuleError) as error:
            resets.reset_password_with_code(username, code, NEW_PASSWORD)
        assert (error.value.message, error.value.field) == (resets.NOT_A_WORKING_CODE, "code")
    assert password_is(young, PASSWORD) and password_is(other, PASSWORD)


def test_a_weak_new_password_is_refused_and_the_code_still_works(rita, young):
    """The same rules as joining; the code is not used up by a refused password."""
    made = resets.make_reset_code(rita, "Wren")
    with pytest.raises(RuleError, match="easy to guess"):
        resets.reset_password_with_code("Wren", made.code, "password")
    assert resets.reset_password_with_code("Wren", made.code, NEW_PASSWORD) == young


def test_a_reset_ends_every_sign_in(app, rita, young):
    """Every device the young person was signed in on is signed out."""
    phone = Device(app).sign_in(young)
    assert phone.signed_in()
    made = resets.make_reset_code(rita, "Wren")
    resets.reset_password_with_code("Wren", made.code, NEW_PASSWORD)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SignIn.id)).where(SignIn.user_id == young.id)) == 0
    assert not phone.signed_in()


def test_deleting_an_account_deletes_its_reset_code(rita, young):
    """Nothing of a deleted account stays behind."""
    resets.make_reset_code(rita, "Wren")
    erase_accounts([young])
    assert codes() == 0


# --- Pages ------------------------------------------------------------------------------------


def test_the_sign_in_page_says_how_to_get_a_reset_code(client):
    """Ask library staff; a link to the page where the code is used."""
    html = client.get("/sign-in").get_data(as_text=True)
    assert "Forgotten your password? Ask library staff for a reset code." in html
    assert 'href="/reset-password"' in html


def test_staff_make_a_code_on_their_page_and_see_it_once(client, login, rita, young):
    """The code is on the answer, which no browser keeps; the page afresh shows no code."""
    login(rita)
    assert client.get("/staff/reset-codes/new").status_code == 200
    response = client.post(
        "/staff/reset-codes/new", data={"csrf_token": csrf_token(client), "username": "wren"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    code = re.search(r'<p class="reset-code"[^>]*>([A-Z0-9-]+)</p>', html).group(1)
    assert "The reset code for Wren" in html and "30 minutes" in html
    assert response.headers["Cache-Control"] == "no-store"
    assert code not in client.get("/staff/reset-codes/new").get_data(as_text=True)


def test_staff_of_another_service_get_a_message_and_no_code(client, login, make, hillside, young):
    """400 with the reason; nothing stored."""
    login(make.staff(hillside))
    response = client.post(
        "/staff/reset-codes/new", data={"csrf_token": csrf_token(client), "username": "Wren"}
    )
    assert response.status_code == 400
    assert "only their own library's staff or an admin" in response.get_data(as_text=True)
    assert codes() == 0


def test_young_people_cannot_open_the_staff_page(client, login, young):
    """The page is for staff and admins."""
    login(young)
    assert client.get("/staff/reset-codes/new").status_code == 403


def reset_form(client, code: str, **values) -> dict:
    """The reset form filled in well, with any field changed."""
    return {
        "csrf_token": csrf_token(client),
        "username": "Wren",
        "code": code,
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        **values,
    }


def test_a_young_person_resets_with_the_code_and_is_signed_out_elsewhere(app, rita, young):
    """Signed in on this device, signed out on the old one, the old password gone."""
    library_pc = Device(app).sign_in(young)
    made = resets.make_reset_code(rita, "Wren")
    phone = Device(app)
    assert phone.get("/reset-password").status_code == 200
    response = phone.post("/reset-password", reset_form(phone.client, made.code))
    assert response.status_code == 303
    assert "Your password is changed" in phone.get("/").get_data(as_text=True)
    assert phone.signed_in() and not library_pc.signed_in()
    assert password_is(young, NEW_PASSWORD)


def test_a_wrong_code_on_the_page_is_one_plain_message_and_keeps_what_was_typed(client, young):
    """400, the same words for a name that does not exist; the new password is not lost."""
    for username in ("Wren", "nobody_here"):
        response = client.post(
            "/reset-password", data=reset_form(client, "ABCD-2345", username=username)
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "That name and reset code do not go together" in html
        assert re.search(rf'<input[^>]*name="password"[^>]*value="{NEW_PASSWORD}"', html)
        assert response.headers["Cache-Control"] == "no-store"
    assert password_is(young, PASSWORD)


@pytest.mark.parametrize("app_settings", [{"RATELIMIT_ENABLED": True}])
def test_guessing_codes_is_rate_limited_even_with_the_right_one_after(app, client, rita, young):
    """A few wrong tries for one name, then even the right code waits."""
    made = resets.make_reset_code(rita, "Wren")
    statuses = [
        client.post("/reset-password", data=reset_form(client, "ABCD-2345")).status_code
        for _ in range(8)
    ]
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}
    response = client.post("/reset-password", data=reset_form(client, made.code))
    assert response.status_code == 429
    assert password_is(young, PASSWORD)


def test_staff_find_reset_a_password_from_the_join_codes_page(client, login, rita):
    """Where staff already go to help young people join."""
    login(rita)
    assert 'href="/staff/reset-codes/new"' in client.get("/staff/join-codes").get_data(as_text=True)


@pytest.mark.committing
@pytest.mark.parametrize(
    "app_settings", [{"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 5}}]
)
def test_one_code_sent_five_times_at_once_resets_the_password_once(app, rita, young):
    """A double tap, or a code shared in the playground: exactly one of five at once works."""
    code = resets.make_reset_code(rita, "Wren").code
    barrier, results, errors = threading.Barrier(5), [], []

    def reset(number: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=20)
                resets.reset_password_with_code("Wren", code, f"{NEW_PASSWORD} {number}")
                results.append(number)
            except RuleError as refusal:
                results.append(refusal.message)
            except BaseException as error:  # reported to the test, never swallowed
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=reset, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    [winner] = [result for result in results if isinstance(result, int)]
    assert results.count(resets.NOT_A_WORKING_CODE) == 4
    assert password_is(young, f"{NEW_PASSWORD} {winner}")
    assert len(audit("password.reset_with_code")) == 1
