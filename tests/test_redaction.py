"""Ideas that may hold personal details: held for staff, highlighted, redacted, and kept private."""

import pytest

from app.extensions import db
from app.ideas.services import change_status, propose_idea, resubmit_idea
from app.models import AuditEntry, IdeaRevision, IdeaStatus, IdeaStatusChange, Phase, Role
from app.moderation import services
from app.rules import RuleError
from tests.conftest import csrf_token
from tests.test_lists import signed_in

PHONE = "07700 900123"
NOTE = "We have asked a member of staff to check your idea before anyone else sees it"


@pytest.fixture
def consultation(make):
    """A consultation open for ideas, in a library service of its own."""
    return make.consultation()


@pytest.fixture
def author(make):
    """A young person."""
    return make.user()


@pytest.fixture
def held(consultation, author):
    """A pending idea with a phone number in it."""
    return propose_idea(author, consultation, "Texting club", f"Text me on {PHONE} to join")


def redact(client, idea, title, description):
    """Post the form that changes an idea's words."""
    return client.post(
        f"/staff/ideas/{idea.id}/words",
        data={
            "csrf_token": csrf_token(client),
            "redact-title": title,
            "redact-description": description,
        },
    )


def test_proposing_with_a_phone_number_holds_the_idea(held):
    """The idea waits for staff, marked as held for personal information."""
    assert held.status == IdeaStatus.PENDING
    assert held.held_for_personal_info


def test_a_school_name_from_the_setting_holds_the_idea(app, consultation, author):
    """Local school names are looked for as configured."""
    app.config["SAFEGUARDING_SCHOOL_NAMES"] = ("Oakfield Academy",)
    idea = propose_idea(author, consultation, "Club at oakfield academy", "After school.")
    assert idea.held_for_personal_info


def test_a_clean_idea_is_not_held(consultation, author):
    """Ordinary ideas, numbers and all, are not held."""
    idea = propose_idea(author, consultation, "Open at 7", "2 more computers for Year 7")
    assert not idea.held_for_personal_info


def test_the_author_gets_a_kind_note_on_their_idea_and_my_ideas(client, make, login, consultation):
    """Proposing through the page holds the idea and tells the author why, without blame."""
    login(make.user())
    response = client.post(
        f"/consultations/{consultation.id}/propose",
        data={
            "csrf_token": csrf_token(client),
            "title": "Book swap",
            "description": "Message me at jo@example.com",
        },
    )
    assert response.status_code == 303
    for page in (response.headers["Location"], "/my-ideas"):
        assert NOTE in client.get(page).get_data(as_text=True), page


def test_the_note_is_not_shown_for_a_clean_idea(client, make, login, consultation):
    """Ideas that are not held carry no note."""
    author = login(make.user())
    make.idea(consultation, published=False, author=author)
    assert NOTE not in client.get("/my-ideas").get_data(as_text=True)


def test_staff_see_the_match_highlighted_and_named_and_the_queue_marks_it(
    client, make, login, consultation, held
):
    """The phone number is in a <mark> that names it for screen readers; the queue says held."""
    login(make.staff(consultation.library_service))
    html = client.get(f"/staff/ideas/{held.id}").get_data(as_text=True)
    assert (
        '<mark class="personal-info"><span class="visually-hidden">possible phone number: </span>'
        f"{PHONE}</mark>"
    ) in html
    assert "Held for you to check" in html
    assert "Held: may include personal details" in client.get("/staff/").get_data(as_text=True)


def test_markup_around_a_highlight_is_escaped_for_staff(client, make, login, consultation, author):
    """Highlighting never lets an idea's own markup through."""
    idea = propose_idea(author, consultation, "Hi", f"<script>alert(1)</script> {PHONE}")
    login(make.staff(consultation.library_service))
    html = client.get(f"/staff/ideas/{idea.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_a_staff_message_with_an_email_is_refused_and_nothing_changes(
    client, make, login, consultation
):
    """The form says what kind of detail it found; the idea, its history and the log stay."""
    idea = make.idea(consultation, published=False)
    login(make.staff(consultation.library_service))
    response = client.post(
        f"/staff/ideas/{idea.id}/decision",
        data={
            "csrf_token": csrf_token(client),
            "decision-decision": "changes_requested",
            "decision-message": "Email me at library.jo@example.com about it",
        },
    )
    assert response.status_code == 400
    assert "possible email address" in response.get_data(as_text=True)
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PENDING
    assert db.session.query(IdeaStatusChange).filter_by(idea_id=idea.id).count() == 1
    assert db.session.query(AuditEntry).filter_by(action="idea.status").count() == 0


