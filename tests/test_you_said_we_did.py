"""What ideas became: "You said, we did", the public service page, the idea page, "My ideas"."""

from datetime import date

import pytest

from app.extensions import db
from app.models import (
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    Consultation,
    Idea,
    IdeaStatus,
    LibraryService,
    Partner,
    Phase,
    ServiceStatus,
    ServiceStatusChange,
    StaffSkill,
    VolunteerStatus,
    Vote,
)
from tests.conftest import PASSWORD, csrf_token

S, V = IdeaStatus, VolunteerStatus


def volunteer(idea, user, status=V.ACCEPTED, credit=True) -> CodesignVolunteer:
    """A co-designer's offer in a given state, written straight to the table."""
    row = CodesignVolunteer(idea_id=idea.id, user_id=user.id, status=status, credit_publicly=credit)
    db.session.add(row)
    db.session.commit()
    return row


def step(service, status, message) -> ServiceStatusChange:
    """Move a service to a status with a public message."""
    change = ServiceStatusChange(
        service=service, from_status=service.status, to_status=status, message=message
    )
    service.status = status
    db.session.add(change)
    db.session.commit()
    return change


def signed_in(app, user):
    """A client of its own, signed in as `user` through the form (None: nobody)."""
    client = app.test_client()
    if user is not None:
        with app.app_context():  # its own `g`, so no other client's CSRF token is reused
            data = {"csrf_token": csrf_token(client), "username": user.username}
            data["password"] = PASSWORD
            assert client.post("/sign-in", data=data).status_code == 303
    return client


class Helpers:
    """Everyone who offered to help design one service, in every state an offer can be in."""

    def __init__(self, make, idea):
        self.named = volunteer(idea, make.user(username="named_helper"))
        self.shy = volunteer(idea, make.user(username="shy_helper"), credit=False)
        volunteer(idea, make.user(username="waiting_helper"), V.OFFERED)
        volunteer(idea, make.user(username="declined_helper"), V.DECLINED)
        volunteer(idea, make.user(username="withdrawn_helper"), V.WITHDRAWN)
        locked = make.user(username="locked_helper")
        locked.active = False
        volunteer(idea, locked)

    HIDDEN = (
        "shy_helper",
        "waiting_helper",
        "declined_helper",
        "withdrawn_helper",
        "locked_helper",
    )


# "You said, we did" ------------------------------------------------------------------------


def test_you_said_we_did_tells_each_service_s_story(client, make):
    """Name, summary, status, what happened, the ideas with votes, and named co-designers."""
    idea = make.accepted_idea(title="A homework club")
    idea.vote_count = 12
    service = make.codesign_service(idea, name="Homework Club", summary="Help on Tuesdays.")
    step(service, ServiceStatus.PILOTING, "We are trying it out at Central Library.")
    volunteer(idea, make.user(username="named_helper"))
    html = client.get("/you-said-we-did").get_data(as_text=True)
    assert "Homework Club" in html and f'href="/services/{service.id}"' in html
    assert "Help on Tuesdays." in html
    assert "Being tried out" in html
    assert "We are trying it out at Central Library." in html
    assert f'href="/ideas/{idea.id}"' in html and "A homework club" in html
    assert "12 votes" in html
    assert "named_helper" in html


def test_you_said_we_did_lists_most_recently_changed_first(client, make):
    """A service with news moves to the top."""
    older = make.codesign_service(name="Older service")
    make.codesign_service(name="Newer service")
    html = client.get("/you-said-we-did").get_data(as_text=True)
    assert html.index("Newer service") < html.index("Older service")
    step(older, ServiceStatus.PILOTING, "Trying it out.")
    html = client.get("/you-said-we-did").get_data(as_text=True)
    assert html.index("Older service") < html.index("Newer service")


def test_you_said_we_did_is_paged_and_htmx_gets_more_items(client, make):
    """21 services: 20 on the first page, the last one behind "Show more"."""
    consultation = make.consultation()
    for n in range(21):
        service = CodesignService(
            library_service=consultation.library_service, name=f"Service number {n}", summary="S"
        )
        db.session.add(ServiceStatusChange(service=service, to_status=ServiceStatus.PLANNING))
    db.session.commit()
    html = client.get("/you-said-we-did").get_data(as_text=True)
    assert html.count('class="card service-story"') == 20
    assert "Service number 0<" not in html
    start = html.index('rel="next"')
    more = html[
        html.rindex('href="', 0, start) + 6 : html.index('"', html.rindex('href="', 0, start) + 6)
    ]
    response = client.get(more.replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert "Service number 0<" in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)


