"""Notices: who hears what when an idea moves, reading and muting them, and the header's count."""

import re

import pytest
from markupsafe import Markup
from sqlalchemy import func, select, update

from app.account.services import erase_accounts, export_data
from app.codesign.services import decide_volunteer
from app.extensions import db
from app.ideas.services import (
    advance_idea,
    cast_vote,
    change_status,
    propose_idea,
    resubmit_idea,
    withdraw_idea,
)
from app.models import (
    CodesignVolunteer,
    Idea,
    IdeaStatus,
    Notice,
    NoticeKind,
    Role,
    User,
    Vote,
    utcnow,
)
from app.notices import services
from tests.conftest import csrf_token

S = IdeaStatus
K = NoticeKind


def told(user) -> list[tuple[NoticeKind, IdeaStatus | None, int | None]]:
    """What `user` has been told, oldest first: (kind, status, idea id)."""
    rows = db.session.execute(
        select(Notice.kind, Notice.status, Notice.idea_id)
        .where(Notice.user_id == user.id)
        .order_by(Notice.id)
    ).all()
    return [tuple(row) for row in rows]


def words(user) -> list[str]:
    """The words of `user`'s notices, newest first, as their page shows them, as text."""
    return [Markup(item.words).striptags() for item in services.notices_page(user).items]


@pytest.fixture
def moderator(make):
    """Staff of any idea's library service, made when first asked for."""
    made = {}

    def of(idea: Idea):
        service = idea.consultation.library_service
        if service.id not in made:
            made[service.id] = make.staff(service)
        return made[service.id]

    return of


def considered(idea: Idea, staff) -> Idea:
    """A published idea moved on to being considered."""
    change_status(idea, staff, S.UNDER_CONSIDERATION)
    return idea


# The proposer --------------------------------------------------------------------------------


def test_the_proposer_is_told_when_staff_publish_their_idea(make):
    young = make.user()
    idea = make.idea(author=young)
    assert told(young) == [(K.IDEA_MOVED, S.PUBLISHED, idea.id)]
    assert words(young) == [f"Your idea “{idea.title}” is on show now. Others can vote for it."]


@pytest.mark.parametrize("answer", [S.ACCEPTED, S.NOT_TAKEN_FORWARD])
def test_the_proposer_hears_moves_as_moves_and_answers_as_answers(make, moderator, answer):
    young = make.user()
    idea = make.idea(author=young)
    considered(idea, moderator(idea))
    change_status(idea, moderator(idea), answer, "We talked about it.")
    assert told(young)[1:] == [
        (K.IDEA_MOVED, S.UNDER_CONSIDERATION, idea.id),
        (K.IDEA_ANSWERED, answer, idea.id),
    ]


def test_a_rejected_idea_is_an_answer_and_changes_asked_for_is_a_move(make, moderator):
    young = make.user()
    consultation = make.consultation()
    rejected = make.idea(consultation, published=False, author=young)
    to_change = make.idea(consultation, published=False, author=young)
    change_status(rejected, moderator(rejected), S.REJECTED, "It is not about the library.")
    change_status(to_change, moderator(to_change), S.CHANGES_REQUESTED, "Which day?")
    assert told(young) == [
        (K.IDEA_ANSWERED, S.REJECTED, rejected.id),
        (K.IDEA_MOVED, S.CHANGES_REQUESTED, to_change.id),
    ]


def test_nobody_is_told_of_their_own_withdrawal_or_resubmission(make, moderator):
    young = make.user()
    consultation = make.consultation()
    to_change = propose_idea(young, consultation, "Board games", "On Fridays.")
    change_status(to_change, moderator(to_change), S.CHANGES_REQUESTED, "Which day?")
    resubmit_idea(to_change, young, "Board games", "On Fridays after school.")
    withdraw_idea(to_change, young)
    assert told(young) == [(K.IDEA_MOVED, S.CHANGES_REQUESTED, to_change.id)]


def test_a_former_members_idea_moves_on_without_telling_anyone(make, moderator):
    young = make.user()
    idea = make.idea(author=young)
    erase_accounts([young])
    considered(idea, moderator(idea))
    assert db.session.scalar(select(Notice.id).where(Notice.idea_id == idea.id)) is None


# Voters --------------------------------------------------------------------------------------


@pytest.fixture
def backed(make):
    """A published idea, its proposer (who voted for it too), two voters and a former member."""
    author, first, second, gone = make.user(), make.user(), make.user(), make.user()
    idea = make.idea(author=author)
    for voter in (author, first, second, gone):
        cast_vote(voter, idea)
    erase_accounts([gone])  # their vote stays, by nobody
    return idea, author, [first, second]


