"""Every list page costs the same number of SQL queries with 5 rows behind it as with 50."""

import pytest

from app.extensions import db
from app.models import (
    Branch,
    CodesignService,
    Consultation,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    LibraryService,
    Outcome,
    OutcomeLink,
    Phase,
    Role,
    ServiceStatus,
    StaffMembership,
    Vote,
)
from tests.conftest import PASSWORD, csrf_token

S = IdeaStatus
# (who looks, the page); {c} is the consultation whose ideas are listed, {s} the member of staff.
LIST_PAGES = [
    (None, "/"),
    (None, "/consultations/{c}"),
    (None, "/outcomes"),
    (None, "/consultations/closed"),
    (Role.YOUNG_PERSON, "/"),
    (Role.YOUNG_PERSON, "/consultations/{c}"),
    (Role.YOUNG_PERSON, "/my-ideas"),
    (Role.STAFF, "/staff/"),
    (Role.STAFF, "/staff/pending"),
    (Role.STAFF, "/staff/published"),
    (Role.STAFF, "/staff/consultations"),
    (Role.QLP_REVIEWER, "/review/"),
    (Role.QLP_REVIEWER, "/review/outcomes/qlp.aim.c"),
    (Role.QLP_REVIEWER, "/review/unlinked"),
    (Role.ADMIN, "/admin/"),
    (Role.ADMIN, "/admin/accounts"),
    (Role.ADMIN, "/admin/library-services"),
    (Role.ADMIN, "/admin/users/{s}/memberships"),
]
# Lists fixed by the source documents, which have no next page however much data there is.
NOT_PAGED = {"/outcomes"}


class World:
    """Everyone and everything the list pages show, grown a batch at a time."""

    def __init__(self, make):
        self.make = make
        self.people = {role: make.user(role) for role in Role}
        self.staff = self.people[Role.STAFF]
        self.viewer = self.people[Role.YOUNG_PERSON]
        self.voting = make.consultation(Phase.VOTING_OPEN, vote_budget=3)
        self.proposals = make.consultation(Phase.PROPOSALS_OPEN)
        self.unlinked = make.consultation(Phase.VOTING_OPEN)
        # The member of staff belongs to every library service, so sees every list in full.
        for consultation in (self.voting, self.proposals, self.unlinked):
            self._belong(consultation.library_service)
        self.outcomes = db.session.query(Outcome).filter(
            Outcome.code.in_(["qlp.aim.c", "promise.vision.5"])
        )
        self.batches = 0

    def _belong(self, service: LibraryService) -> None:
        """Make the member of staff belong to a library service."""
        db.session.add(StaffMembership(user_id=self.staff.id, library_service=service))

    def _idea(self, consultation, author, *steps: tuple[IdeaStatus, str]) -> Idea:
        """An idea whose history walks through `steps` (status, message to the author)."""
        idea = Idea(consultation=consultation, author=author, title="An idea", description="Why")
        db.session.add(idea)
        previous = None
        for status, message in ((S.PENDING, ""), *steps):
            db.session.add(
                IdeaStatusChange(
                    idea=idea,
                    actor=self.staff,
                    from_status=previous,
                    to_status=status,
                    message=message,
                )
            )
            previous = status
        idea.status = previous
        return idea

    def grow(self, count: int) -> None:
        """Add `count` of every kind of row a list page shows."""
        for _ in range(count):
            service = LibraryService(name=f"Service {self.batches}-{_}")
            db.session.add_all([Branch(library_service=service, name=n) for n in ("A", "B")])
            db.session.add(Consultation(library_service=service, question="Q?", phase=Phase.CLOSED))
            self._belong(service)
            db.session.add(
                CodesignService(
                    library_service=service,
                    name="A homework club",
                    summary="Homework help on Tuesdays.",
                    status=ServiceStatus.CODESIGNING,
                    quality_leader=self.staff,
                )
            )
            author = self.make.user()
            idea = self._idea(self.voting, author, (S.PUBLISHED, "Thanks"))
            idea.vote_count = _ % 7
            for outcome in self.outcomes:
                db.session.add(
                    OutcomeLink(idea=idea, outcome=outcome, linked_by=self.staff, rationale="Why")
                )
            self._idea(self.proposals, author)  # waits for moderation
            self._idea(self.proposals, self.viewer, (S.CHANGES_REQUESTED, "Shorter, please"))
            self._idea(self.unlinked, author, (S.PUBLISHED, ""))
        db.session.flush()
        if self.batches == 0:  # the viewer supports two ideas, within the budget
            ideas = db.session.query(Idea).filter_by(consultation_id=self.voting.id).limit(2)
            db.session.add_all([Vote(user_id=self.viewer.id, idea_id=i.id) for i in ideas])
        db.session.commit()
        self.batches += 1


