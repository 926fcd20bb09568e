"""Reports: anyone signed in reports an idea; enough reports hide it; staff keep it or agree."""

import pytest
from limits import parse
from sqlalchemy import select

from app.extensions import db
from app.ideas.services import cast_vote, change_status, votes_left
from app.models import (
    AuditEntry,
    Idea,
    IdeaReport,
    IdeaStatus,
    IdeaStatusChange,
    LibraryService,
    Phase,
    ReportOutcome,
    ReportReason,
    Role,
    User,
)
from app.reports import services
from app.rules import RuleError
from tests.conftest import csrf_token
from tests.test_concurrency import run_together
from tests.test_lists import signed_in

S = IdeaStatus
UNKIND, SPAM = ReportReason.UNKIND.value, ReportReason.SPAM.value
WORDS = "It names a girl in my class and says mean things about her."


@pytest.fixture
def riverside(make) -> LibraryService:
    """A library service."""
    return make.library_service("Riverside Libraries")


@pytest.fixture
def consultation(make, riverside):
    """A Riverside question open for votes, with a budget of three votes each."""
    return make.consultation(Phase.VOTING_OPEN, library_service=riverside, vote_budget=3)


@pytest.fixture
def idea(make, consultation) -> Idea:
    """A published idea by a young person of its own."""
    return make.idea(consultation, author=make.user(username="Idea_author"))


def report(make, idea: Idea, reason: str = UNKIND, details: str = "", username=None) -> bool:
    """A new young person reports the idea; returns whether that hid it."""
    return services.report_idea(make.user(username=username), idea, reason, details)


def reports_of(idea: Idea) -> list[IdeaReport]:
    """Every report of an idea, oldest first."""
    db.session.expire_all()
    return list(
        db.session.execute(
            select(IdeaReport).where(IdeaReport.idea_id == idea.id).order_by(IdeaReport.id)
        ).scalars()
    )


def audit(action: str) -> list[AuditEntry]:
    """The audit entries of one action, oldest first."""
    return list(
        db.session.execute(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).scalars()
    )


def status_of(idea: Idea) -> IdeaStatus:
    """The idea's status as stored now."""
    db.session.expire_all()
    return db.session.get(Idea, idea.id).status


# --- Reporting (the rules, without HTTP) ----------------------------------------------------------


def test_a_report_keeps_its_reason_and_words_and_is_audited_without_the_reporter(make, idea):
    """Staff read why; the audit log says an idea was reported, by nobody named."""
    reporter = make.user()
    assert services.report_idea(reporter, idea, UNKIND, f"  {WORDS}  ") is False
    [kept] = reports_of(idea)
    assert (kept.reporter_id, kept.reason, kept.details, kept.outcome) == (
        reporter.id,
        ReportReason.UNKIND,
        WORDS,
        None,
    )
    [entry] = audit("idea.report")
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (None, "Idea", idea.id)
    assert entry.detail == {"reason": "unkind"}
    assert status_of(idea) == S.PUBLISHED


def test_a_member_of_staff_who_reports_is_not_named_in_the_audit_log_either(make, idea):
    """Least data: the log shows no reporter at all, whoever they are."""
    services.report_idea(make.user(Role.QLP_REVIEWER), idea, SPAM)
    [entry] = audit("idea.report")
    assert entry.actor_id is None


def test_the_author_cannot_report_their_own_idea(idea):
    """They are pointed to withdrawing it instead; nothing is kept."""
    with pytest.raises(RuleError) as refused:
        services.report_idea(idea.author, idea, UNKIND)
    assert "withdraw" in str(refused.value.message)
    assert reports_of(idea) == []


def test_a_second_report_by_the_same_person_is_refused_kindly(make, idea):
    """One report per person per idea, so nobody adds up to the threshold alone."""
    reporter = make.user()
    services.report_idea(reporter, idea, UNKIND)
    with pytest.raises(RuleError) as refused:
        services.report_idea(reporter, idea, SPAM)
    assert str(refused.value.message) == (
        "You have already reported this idea. Library staff will look at it."
    )
    assert len(reports_of(idea)) == 1


@pytest.mark.parametrize("status", [S.PENDING, S.HIDDEN, S.WITHDRAWN, S.REJECTED])
def test_an_idea_not_shown_to_others_cannot_be_reported(make, idea, status):
    """Nothing anyone else can see needs reporting."""
    make._set_status(idea, status)
    with pytest.raises(RuleError):
        report(make, idea)
    assert reports_of(idea) == []


