"""A young person's name may not pass for library staff: neither a role's name nor one like a
member of staff's. Staff accounts may have any name."""

import pytest
from sqlalchemy import event, func, select, text

from app.auth.services import POSES_AS_STAFF, check_not_posing_as_staff, create_account
from app.extensions import db
from app.models import Role, User
from app.pseudonyms import name_skeleton, poses_as_a_role
from app.rules import RuleError
from tests.conftest import PASSWORD

ROLE_LIKE = [
    "library-staff",
    "library_staff",
    "admin_",
    "Admin1",
    "ADMIN",
    "moderator",
    "Moderators",
    "mod_2",
    "staff",
    "staff_sam",
    "librarian",
    "2024_librarian",
    "qlp_reviewer",
    "safeguarding",
    "official",
    "4dmin",
    "m0d3r4t0r",
    "adrnin",
    "Admln",
    "librarystaff",
    "LibraryTeam",
    "the_library",
    "the-team",
    "youth_worker",
    "quality-leader",
    "reviewer",
    "support",
    "samtheadmin",
    "adminjo",
]
ORDINARY = [
    "sam_reads",
    "robin_writes",
    "alex_draws",
    "otter_kid",
    "young_people",
    "young_12",
    "library_lover",
    "team_rocket",
    "book_reviewer",
    "real_madrid",
    "the_reader",
    "badminton",
    "Staffy_dog",
    "flagstaff",
    "staffordshire",
    "modest",
    "robot",
    "helper",
]


@pytest.mark.parametrize("username", ROLE_LIKE)
def test_a_name_that_passes_for_a_role_here_is_taken_for_one(username):
    """In any letter case, with separators or digits around, or with look-alike characters."""
    assert poses_as_a_role(username)


@pytest.mark.parametrize("username", ORDINARY)
def test_ordinary_names_with_a_role_word_inside_another_are_not(username):
    """`library_lover`, `Staffy_dog` and `badminton` are nobody's role."""
    assert not poses_as_a_role(username)


def test_names_that_look_alike_have_one_skeleton():
    """Letter case, separators, digits around and look-alike characters make no difference."""
    alike = ["Jane_Smith", "jane-smith", "JaneSmith", "jane_smith2", "7jane_5mith", "Jane_Srnith"]
    assert {name_skeleton(name) for name in alike} == {name_skeleton("janesmith")}
    assert name_skeleton("jane_smyth") != name_skeleton("janesmith")


def young_people() -> int:
    """How many young people's accounts there are."""
    return db.session.scalar(select(func.count(User.id)).where(User.role == Role.YOUNG_PERSON))


@pytest.mark.parametrize("role", [Role.STAFF, Role.QLP_REVIEWER, Role.ADMIN])
@pytest.mark.parametrize("username", ["jane-smith", "JaneSmith", "jane_smith2", "Jane_Srnith"])
def test_a_young_person_cannot_take_a_name_like_a_member_of_staffs(make, role, username):
    """Refused kindly, on the name field, and no account is made."""
    make.user(role, username="Jane_Smith")
    with pytest.raises(RuleError) as refusal:
        create_account(username, PASSWORD, "11-13")
    assert refusal.value.field == "username"
    assert refusal.value.message == POSES_AS_STAFF
    assert young_people() == 0


def test_a_name_like_another_young_persons_is_not_refused(make):
    """Only staff, QLP reviewers' and admins' names are kept apart."""
    make.user(username="river_fox")
    assert create_account("river-fox2", PASSWORD, "11-13").username == "river-fox2"


@pytest.mark.parametrize("role", [Role.STAFF, Role.QLP_REVIEWER, Role.ADMIN])
def test_staff_accounts_may_take_role_names_and_names_like_each_others(make, role):
    """Made by the rules for staff (demo data, admins): nothing is refused for its look."""
    make.staff(username="Jane_Smith")
    for name in ("library_staff", "jane-smith2"):
        assert create_account(name, PASSWORD, None, role=role).name_skeleton == name_skeleton(name)


def test_a_young_persons_name_that_passes_for_a_role_is_refused(app):
    """The rules refuse it, whatever page the name came from."""
    with pytest.raises(RuleError) as refusal:
        create_account("library-staff", PASSWORD, "11-13")
    assert refusal.value.message == POSES_AS_STAFF
    assert young_people() == 0


@pytest.mark.committing  # the plan is asked for on a connection of its own
def test_the_check_against_staff_names_is_one_query_on_the_skeleton_index(app, make):
    """Joining stays fast: one query, which the database answers from the index."""
    make.staff(username="Jane_Smith")
    sent = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        check_not_posing_as_staff("otter_kid")
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert len(sent) == 1
    statement, parameters = sent[0]
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Too few rows for the planner to prefer an index by itself: ask it whether it can.
            connection.execute(text("SET enable_seqscan = off"))
            plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
        else:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    assert "ix_users_staff_name_skeleton" in str(plan)