def test_you_said_we_did_says_so_when_there_are_no_services(client, make):
    """An empty list explains itself."""
    html = client.get("/you-said-we-did").get_data(as_text=True)
    assert "No ideas have become services yet." in html


# The public service page -----------------------------------------------------------------


def test_service_page_shows_what_it_is_for_whom_and_what_happened(client, make):
    """Summary, who for, where, history with messages, ideas with votes, partners, counts."""
    idea = make.accepted_idea(title="Story time in Arabic")
    idea.vote_count = 3
    service = make.codesign_service(idea, name="Stories for everyone", summary="Stories.")
    service.age_bands = ["8-10"]
    service.beneficiary_groups = ["refugees_asylum_seekers", "local_communities"]
    service.partners = [
        db.session.query(Partner).filter_by(name="Booktrust").one(),
        Partner(name="Riverside Refugee Forum"),
    ]
    step(service, ServiceStatus.PILOTING, "The first story time is on Saturday.")
    for held_on, came in (
        (date(2024, 3, 1), {"8-10": 5, "adults": 3}),
        (date(2024, 4, 1), {"8-10": 4}),
    ):
        db.session.add(
            CodesignSession(
                service=service, held_on=held_on, place="Room 2", attendance=came, decisions="D"
            )
        )
    db.session.commit()
    html = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "Stories for everyone" in html and "Stories." in html
    assert "Being tried out" in html
    assert "8-10" in html
    # Who it is for, in plain words rather than the QLP youth strand's own.
    assert "Young refugees and people seeking safety" in html
    assert "Everyone who lives nearby" in html
    assert "Local communities as a whole" not in html
    assert service.library_service.name in html
    assert "Started." in html and "The first story time is on Saturday." in html
    assert "Story time in Arabic" in html and "3 votes" in html
    assert "Booktrust" in html and "Riverside Refugee Forum" in html
    assert "2 co-design sessions held." in html
    assert "12 people came in all." in html


def test_service_page_shows_its_branches(client, make):
    """The libraries the service runs in are named."""
    from app.models import Branch

    service = make.codesign_service()
    branch = Branch(library_service=service.library_service, name="Eastgate Library")
    db.session.add(branch)
    service.branches = [branch]
    db.session.commit()
    assert "Eastgate Library" in client.get(f"/services/{service.id}").get_data(as_text=True)


def test_unknown_service_is_not_found(client, make):
    """A made-up service id is a 404 page."""
    assert client.get("/services/999999").status_code == 404


def test_service_page_shows_nothing_private(client, make):
    """No session notes or decisions, no staff skills, no staff names, no person's age band."""
    idea = make.accepted_idea()
    service = make.codesign_service(idea)
    service.age_bands = ["20-25"]  # people in these tests are 14-16
    db.session.add_all(
        [
            CodesignSession(
                service=service,
                held_on=date(2024, 3, 1),
                place="The back office",
                attendance={"14-16": 2},
                brought_together=True,
                cohesion_note="Private cohesion note",
                decisions="Private decisions",
            ),
            StaffSkill(
                service_id=service.id,
                staff_id=service.quality_leader_id,
                skill="Private skill",
                evidence="Private evidence",
            ),
        ]
    )
    db.session.commit()
    html = client.get(f"/services/{service.id}").get_data(as_text=True)
    for private in (
        "The back office",
        "Private cohesion note",
        "Private decisions",
        "Private skill",
        "Private evidence",
        service.quality_leader.username,
        idea.author.username,
        "14-16",
    ):
        assert private not in html, private


# Privacy: only accepted co-designers who chose to be named are ever named -----------------