def test_an_unknown_reason_or_long_words_are_refused(make, idea):
    """The reason comes from the list; the words are at most 300 characters."""
    with pytest.raises(RuleError) as refused:
        report(make, idea, reason="boring")
    assert refused.value.field == "reason"
    with pytest.raises(RuleError) as refused:
        report(make, idea, details="x" * 301)
    assert refused.value.field == "details"
    assert reports_of(idea) == []


def test_reports_from_enough_different_people_hide_the_idea_until_staff_decide(make, idea):
    """Three by default: the third hides it, by nobody, telling its author why in plain words."""
    assert idea.consultation.library_service.reports_to_hide == 3
    assert report(make, idea) is False
    assert report(make, idea, SPAM) is False
    assert status_of(idea) == S.PUBLISHED
    assert report(make, idea) is True
    assert status_of(idea) == S.HIDDEN
    step = (
        db.session.execute(
            select(IdeaStatusChange)
            .where(IdeaStatusChange.idea_id == idea.id)
            .order_by(IdeaStatusChange.id.desc())
        )
        .scalars()
        .first()
    )
    assert (step.actor_id, step.from_status, step.to_status) == (None, S.PUBLISHED, S.HIDDEN)
    assert "hidden for now while library staff check it" in step.message
    [entry] = audit("idea.hidden_by_reports")
    assert (entry.actor_id, entry.subject_id, entry.detail) == (None, idea.id, {"open_reports": 3})


def test_each_library_service_chooses_how_many_reports_hide_an_idea(make, idea, riverside):
    """One report hides an idea where the service says 1; elsewhere the default 3 holds."""
    riverside.reports_to_hide = 1
    db.session.commit()
    elsewhere = make.idea()
    assert report(make, idea) is True
    assert report(make, elsewhere) is False
    assert (status_of(idea), status_of(elsewhere)) == (S.HIDDEN, S.PUBLISHED)


def test_votes_for_an_idea_reports_hid_stay_spent(make, idea):
    """Hiding by reports follows the budget rule: the vote is not given back."""
    voter = make.user()
    cast_vote(voter, idea)
    assert votes_left(voter, idea.consultation) == 2
    for _ in range(3):
        report(make, idea)
    assert status_of(idea) == S.HIDDEN
    assert votes_left(voter, idea.consultation) == 2


@pytest.mark.committing
def test_reports_sent_at_the_same_moment_hide_the_idea_exactly_once(app, make, idea):
    """Six people report at once with a threshold of three: one hiding step, six reports."""
    reporters = [make.user().id for _ in range(6)]
    idea_id = idea.id

    def load(user_id):
        return lambda: (db.session.get(User, user_id), db.session.get(Idea, idea_id))

    results = run_together(
        app,
        [
            (load(user_id), lambda loaded: services.report_idea(*loaded, UNKIND))
            for user_id in reporters
        ],
    )
    assert results == ["done"] * 6
    assert len(reports_of(idea)) == 6
    assert status_of(idea) == S.HIDDEN
    assert len(audit("idea.hidden_by_reports")) == 1
    hiding = db.session.execute(
        select(IdeaStatusChange).where(
            IdeaStatusChange.idea_id == idea.id, IdeaStatusChange.to_status == S.HIDDEN
        )
    ).all()
    assert len(hiding) == 1


# --- Staff decide ------------------------------------------------------------------------------


@pytest.fixture
def member(make, riverside):
    """A member of Riverside's staff."""
    return make.staff(riverside, username="Sam_staff")


def test_keeping_an_idea_reports_hid_brings_it_back_as_it_was(make, idea, member):
    """An idea being considered comes back being considered; the reports are dismissed."""
    change_status(idea, member, S.UNDER_CONSIDERATION)
    for _ in range(3):
        report(make, idea)
    assert status_of(idea) == S.HIDDEN
    assert services.keep_idea(idea, member) is True
    assert status_of(idea) == S.UNDER_CONSIDERATION
    assert {(r.outcome, r.decided_by_id) for r in reports_of(idea)} == {
        (ReportOutcome.DISMISSED, member.id)
    }
    step = db.session.get(Idea, idea.id).history[-1]
    assert (step.actor_id, step.to_status) == (member.id, S.UNDER_CONSIDERATION)
    assert step.message == "Library staff checked your idea, and it is shown again."
    [entry] = audit("reports.dismiss")
    assert (entry.actor_id, entry.detail) == (
        member.id,
        {"reports": 3, "to": "under_consideration"},
    )