@pytest.mark.parametrize(
    ("to_status", "voters_told"),
    [
        (S.ACCEPTED, True),
        (S.NOT_TAKEN_FORWARD, True),
        (S.DELIVERED, True),
        (S.UNDER_CONSIDERATION, False),
        (S.IN_CODESIGN, False),
        (S.HIDDEN, False),
    ],
)
def test_voters_are_told_only_of_answers_and_of_the_idea_being_done(
    backed, moderator, to_status, voters_told
):
    idea, author, voters = backed
    assert advance_idea(idea, moderator(idea), to_status, "An answer.")
    db.session.commit()
    expected = [(K.BACKED_IDEA_ANSWERED, to_status, idea.id)] if voters_told else []
    for voter in voters:
        assert told(voter) == expected
    # The proposer voted for their own idea: they hear it once, as its proposer.
    assert [kind for kind, *_ in told(author)][-1] != K.BACKED_IDEA_ANSWERED
    assert db.session.scalar(select(Vote.id).where(Vote.user_id.is_(None))) is not None


def test_voters_read_what_happened_to_the_idea_they_backed(backed, moderator):
    idea, _author, (voter, _other) = backed
    considered(idea, moderator(idea))
    change_status(idea, moderator(idea), S.ACCEPTED)
    assert words(voter) == [f"Staff said yes to “{idea.title}”. You voted for it."]


def test_an_idea_hidden_since_is_not_named_to_its_voters(make, backed, moderator, login, client):
    idea, _author, (voter, _other) = backed
    considered(idea, moderator(idea))
    change_status(idea, moderator(idea), S.NOT_TAKEN_FORWARD, "Not this year.")
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(status=S.HIDDEN))
    db.session.commit()
    assert words(voter) == ["There is news about an idea you follow. It is not on show now."]
    login(voter)
    page = client.get("/notices").get_data(as_text=True)
    assert idea.title not in page
    assert f'href="/ideas/{idea.id}"' not in page


def test_telling_voters_costs_the_same_queries_for_3_or_30_voters(make, moderator, count_queries):
    """One INSERT ... SELECT tells them all; no query per voter."""

    def answer_with_voters(count: int) -> int:
        idea = make.idea()
        staff = moderator(idea)
        considered(idea, staff)
        db.session.add_all(Vote(idea_id=idea.id, user_id=make.user().id) for _ in range(count))
        db.session.commit()
        with count_queries() as counted:
            # Its own application context, as a request has: the rows are read afresh.
            change_status(db.session.get(Idea, idea.id), db.session.get(User, staff.id), S.ACCEPTED)
        told_now = select(func.count()).where(
            Notice.idea_id == idea.id, Notice.kind == K.BACKED_IDEA_ANSWERED
        )
        assert db.session.scalar(told_now) == count
        return len(counted)

    assert answer_with_voters(3) == answer_with_voters(30)


# Muting --------------------------------------------------------------------------------------


def test_a_muted_kind_is_not_sent_and_the_others_still_are(backed, moderator):
    idea, author, (quiet, keen) = backed
    services.set_muted_kinds(quiet, [K.BACKED_IDEA_ANSWERED])
    services.set_muted_kinds(author, [K.IDEA_ANSWERED])
    considered(idea, moderator(idea))
    change_status(idea, moderator(idea), S.ACCEPTED)
    assert told(quiet) == []
    assert told(keen) == [(K.BACKED_IDEA_ANSWERED, S.ACCEPTED, idea.id)]
    # The author still hears moves, which they did not mute, but not the answer.
    assert told(author)[-1] == (K.IDEA_MOVED, S.UNDER_CONSIDERATION, idea.id)


def test_muted_kinds_round_trip_and_every_kind_is_on_at_first(make):
    young = make.user()
    assert services.muted_kinds(young) == set()
    services.set_muted_kinds(young, [K.IDEA_MOVED, K.HELP_ACCEPTED])
    assert services.muted_kinds(young) == {K.IDEA_MOVED, K.HELP_ACCEPTED}
    services.set_muted_kinds(young, [])
    assert services.muted_kinds(young) == set()


# Co-designers and merges ---------------------------------------------------------------------


@pytest.mark.parametrize("accept", [True, False])
def test_a_codesigner_is_told_when_their_offer_is_accepted(make, moderator, accept):
    service = make.codesign_service()
    idea = service.ideas[0]
    young = make.user()
    volunteer = CodesignVolunteer(idea_id=idea.id, user_id=young.id)
    db.session.add(volunteer)
    db.session.commit()
    decide_volunteer(volunteer, moderator(idea), accept)
    row = db.session.execute(
        select(Notice.kind, Notice.idea_id, Notice.codesign_service_id).where(
            Notice.user_id == young.id
        )
    ).all()
    assert [tuple(r) for r in row] == ([(K.HELP_ACCEPTED, idea.id, service.id)] if accept else [])
    if accept:
        assert words(young) == [f"Staff said yes! You can help to plan “{idea.title}”."]