def test_uncredited_codesigners_are_never_named_anywhere(client, make):
    """Waiting, declined, withdrawn, unnamed and locked co-designers appear on no public page."""
    idea = make.accepted_idea()
    service = make.codesign_service(idea)
    Helpers(make, idea)
    pages = {
        path: client.get(path).get_data(as_text=True)
        for path in ("/you-said-we-did", f"/services/{service.id}", f"/ideas/{idea.id}")
    }
    for path, html in pages.items():
        for name in Helpers.HIDDEN:
            assert name not in html, (path, name)
    assert "named_helper" in pages["/you-said-we-did"]
    assert "named_helper" in pages[f"/services/{service.id}"]


def test_a_codesigner_who_turns_credit_off_disappears(client, make):
    """Changing one's mind takes the name off at once."""
    idea = make.accepted_idea()
    service = make.codesign_service(idea)
    helper = volunteer(idea, make.user(username="changed_mind"))
    assert "changed_mind" in client.get(f"/services/{service.id}").get_data(as_text=True)
    helper.credit_publicly = False
    db.session.commit()
    assert "changed_mind" not in client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "changed_mind" not in client.get("/you-said-we-did").get_data(as_text=True)


def test_a_codesigner_of_two_ideas_of_one_service_is_named_once(client, make):
    """One person, two ideas of the same service: one credit."""
    consultation = make.consultation(Phase.VOTING_OPEN)
    first, second = make.accepted_idea(consultation), make.accepted_idea(consultation)
    service = make.codesign_service(first, second)
    helper = make.user(username="twice_helper")
    volunteer(first, helper)
    volunteer(second, helper)
    html = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert html.count("twice_helper") == 1


# The idea page and "My ideas" --------------------------------------------------------------


def test_idea_page_says_which_service_it_became_to_someone_who_voted(client, make, login):
    """A young person who supported the idea sees the service, its status and latest news."""
    idea = make.accepted_idea()
    voter = make.user()
    db.session.add(Vote(user_id=voter.id, idea_id=idea.id))
    service = make.codesign_service(idea, name="Quiet study booths")
    step(service, ServiceStatus.PILOTING, "The booths are in, come and try them.")
    login(voter)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "What your idea became" in html
    assert f'href="/services/{service.id}"' in html and "Quiet study booths" in html
    assert "Being tried out" in html
    assert "The booths are in, come and try them." in html


def test_idea_page_without_a_service_says_nothing_about_one(client, make):
    """An accepted idea that has not become a service has no such section."""
    idea = make.accepted_idea()
    assert "What your idea became" not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_my_ideas_shows_the_service_an_idea_became(client, make, login):
    """The proposer sees the service's name, linked, and its status."""
    author = make.user()
    idea = make.accepted_idea(author=author)
    make.accepted_idea(author=author, title="Still waiting")
    service = make.codesign_service(idea, name="Gaming club")
    login(author)
    html = client.get("/my-ideas").get_data(as_text=True)
    assert "Your idea became:" in html
    assert f'href="/services/{service.id}"' in html and "Gaming club" in html
    assert "Being designed with young people" in html
    assert html.count("Your idea became:") == 1


# Constant queries ----------------------------------------------------------------------------