def test_keeping_an_idea_leaves_it_as_it_is_when_reports_did_not_hide_it(make, idea, member):
    """A public idea stays public; one staff hid for reasons of their own stays hidden."""
    report(make, idea)
    assert services.keep_idea(idea, member) is False
    assert status_of(idea) == S.PUBLISHED
    report(make, idea)
    change_status(idea, member, S.HIDDEN, "This needs a closer look.")
    assert services.keep_idea(idea, member) is False
    assert status_of(idea) == S.HIDDEN


def test_after_staff_keep_an_idea_new_reports_count_afresh(make, idea, member):
    """Dismissed reports no longer count towards hiding it."""
    for _ in range(3):
        report(make, idea)
    services.keep_idea(idea, member)
    report(make, idea)
    report(make, idea)
    assert status_of(idea) == S.PUBLISHED
    report(make, idea)
    assert status_of(idea) == S.HIDDEN


def test_agreeing_hides_a_public_idea_telling_its_author_why(make, idea, member):
    """Staff's words, or short kind ones written for them; the reports are upheld."""
    report(make, idea)
    assert services.hide_idea(idea, member, " It names someone. ") is True
    assert status_of(idea) == S.HIDDEN
    step = db.session.get(Idea, idea.id).history[-1]
    assert (step.actor_id, step.to_status, step.message) == (
        member.id,
        S.HIDDEN,
        "It names someone.",
    )
    assert [r.outcome for r in reports_of(idea)] == [ReportOutcome.UPHELD]
    [entry] = audit("reports.uphold")
    assert entry.detail == {"reports": 1, "previous": "published", "hidden": True}
    other = make.idea(idea.consultation)
    report(make, other)
    services.hide_idea(other, member)
    assert "does not follow the rules" in db.session.get(Idea, other.id).history[-1].message


def test_agreeing_with_reports_that_hid_an_idea_tells_its_author_staff_decided(make, idea, member):
    """They were told it was hidden while staff check; now they hear what staff decided."""
    for _ in range(3):
        report(make, idea)
    assert services.hide_idea(idea, member, "It is unkind to someone.") is False
    history = db.session.get(Idea, idea.id).history
    assert [(s.to_status, s.actor_id) for s in history[-2:]] == [
        (S.HIDDEN, None),
        (S.HIDDEN, member.id),
    ]
    assert history[-1].message == "It is unkind to someone."
    assert status_of(idea) == S.HIDDEN


def test_a_message_with_personal_details_is_refused_and_nothing_changes(make, idea, member):
    """Staff's words reach a young person, so they never carry contact details."""
    report(make, idea)
    with pytest.raises(RuleError) as refused:
        services.hide_idea(idea, member, "Call me on 07700 900123")
    assert refused.value.field == "message"
    assert status_of(idea) == S.PUBLISHED
    assert [r.outcome for r in reports_of(idea)] == [None]
    assert audit("reports.uphold") == []


@pytest.mark.parametrize("who", ["other_staff", Role.YOUNG_PERSON, Role.QLP_REVIEWER])
def test_only_staff_of_the_ideas_library_service_decide_about_its_reports(make, idea, who):
    """Everyone else is refused, and the reports stay open."""
    actor = make.staff(make.library_service()) if who == "other_staff" else make.user(who)
    report(make, idea)
    for decide in (services.keep_idea, services.hide_idea):
        with pytest.raises(RuleError):
            decide(idea, actor)
    assert [r.outcome for r in reports_of(idea)] == [None]


def test_admins_decide_in_any_library_service(make, idea):
    """Admins act everywhere."""
    report(make, idea)
    assert services.hide_idea(idea, make.user(Role.ADMIN)) is True


def test_a_decision_sent_twice_is_made_once(make, idea, member):
    """The second finds no open report and changes nothing."""
    report(make, idea)
    services.keep_idea(idea, member)
    with pytest.raises(RuleError):
        services.hide_idea(idea, member)
    assert status_of(idea) == S.PUBLISHED
    assert audit("reports.uphold") == []


def test_staff_of_a_library_service_choose_its_threshold_from_1_to_20(make, riverside, member):
    """Audited; other services' staff and numbers out of range are refused."""
    services.set_reports_to_hide(member, riverside.id, 5)
    assert db.session.get(LibraryService, riverside.id).reports_to_hide == 5
    [entry] = audit("library_service.reports_to_hide")
    assert (entry.actor_id, entry.subject_id, entry.detail) == (
        member.id,
        riverside.id,
        {"previous": 3, "to": 5},
    )
    for number in (0, 21, None):
        with pytest.raises(RuleError):
            services.set_reports_to_hide(member, riverside.id, number)
    with pytest.raises(RuleError):
        services.set_reports_to_hide(make.staff(make.library_service()), riverside.id, 2)
    with pytest.raises(RuleError) as refused:
        services.set_reports_to_hide(member, None, 2)
    assert refused.value.field == "library_service"
    assert db.session.get(LibraryService, riverside.id).reports_to_hide == 5