def signed_in(app, user):
    """A client of its own, signed in as `user` through the form (None: nobody)."""
    client = app.test_client()
    if user is not None:
        with app.app_context():  # its own `g`, so no other client's CSRF token is reused
            token = csrf_token(client)
            data = {"csrf_token": token, "username": user.username, "password": PASSWORD}
            assert client.post("/sign-in", data=data).status_code == 303
    return client


def test_every_list_page_costs_the_same_queries_at_5_and_at_50_rows(app, make, count_queries):
    """Eager loading and one page at a time: 45 more rows of everything add no query."""
    world = World(make)
    clients = {role: signed_in(app, world.people.get(role)) for role in {r for r, _ in LIST_PAGES}}

    def measure() -> tuple[dict, dict]:
        queries, pages = {}, {}
        for role, path in LIST_PAGES:
            url = path.format(c=world.voting.id, s=world.staff.id)
            with count_queries() as counted:
                response = clients[role].get(url)
            assert response.status_code == 200, (role, url)
            key = f"{role or 'anonymous'} {url}"
            queries[key], pages[key] = len(counted), response.get_data(as_text=True)
        return queries, pages

    world.grow(5)
    at_5, pages_at_5 = measure()
    world.grow(45)
    at_50, pages_at_50 = measure()
    assert at_50 == at_5
    # The lists really hold the rows: at 50 each has a next page, at 5 none does.
    for (_role, path), key in zip(LIST_PAGES, at_50, strict=True):
        assert ('rel="next"' in pages_at_50[key]) == (path not in NOT_PAGED), key
        assert 'rel="next"' not in pages_at_5[key], key


@pytest.mark.parametrize("role", [Role.YOUNG_PERSON, Role.STAFF])
def test_an_idea_page_costs_the_same_queries_whatever_its_history(app, make, count_queries, role):
    """An idea with a long history and many outcome links loads them in fixed queries."""
    world = World(make)
    world.grow(1)
    idea = db.session.query(Idea).filter_by(consultation_id=world.voting.id).first()
    client = signed_in(app, world.people[role])
    path = f"/ideas/{idea.id}" if role == Role.YOUNG_PERSON else f"/staff/ideas/{idea.id}"

    def measure() -> int:
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        return len(counted)

    before = measure()
    for _ in range(6):
        idea.status = S.HIDDEN
        db.session.add(IdeaStatusChange(idea=idea, actor=make.user(Role.STAFF), to_status=S.HIDDEN))
        idea.status = S.PUBLISHED
        db.session.add(
            IdeaStatusChange(idea=idea, actor=make.user(Role.STAFF), to_status=S.PUBLISHED)
        )
    for outcome in db.session.query(Outcome).limit(10):
        if outcome.code not in ("qlp.aim.c", "promise.vision.5"):
            db.session.add(
                OutcomeLink(
                    idea=idea, outcome=outcome, linked_by=make.user(Role.STAFF), rationale="Why"
                )
            )
    db.session.commit()
    assert measure() == before