def test_a_staff_message_with_a_phone_number_is_refused_by_the_rules(make, consultation):
    """No message to a young person goes out with a phone number, whichever way it is sent."""
    idea = make.idea(consultation, published=False)
    staff = make.staff(consultation.library_service)
    with pytest.raises(RuleError, match="possible phone number"):
        change_status(idea, staff, IdeaStatus.REJECTED, f"Ring {PHONE}")
    assert idea.status == IdeaStatus.PENDING


def test_publishing_a_held_idea_lifts_the_hold_and_the_log_says_it_was_held(
    make, consultation, held
):
    """Staff who publish anyway have decided; the audit entry records that it was held."""
    staff = make.staff(consultation.library_service)
    change_status(held, staff, IdeaStatus.PUBLISHED)
    assert not held.held_for_personal_info
    entry = db.session.query(AuditEntry).filter_by(action="idea.status").one()
    assert entry.detail["held_for_personal_info"] is True


def test_resubmitting_keeps_the_old_words_for_staff_and_checks_the_new(make, consultation, author):
    """An author's own change is a revision (staff only), and new details hold it again."""
    idea = propose_idea(author, consultation, "Club", "A club on Fridays")
    staff = make.staff(consultation.library_service)
    change_status(idea, staff, IdeaStatus.CHANGES_REQUESTED, "Say more, please.")
    resubmit_idea(idea, author, "Club", f"A club on Fridays, text {PHONE}")
    revision = db.session.query(IdeaRevision).one()
    assert (revision.description, revision.reason, revision.edited_by_id) == (
        "A club on Fridays",
        "edited",
        author.id,
    )
    assert idea.held_for_personal_info
    assert idea.status == IdeaStatus.PENDING


def test_sending_the_same_held_words_back_unchanged_holds_them_again(make, consultation, held):
    """Asking for changes lifts the hold; the same words sent back are held again."""
    staff = make.staff(consultation.library_service)
    change_status(held, staff, IdeaStatus.CHANGES_REQUESTED, "Please leave out your number.")
    assert not held.held_for_personal_info
    resubmit_idea(held, held.author, held.title, held.description)
    assert held.held_for_personal_info
    assert db.session.query(IdeaRevision).count() == 0


def test_redacting_keeps_the_old_words_for_staff_and_replaces_them(
    client, make, login, consultation, held
):
    """Saving stores a "redacted" revision, replaces the words, lifts the hold and is audited."""
    staff = login(make.staff(consultation.library_service))
    response = redact(client, held, "Texting club", "Ask at the desk to join")
    assert response.status_code == 303
    db.session.refresh(held)
    assert (held.description, held.held_for_personal_info) == ("Ask at the desk to join", False)
    revision = db.session.query(IdeaRevision).one()
    assert (revision.description, revision.reason, revision.edited_by_id) == (
        f"Text me on {PHONE} to join",
        "redacted",
        staff.id,
    )
    entry = db.session.query(AuditEntry).filter_by(action="idea.redact").one()
    assert (entry.actor_id, entry.subject_id) == (staff.id, held.id)
    assert PHONE not in str(entry.detail)
    html = client.get(f"/staff/ideas/{held.id}").get_data(as_text=True)
    assert "Earlier words (staff only)" in html
    assert PHONE in html


def test_redaction_that_still_matches_keeps_the_hold_and_says_so(
    client, make, login, consultation, held
):
    """Words that still look personal keep the idea held, and staff are told."""
    login(make.staff(consultation.library_service))
    response = redact(client, held, "Texting club", "Email jo@example.com instead")
    assert response.status_code == 303
    db.session.refresh(held)
    assert held.held_for_personal_info
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "so the idea stays held" in page


@pytest.mark.parametrize(
    ("title", "description", "message"),
    [
        ("Texting club", f"Text me on {PHONE} to join", "The words are the same as before"),
        ("", "Something", "Enter a title for the idea."),
        ("x" * 121, "Something", "Use 120 characters or fewer for “Title”. You have used 121."),
    ],
)
def test_a_bad_redaction_is_refused_and_changes_nothing(
    client, make, login, consultation, held, title, description, message
):
    """Unchanged, empty or overlong words are refused with a message; no revision is kept."""
    login(make.staff(consultation.library_service))
    response = redact(client, held, title, description)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(held)
    assert held.description == f"Text me on {PHONE} to join"
    assert db.session.query(IdeaRevision).count() == 0