def test_a_merge_tells_both_proposers_about_the_idea_that_stays(make, moderator):
    keeper, joiner = make.user(), make.user()
    kept = make.idea(author=keeper, title="A games night")
    merged = make.idea(kept.consultation, author=joiner, title="Board games on Fridays")
    assert advance_idea(merged, moderator(merged), S.MERGED, "Alike.", merged_into_id=kept.id)
    services.idea_merged(kept, merged)
    db.session.commit()
    assert told(keeper)[-1] == (K.IDEA_MOVED, S.MERGED, kept.id)
    # Told once: the move to merged leaves the telling to the merge, which names the idea.
    assert told(joiner)[1:] == [(K.IDEA_MOVED, S.MERGED, kept.id)]
    assert words(keeper)[0] == "A similar idea has joined your idea “A games night”."
    assert words(joiner)[0] == "Your idea has joined a similar idea: “A games night”."


def test_merging_two_ideas_of_one_proposer_tells_them_once(make):
    young = make.user()
    kept = make.idea(author=young)
    merged = make.idea(kept.consultation, author=young)
    services.idea_merged(kept, merged)
    db.session.commit()
    assert told(young)[2:] == [(K.IDEA_MOVED, S.MERGED, kept.id)]


def test_words_are_made_when_shown_from_the_idea_as_it_is_now(make):
    young = make.user()
    idea = make.idea(author=young, title="Comfy chairs")
    idea.title = "Comfier chairs"
    db.session.commit()
    assert words(young) == ["Your idea “Comfier chairs” is on show now. Others can vote for it."]


# Reading them --------------------------------------------------------------------------------


def give(user, count: int, read: bool = False) -> list[Notice]:
    """`count` notices for `user`, each about an idea of its own."""
    consultation = db.session.execute(select(Idea.consultation_id)).scalars().first()
    notices = []
    for n in range(count):
        idea = Idea(
            consultation_id=consultation,
            author_id=user.id,
            title=f"Idea number {n}",
            description="More books.",
            status=S.PUBLISHED,
        )
        notice = Notice(
            user_id=user.id,
            kind=K.IDEA_MOVED,
            idea=idea,
            status=S.PUBLISHED,
            read_at=utcnow() if read else None,
        )
        notices.append(notice)
    db.session.add_all(notices)
    db.session.commit()
    return notices


@pytest.fixture
def reader(make, login):
    """A signed-in young person with no notices yet (an idea exists to hang notices on)."""
    make.idea()
    return login(make.user())


def test_the_page_lists_my_notices_newest_first_with_new_ones_marked(reader, client):
    old, new = give(reader, 2)
    services.mark_read(reader, old.id)
    page = client.get("/notices").get_data(as_text=True)
    assert page.index("Idea number 1") < page.index("Idea number 0")
    assert page.count(">New</span>") == 1
    assert page.count('class="card notice-card notice-unread"') == 1
    assert f'href="/ideas/{new.idea_id}"' in page and f'href="/ideas/{old.idea_id}"' in page
    assert page.count(">Mark as read</button>") == 1


def test_marking_a_notice_read_without_javascript_goes_back_to_the_page(reader, client):
    (notice,) = give(reader, 1)
    response = client.post(f"/notices/{notice.id}/read", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/notices"
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).read_at is not None
    page = client.get("/notices").get_data(as_text=True)
    assert "The notice is marked as read." in page and ">New</span>" not in page