class Growth:
    """Services, ideas, co-designers, sessions and news, added a batch at a time."""

    def __init__(self, make):
        self.make = make
        self.library_service = LibraryService(name="Growing library service")
        self.consultation = Consultation(
            library_service=self.library_service, question="Q?", phase=Phase.CLOSED
        )
        db.session.add(self.consultation)
        self.author = make.user()
        self.helpers = [make.user() for _ in range(2)]
        self.partner = db.session.query(Partner).first()
        db.session.commit()

    def idea(self, service: CodesignService | None, votes: int = 1) -> Idea:
        """A public idea by the author, in the service if one is given, with co-designers."""
        idea = Idea(
            consultation=self.consultation,
            author=self.author,
            title="An idea",
            description="Why",
            status=S.IN_CODESIGN if service else S.ACCEPTED,
            vote_count=votes,
            codesign_service_id=service.id if service else None,
        )
        db.session.add(idea)
        db.session.flush()
        if service:
            for helper, credit in zip(self.helpers, (True, False), strict=True):
                db.session.add(
                    CodesignVolunteer(
                        idea_id=idea.id,
                        user_id=helper.id,
                        status=V.ACCEPTED,
                        credit_publicly=credit,
                    )
                )
        return idea

    def service(self) -> CodesignService:
        """A service with news, partners, a session and two ideas behind it."""
        service = CodesignService(
            library_service=self.library_service, name="A service", summary="What it is"
        )
        service.partners = [self.partner]
        db.session.add(service)
        db.session.add_all(
            [
                ServiceStatusChange(service=service, to_status=ServiceStatus.PLANNING, message="A"),
                ServiceStatusChange(
                    service=service, to_status=ServiceStatus.CODESIGNING, message="B"
                ),
                CodesignSession(
                    service=service,
                    held_on=date(2024, 1, 1),
                    place="P",
                    attendance={"14-16": 3},
                    decisions="D",
                ),
            ]
        )
        service.status = ServiceStatus.CODESIGNING
        db.session.flush()
        self.idea(service)
        self.idea(service)
        return service

    def grow_services(self, count: int) -> None:
        """Add `count` services."""
        for _ in range(count):
            self.service()
        db.session.commit()

    def grow_one(self, service: CodesignService, count: int) -> None:
        """Add `count` ideas, co-designers, sessions, partners and news to one service."""
        for n in range(count):
            self.idea(service, votes=n)
            partner = Partner(name=f"Partner {service.id}-{len(service.partners)}-{n}")
            service.partners.append(partner)
            db.session.add(
                CodesignSession(
                    service=service,
                    held_on=date(2024, 2, 1),
                    place="P",
                    attendance={"8-10": 1},
                    decisions="D",
                )
            )
            db.session.add(
                ServiceStatusChange(
                    service=service, to_status=ServiceStatus.CODESIGNING, message="C"
                )
            )
            helper = self.make.user()
            idea = db.session.query(Idea).filter_by(codesign_service_id=service.id).first()
            db.session.add(
                CodesignVolunteer(
                    idea_id=idea.id, user_id=helper.id, status=V.ACCEPTED, credit_publicly=True
                )
            )
        db.session.commit()

    def grow_my_ideas(self, count: int) -> None:
        """Add `count` ideas by the author, half of them in a service of their own."""
        for n in range(count):
            self.idea(self.service() if n % 2 else None)
        db.session.commit()


def measure(count_queries, client, path: str) -> tuple[int, str]:
    """The SQL statements one page costs, and the page."""
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(counted), response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["anonymous", "young person"])
def test_you_said_we_did_costs_the_same_queries_at_5_and_50_services(app, make, count_queries, who):
    """Ideas, latest news and co-designers are loaded for the whole page, one query each."""
    growth = Growth(make)
    client = signed_in(app, make.user() if who == "young person" else None)
    growth.grow_services(5)
    at_5, page_at_5 = measure(count_queries, client, "/you-said-we-did")
    growth.grow_services(45)
    at_50, page_at_50 = measure(count_queries, client, "/you-said-we-did")
    assert at_50 == at_5
    assert 'rel="next"' not in page_at_5 and 'rel="next"' in page_at_50


def test_service_page_costs_the_same_queries_with_5_and_50_of_everything(app, make, count_queries):
    """Many ideas, co-designers, sessions, partners and steps: no query per row."""
    growth = Growth(make)
    service = growth.service()
    db.session.commit()
    client = signed_in(app, None)
    growth.grow_one(service, 5)
    at_5, _ = measure(count_queries, client, f"/services/{service.id}")
    growth.grow_one(service, 45)
    at_50, html = measure(count_queries, client, f"/services/{service.id}")
    assert at_50 == at_5
    assert "51 co-design sessions held." in html


def test_my_ideas_costs_the_same_queries_with_5_and_50_ideas_in_services(app, make, count_queries):
    """The service each idea became comes with the ideas, not one query per idea."""
    growth = Growth(make)
    client = signed_in(app, growth.author)
    growth.grow_my_ideas(5)
    at_5, page_at_5 = measure(count_queries, client, "/my-ideas")
    growth.grow_my_ideas(45)
    at_50, page_at_50 = measure(count_queries, client, "/my-ideas")
    assert at_50 == at_5
    assert "Your idea became:" in page_at_5 and "Your idea became:" in page_at_50