def test_replacing_each_match_with_removed(client, make, login, consultation, held):
    """The quick action takes out only what was highlighted."""
    login(make.staff(consultation.library_service))
    response = client.post(
        f"/staff/ideas/{held.id}/remove-personal-info", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 303
    db.session.refresh(held)
    assert held.description == "Text me on [removed] to join"
    assert not held.held_for_personal_info
    assert db.session.query(IdeaRevision).filter_by(reason="redacted").count() == 1


def test_the_public_and_the_author_see_only_the_new_words(app, make, consultation, author, held):
    """Once redacted and published, nobody outside staff reads the old words or revisions."""
    staff = make.staff(consultation.library_service)
    services.redact_idea(held, staff, "Texting club", "Ask at the desk to join")
    change_status(held, staff, IdeaStatus.PUBLISHED)
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    for viewer in (None, author, make.user()):
        client = signed_in(app, viewer)
        for page in (f"/ideas/{held.id}", f"/consultations/{consultation.id}"):
            html = client.get(page).get_data(as_text=True)
            assert "Ask at the desk to join" in html, page
            assert PHONE not in html, page
            assert "Earlier words" not in html, page


@pytest.mark.parametrize("who", ["young person", "staff of another library service"])
def test_revisions_and_redaction_are_refused_outside_the_ideas_staff(
    app, make, consultation, held, who
):
    """Young people and other services' staff are refused the staff page, revisions and forms."""
    staff = make.staff(consultation.library_service)
    services.redact_idea(held, staff, "Texting club", "Ask at the desk to join")
    viewer = held.author if who == "young person" else make.staff(make.library_service())
    client = signed_in(app, viewer)
    for page in (f"/staff/ideas/{held.id}", f"/staff/ideas/{held.id}/revisions"):
        assert client.get(page).status_code == 403, page
    token = csrf_token(client)
    assert redact(client, held, "Mine", "Mine now").status_code == 403
    response = client.post(
        f"/staff/ideas/{held.id}/remove-personal-info", data={"csrf_token": token}
    )
    assert response.status_code == 403
    db.session.refresh(held)
    assert held.description == "Ask at the desk to join"
    assert db.session.query(IdeaRevision).count() == 1


def test_redacting_by_someone_else_is_refused_by_the_rules(make, consultation, held):
    """The service refuses staff of another library service and young people too."""
    for actor in (make.staff(make.library_service()), make.user(Role.YOUNG_PERSON)):
        with pytest.raises(RuleError):
            services.redact_idea(held, actor, "Mine", "Mine now")
    assert db.session.query(IdeaRevision).count() == 0


def test_the_idea_page_shows_the_newest_revisions_and_how_many(
    client, make, login, consultation, held
):
    """The staff idea page shows a few revisions and links to all of them."""
    staff = login(make.staff(consultation.library_service))
    for number in range(5):
        services.redact_idea(held, staff, "Texting club", f"Version {number}")
    html = client.get(f"/staff/ideas/{held.id}").get_data(as_text=True)
    assert "See all 5 earlier versions" in html
    assert f"/staff/ideas/{held.id}/revisions" in html
    assert "Version 1" in html and "Version 0" not in html  # the three before the newest
    listing = client.get(f"/staff/ideas/{held.id}/revisions").get_data(as_text=True)
    assert PHONE in listing and "Version 3" in listing


def test_the_revisions_page_costs_the_same_queries_at_5_and_at_50(
    app, make, consultation, held, count_queries
):
    """Eager loading and one page at a time: 45 more revisions add no query."""
    staff = make.staff(consultation.library_service)
    client = signed_in(app, staff)

    def grow(count: int) -> None:
        db.session.add_all(
            IdeaRevision(
                idea_id=held.id, title="T", description="D", reason="redacted", edited_by=staff
            )
            for _ in range(count)
        )
        db.session.commit()

    def measure() -> tuple[int, str]:
        with count_queries() as counted:
            response = client.get(f"/staff/ideas/{held.id}/revisions")
        assert response.status_code == 200
        return len(counted), response.get_data(as_text=True)

    grow(5)
    at_5, page_at_5 = measure()
    grow(45)
    at_50, page_at_50 = measure()
    assert at_50 == at_5
    assert 'rel="next"' in page_at_50 and 'rel="next"' not in page_at_5