def test_marking_a_notice_read_with_htmx_swaps_it_and_the_header_count(reader, client):
    first, _second = give(reader, 2)
    response = client.post(
        f"/notices/{first.id}/read",
        data={"csrf_token": csrf_token(client)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith(f'<li class="card notice-card" id="notice-{first.id}">')
    assert "Mark as read" not in html
    badge = re.search(r'<a id="notices-link"[^>]*hx-swap-oob="true"[^>]*>.*?</a>', html, re.S)
    assert badge and "1 unread" in badge.group(0)
    assert 'id="status"' in html and "The notice is marked as read." in html


def test_another_persons_notice_is_not_found_and_stays_unread(make, reader, client):
    (theirs,) = give(make.user(), 1)
    response = client.post(f"/notices/{theirs.id}/read", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Notice, theirs.id).read_at is None
    assert services.mark_read(reader, theirs.id) is None


def test_mark_all_as_read_is_one_update_and_leaves_others_notices(
    make, reader, client, count_queries
):
    give(reader, 5)
    (theirs,) = give(make.user(), 1)
    token = csrf_token(client)
    with count_queries() as counted:
        response = client.post(
            "/notices/read-all", data={"csrf_token": token}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    updates = [s for s in counted.statements if s.lstrip().upper().startswith("UPDATE NOTICES")]
    assert len(updates) == 1
    html = response.get_data(as_text=True)
    assert 'id="notices-panel"' in html and "5 notices are marked as read." in html
    assert ">New</span>" not in html and "unread" not in html
    db.session.expire_all()
    assert services.unread_count(reader) == 0
    assert db.session.get(Notice, theirs.id).read_at is None
    response = client.post("/notices/read-all", data={"csrf_token": token})
    assert (response.status_code, response.headers["Location"]) == (303, "/notices")


def test_the_list_is_paged(reader, client):
    give(reader, 25)
    page = client.get("/notices").get_data(as_text=True)
    assert page.count('class="card notice-card') == 20
    more = re.search(r'href="(/notices\?after=[^"]+)"', page).group(1)
    rest = client.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert rest.count('class="card notice-card') == 5
    assert "Idea number 0" in rest


def test_the_notices_page_costs_the_same_queries_at_3_and_30_notices(reader, client, count_queries):
    def measure() -> int:
        with count_queries() as counted:
            response = client.get("/notices")
        assert response.status_code == 200
        return len(counted)

    give(reader, 3)
    few = measure()
    give(reader, 27)
    assert measure() == few


# Choosing which kinds to get -----------------------------------------------------------------


def test_settings_show_every_kind_ticked_then_save_what_is_unticked(reader, client):
    page = client.get("/notices/settings").get_data(as_text=True)
    for label in (
        "When my idea moves on",
        "When staff answer my idea",
        "When an idea I voted for gets an answer",
        "When my offer to help plan is accepted",
    ):
        assert label in page
    assert page.count("checked") == 4
    response = client.post(
        "/notices/settings",
        data={"csrf_token": csrf_token(client), "idea_moved": "y", "help_accepted": "y"},
    )
    assert (response.status_code, response.headers["Location"]) == (303, "/notices/settings")
    assert services.muted_kinds(reader) == {K.IDEA_ANSWERED, K.BACKED_IDEA_ANSWERED}
    page = client.get("/notices/settings").get_data(as_text=True)
    assert "Your choices are saved." in page
    assert page.count("checked") == 2


def test_settings_without_a_csrf_token_change_nothing(reader, client):
    response = client.post("/notices/settings", data={})
    assert response.status_code == 400
    assert services.muted_kinds(reader) == set()


# The header's count --------------------------------------------------------------------------


def header(client, path: str = "/outcomes") -> str:
    """The site header of a page."""
    html = client.get(path).get_data(as_text=True)
    return html[html.index("<header") : html.index("</header>")]


def test_the_header_shows_how_many_notices_are_unread(reader, client):
    assert re.search(r'<a id="notices-link" href="/notices">Notices\s*</a>', header(client))
    give(reader, 2)
    give(reader, 3, read=True)
    top = header(client)
    assert '<span class="badge badge-count" aria-hidden="true">2</span>' in top
    assert '<span class="visually-hidden">2 unread</span>' in top


def test_the_header_count_stops_at_99_plus(reader, client):
    give(reader, 120)
    assert services.unread_count(reader) == services.UNREAD_CAP
    top = header(client)
    assert ">99+</span>" in top and "more than 99 unread" in top


@pytest.mark.parametrize("role", [None, Role.STAFF, Role.ADMIN])
def test_only_young_people_see_the_link_and_nobody_else_pays_a_query(
    make, login, client, count_queries, role
):
    if role:
        login(make.user(role))
    with count_queries() as counted:
        top = header(client)
    assert "notices-link" not in top
    assert not any("FROM notices" in s for s in counted.statements)


def test_the_header_count_is_one_query_and_htmx_partials_pay_none(
    make, reader, client, count_queries
):
    idea = make.idea()
    with count_queries() as counted:
        client.get("/outcomes")
    assert sum("FROM notices" in s for s in counted.statements) == 1
    token = csrf_token(client)
    with count_queries() as counted:
        response = client.post(
            f"/ideas/{idea.id}/vote", data={"csrf_token": token}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert not any("FROM notices" in s for s in counted.statements)


# My data -------------------------------------------------------------------------------------


def test_my_data_holds_my_notices_and_the_kinds_i_turned_off(reader, client):
    (notice,) = give(reader, 1)
    services.set_muted_kinds(reader, [K.HELP_ACCEPTED])
    data = export_data(reader)
    assert data["notices"] == [
        {
            "kind": "idea_moved",
            "idea": notice.idea_id,
            "status": "published",
            "sent_at": notice.created_at,
            "read_at": None,
        }
    ]
    assert data["muted_notice_kinds"] == ["help_accepted"]
    page = client.get("/account/data").get_data(as_text=True)
    assert "When my idea moves on: Published" in page
    assert "When my offer to help plan is accepted" in page