# --- Young people's pages -------------------------------------------------------------------------


def test_the_idea_page_offers_a_report_link_to_everyone_but_its_author(client, login, make, idea):
    """Anonymous visitors are sent to sign in from it; the author sees no link."""
    assert "Report this idea" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    response = client.get(f"/ideas/{idea.id}/report")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    login(idea.author)
    assert "Report this idea" not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_reporting_through_the_page_says_what_happens_next(client, login, make, idea):
    """Plain reasons to choose from; then back to the question, with a thank-you."""
    login(make.user())
    page = client.get(f"/ideas/{idea.id}/report").get_data(as_text=True)
    for words in (
        "It shares someone's personal details",
        "It is unkind or hurtful",
        "It does not feel safe",
        "It is spam or an advert",
        "Something else",
    ):
        assert words in page
    data = {"csrf_token": csrf_token(client), "reason": UNKIND, "details": WORDS}
    response = client.post(f"/ideas/{idea.id}/report", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/consultations/{idea.consultation_id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Library staff will look at this idea" in html
    assert len(reports_of(idea)) == 1
    again = client.get(f"/ideas/{idea.id}/report").get_data(as_text=True)
    assert "You have already reported this idea. Library staff will look at it." in again
    assert 'name="reason"' not in again


def test_a_report_without_a_reason_is_sent_back_saying_what_is_missing(client, login, make, idea):
    """A 400 page with the form; nothing is kept."""
    login(make.user())
    response = client.post(f"/ideas/{idea.id}/report", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 400
    assert "Please choose what is wrong." in response.get_data(as_text=True)
    assert reports_of(idea) == []


def test_the_author_is_told_they_cannot_report_their_own_idea(client, login, idea):
    """A refusal page in plain words, without the form, and nothing kept."""
    login(idea.author)
    for response in (
        client.get(f"/ideas/{idea.id}/report"),
        client.post(
            f"/ideas/{idea.id}/report", data={"csrf_token": csrf_token(client), "reason": UNKIND}
        ),
    ):
        assert response.status_code == 403
        html = response.get_data(as_text=True)
        assert "This is your own idea" in html and 'name="reason"' not in html
    assert reports_of(idea) == []


def test_an_idea_nobody_else_can_see_has_no_report_page(client, login, make, idea):
    """Hidden, pending or made-up ideas are not found."""
    login(make.user())
    make._set_status(idea, S.HIDDEN)
    assert client.get(f"/ideas/{idea.id}/report").status_code == 404
    assert client.get("/ideas/999999/report").status_code == 404


# --- Staff pages -------------------------------------------------------------------------------


def reported_world(make, consultation, member, count: int, first: int = 0) -> list[Idea]:
    """`count` ideas with reports (spam and unkind) by named young people."""
    ideas = []
    for n in range(first, first + count):
        idea = make.idea(consultation, title=f"Reported idea {n}")
        report(make, idea, UNKIND, WORDS, username=f"Secret_reporter_{n}")
        report(make, idea, SPAM, username=f"Hidden_reporter_{n}")
        ideas.append(idea)
    return ideas


def test_the_queue_shows_reasons_and_counts_oldest_first_and_never_who(
    client, login, make, consultation, member
):
    """Counts per reason and the words reporters wrote, never a reporter's name."""
    first, second = reported_world(make, consultation, member, 2)
    login(member)
    html = client.get("/staff/reports").get_data(as_text=True)
    assert html.index("Reported idea 0") < html.index("Reported idea 1")
    assert "It is unkind or hurtful: <strong>1</strong>" in html
    assert "2 open reports" in html
    assert "Secret_reporter" not in html and "Hidden_reporter" not in html
    assert "Reports (4)" in html  # the navigation counts open reports
    page = client.get(f"/staff/reports/ideas/{first.id}").get_data(as_text=True)
    assert WORDS in page
    assert "Secret_reporter" not in page and "Hidden_reporter" not in page


def test_the_queue_shows_only_the_staff_members_library_services(
    client, login, make, consultation, member
):
    """Another library service's reported ideas are neither listed nor counted."""
    elsewhere = make.idea(title="Somewhere else entirely")
    report(make, elsewhere)
    reported_world(make, consultation, member, 1)
    login(member)
    html = client.get("/staff/reports").get_data(as_text=True)
    assert "Somewhere else entirely" not in html and "Reports (2)" in html
    other = client.get(f"/staff/reports/ideas/{elsewhere.id}")
    assert other.status_code == 403


def test_the_queue_costs_the_same_queries_with_3_and_30_reported_ideas(
    app, make, consultation, member, count_queries
):
    """One query for the page of ideas and their counts, whatever their number."""
    client = signed_in(app, member)
    reported_world(make, consultation, member, 3)

    def measure() -> tuple[int, str]:
        with count_queries() as counted:
            response = client.get("/staff/reports")
        assert response.status_code == 200
        return len(counted), response.get_data(as_text=True)

    at_3, page_at_3 = measure()
    reported_world(make, consultation, member, 27, first=3)
    at_30, page_at_30 = measure()
    assert at_30 == at_3
    assert 'rel="next"' in page_at_30 and 'rel="next"' not in page_at_3


def decide(client, idea: Idea, decision: str, message: str = "", **headers):
    """Send staff's decision about an idea's reports."""
    data = {"csrf_token": csrf_token(client), f"r{idea.id}-decision": decision}
    data[f"r{idea.id}-message"] = message
    return client.post(f"/staff/reports/ideas/{idea.id}/decision", data=data, headers=headers)


def test_staff_decide_without_javascript_and_go_back_to_the_queue(
    client, login, make, idea, member
):
    """A 303 to the queue, which says what was done."""
    for _ in range(3):
        report(make, idea)
    login(member)
    response = decide(client, idea, "keep")
    assert response.status_code == 303 and response.headers["Location"] == "/staff/reports"
    html = client.get("/staff/reports").get_data(as_text=True)
    assert "The reports are dismissed, and the idea is shown again." in html
    assert status_of(idea) == S.PUBLISHED


def test_staff_decide_with_htmx_and_the_card_says_what_was_done(client, login, make, idea, member):
    """The idea's card in place, and the message in the status region."""
    report(make, idea)
    login(member)
    response = decide(client, idea, "hide", "It is not kind.", **{"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="reported-{idea.id}"' in html and 'hx-swap-oob="innerHTML"' in html
    assert "The reports are upheld, and the idea is hidden." in html
    assert "<html" not in html
    assert status_of(idea) == S.HIDDEN


def test_a_decision_that_is_refused_is_shown_beside_the_form(client, login, make, idea, member):
    """No choice: a 400 page, or a 422 card for htmx; words with personal details: said why."""
    report(make, idea)
    login(member)
    response = decide(client, idea, "")
    assert response.status_code == 400
    assert "Choose: keep the idea, or agree and hide it." in response.get_data(as_text=True)
    response = decide(client, idea, "hide", "Email me at sam@example.com", **{"HX-Request": "true"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "possible email address" in html and "<html" not in html
    assert status_of(idea) == S.PUBLISHED
    assert [r.outcome for r in reports_of(idea)] == [None]


def test_staff_set_the_threshold_from_the_queue(client, login, make, riverside, member):
    """Saved and audited; a number out of range is sent back with a 400."""
    login(member)
    page = client.get("/staff/reports").get_data(as_text=True)
    assert "Riverside Libraries (now 3)" in page
    data = {"csrf_token": csrf_token(client), "library_service": riverside.id}
    response = client.post("/staff/reports/threshold", data={**data, "reports_to_hide": 2})
    assert response.status_code == 303
    assert db.session.get(LibraryService, riverside.id).reports_to_hide == 2
    assert len(audit("library_service.reports_to_hide")) == 1
    response = client.post("/staff/reports/threshold", data={**data, "reports_to_hide": 40})
    assert response.status_code == 400
    other = make.library_service("Hillside Libraries")
    response = client.post(
        "/staff/reports/threshold", data={**data, "library_service": other.id, "reports_to_hide": 1}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(LibraryService, other.id).reports_to_hide == 3


@pytest.mark.parametrize("app_settings", [{"RATELIMIT_ENABLED": True}])
def test_one_person_sending_report_after_report_is_stopped(app, client, login, make, idea):
    """Refused forms count too; other writes by the same person are not held up by it."""
    login(make.user())
    token = csrf_token(client)
    allowed = parse(app.config["RATELIMIT_REPORTS_PER_PERSON"]).amount
    statuses = [
        client.post(f"/ideas/{idea.id}/report", data={"csrf_token": token}).status_code
        for _ in range(allowed + 1)
    ]
    assert statuses == [400] * allowed + [429]
    assert client.post(f"/ideas/{idea.id}/vote", data={"csrf_token": token}).status_code == 303
