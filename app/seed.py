"""Data the platform starts with: the outcome frameworks, and demo content for trying it out."""

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import (
    BeneficiaryGroup,
    Branch,
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    Colour,
    Consultation,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    LibraryService,
    Outcome,
    OutcomeFramework,
    OutcomeGroup,
    OutcomeLink,
    Partner,
    PartnerKind,
    Phase,
    Picture,
    QlpRating,
    QlpReview,
    QlpReviewResponse,
    Rating,
    Recommendation,
    Role,
    ServiceOutcomeLink,
    ServiceStatus,
    ServiceStatusChange,
    StaffMembership,
    StaffSkill,
    User,
    VolunteerStatus,
    Vote,
    utcnow,
)
from app.outcome_frameworks import FRAMEWORKS


def _upsert(model, code: str, **values):
    """Find a row by its stable code and bring it up to date, or add it."""
    row = db.session.execute(select(model).filter_by(code=code)).scalar_one_or_none()
    if row is None:
        row = model(code=code, **values)
        db.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    return row


def load_outcome_frameworks() -> int:
    """Write the frameworks from the source documents; safe to run again. Returns the outcomes."""
    count = 0
    for f_pos, spec in enumerate(FRAMEWORKS):
        framework = _upsert(
            OutcomeFramework, spec["code"], name=spec["name"], source=spec["source"], position=f_pos
        )
        for g_pos, group_spec in enumerate(spec["groups"]):
            group = _upsert(
                OutcomeGroup,
                group_spec["code"],
                framework=framework,
                title=group_spec["title"],
                description=group_spec["description"],
                position=g_pos,
            )
            for o_pos, outcome_spec in enumerate(group_spec["outcomes"]):
                _upsert(
                    Outcome,
                    outcome_spec["code"],
                    group=group,
                    wording=outcome_spec["wording"],
                    position=o_pos,
                )
                count += 1
    db.session.commit()
    return count


# The national partners the Children and Young People's Promise names ("Our partners").
NATIONAL_PARTNERS = (
    "The Reading Agency",
    "Booktrust",
    "National Literacy Trust",
    "Arts Council England",
    "The School Library Association",
    "CILIP Youth Libraries Group",
    "CILIP School Libraries Group",
    "Inclusive Minds",
)


def load_national_partners() -> int:
    """Add the Promise's national partners that are missing; safe to run again."""
    known = set(db.session.execute(select(Partner.name)).scalars())
    missing = [name for name in NATIONAL_PARTNERS if name not in known]
    db.session.add_all(Partner(name=name, kind=PartnerKind.NATIONAL) for name in missing)
    db.session.commit()
    return len(missing)


DEMO_PASSWORD = "demo-password"
DEMO_ACCOUNTS = (
    ("sam_reads", Role.YOUNG_PERSON, "14-16"),
    ("robin_writes", Role.YOUNG_PERSON, "11-13"),
    ("alex_draws", Role.YOUNG_PERSON, "17-19"),
    ("library_staff", Role.STAFF, None),
    ("qlp_reviewer", Role.QLP_REVIEWER, None),
    ("admin", Role.ADMIN, None),
)
DEMO_LIBRARY_SERVICE = "Riverside Libraries"
DEMO_SERVICE = "Welcome Wednesdays"
DEMO_LOCAL_PARTNER = "Riverside Refugee Youth Forum"
DEMO_NATIONAL_PARTNER = "Inclusive Minds"

# Each demo idea's outcome links: (outcome code, why), so no dashboard starts empty. None is
# linked to QLP aim c, which the browser walk links its own new idea to and then counts.
DEMO_IDEA_LINKS = {
    "Gaming club on Friday evenings": (
        ("promise.journey.6.3", "A regular club brings young people into the library together."),
        ("qlp.aim.a", "A service young people really asked for, in normal opening hours."),
    ),
    "Quiet study booths": (
        ("promise.offer.learning-digital", "Space for formal learning, with power for laptops."),
        ("qlp.outcome.c", "Many young people have nowhere quiet to revise at home."),
    ),
    "Manga and comics corner": (
        ("promise.vision.1", "Makes reading for pleasure irresistible for teenagers."),
        ("promise.offer.reading", "A books and reading promotion young people chose."),
    ),
    "A welcome club for young people new to the country": (
        ("promise.vision.5", "Young people new to the area design the club themselves."),
        ("qlp.outcome.f", "Brings the refugee youth forum and the library together."),
        ("qlp.outcome.a", "Young people lead the design, with partners supporting them."),
        ("promise.journey.6.3", "Helps young people new to the area join in locally."),
    ),
    "Books in our own languages": (
        ("promise.vision.3", "Inclusive and diverse books, in the languages young people read."),
        ("qlp.aim.d", "Families and communities choose the books together."),
        ("qlp.outcome.c", "Meets a need the library had not met for newly arrived families."),
    ),
}

# The demo service's outcome links, confirmed by staff from its ideas' links.
DEMO_SERVICE_LINKS = (
    ("qlp.aim.c", "Designed with young refugees and asylum seekers and two partners."),
    ("qlp.aim.d", "Sessions bring young people, parents and grandparents together."),
    ("qlp.outcome.c", "A new service for young people the library had not reached."),
    ("promise.vision.5", "Young people decide what the club does and volunteer in it."),
)

# The demo QLP review: (code, rating, evidence, sessions it points at, points at the skill).
DEMO_RATINGS = (
    (
        "qlp.aim.a",
        Rating.EMERGING,
        "The club is in Central Library's timetable, but not yet in the library plan.",
        (),
        False,
    ),
    (
        "qlp.aim.b",
        Rating.EMERGING,
        "The Quality Leader learned to run co-design sessions with young refugees.",
        (),
        True,
    ),
    (
        "qlp.aim.c",
        Rating.ESTABLISHED,
        "Young people chose the day, the activities and the books in two sessions.",
        (0, 1),
        False,
    ),
    (
        "qlp.aim.d",
        Rating.EMERGING,
        "The second session brought parents, grandparents and young people together.",
        (1,),
        False,
    ),
    (
        "qlp.outcome.a",
        Rating.ESTABLISHED,
        "Young people lead the sessions; the forum and Inclusive Minds support them.",
        (0, 1),
        False,
    ),
    (
        "qlp.outcome.b",
        Rating.EMERGING,
        "One new skill recorded with evidence; the wider team has not yet taken part.",
        (),
        True,
    ),
    (
        "qlp.outcome.c",
        Rating.EMERGING,
        "Eleven young people new to the area came who had never used the library.",
        (0,),
        False,
    ),
    ("qlp.outcome.d", Rating.NOT_YET, "", (), False),
    ("qlp.outcome.e", Rating.NOT_YET, "", (), False),
    (
        "qlp.outcome.f",
        Rating.EMERGING,
        "The refugee youth forum and a national partner now plan sessions with the library.",
        (1,),
        False,
    ),
)


def _days_ago(days: int) -> datetime:
    """A moment `days` before now, for demo history."""
    return utcnow() - timedelta(days=days)


def _outcomes() -> dict[str, Outcome]:
    """Every outcome by code, loading the frameworks first if they are not there yet."""
    if db.session.execute(select(Outcome.id).limit(1)).first() is None:
        load_outcome_frameworks()
    return {o.code: o for o in db.session.execute(select(Outcome)).scalars()}


def _past_idea(
    consultation: Consultation,
    author: User,
    staff: User,
    title: str,
    description: str,
    steps: tuple[tuple[IdeaStatus, str, int], ...],
) -> Idea:
    """An idea written straight to the database, with its history (status, message, days ago)."""
    idea = Idea(consultation=consultation, author=author, title=title, description=description)
    db.session.add(idea)
    previous = None
    for status, message, days in steps:
        db.session.add(
            IdeaStatusChange(
                idea=idea,
                actor=author if status == IdeaStatus.PENDING else staff,
                from_status=previous,
                to_status=status,
                message=message,
                created_at=_days_ago(days),
            )
        )
        previous = status
    idea.status = previous
    idea.created_at = _days_ago(steps[0][2])
    return idea


def _vote(idea: Idea, *voters: User) -> None:
    """Votes for an idea, with its count kept exact."""
    if idea.id is None:
        db.session.flush()
    db.session.add_all(Vote(user_id=voter.id, idea_id=idea.id) for voter in voters)
    idea.vote_count += len(voters)


def load_demo_data() -> bool:
    """Add a demo library service, consultations, one account per role and the whole QLP story.

    Only into an empty database (no accounts yet): a second load adds nothing.
    """
    from app.auth.services import create_account
    from app.ideas.services import approve_idea, propose_idea

    if db.session.execute(select(User.id).limit(1)).first() is not None:
        return False
    load_national_partners()
    outcomes = _outcomes()
    service = LibraryService(name=DEMO_LIBRARY_SERVICE)
    central = Branch(library_service=service, name="Central Library")
    eastgate = Branch(library_service=service, name="Eastgate Library")
    db.session.add(service)
    now = utcnow()
    secondary = Consultation(
        library_service=service,
        question="How could your library help you get ready for secondary school?",
        description="Tell us what would help you feel ready for your new school: "
        "study space, clubs, books, games, help with homework, anything.",
        phase=Phase.PROPOSALS_OPEN,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=60),
        colour=Colour.SKY,
        picture=Picture.ROCKET,
    )
    teen_space = Consultation(
        library_service=service,
        branch=central,
        question="What should we do with the teen space at Central Library?",
        description="The room upstairs is being refurbished. Vote for the ideas you like best.",
        phase=Phase.VOTING_OPEN,
        opens_at=now - timedelta(days=14),
        closes_at=now + timedelta(days=30),
        vote_budget=3,
        colour=Colour.SUN,
        picture=Picture.BULB,
    )
    welcome = Consultation(
        library_service=service,
        question="How can Riverside Libraries welcome young people who are new to the area?",
        description="Many young people have just arrived in Riverside, some from far away. "
        "What would make the library feel like their place too?",
        phase=Phase.CLOSED,
        opens_at=now - timedelta(days=120),
        closes_at=now - timedelta(days=80),
        colour=Colour.LEAF,
        picture=Picture.SPEECH,
    )
    db.session.add_all([secondary, teen_space, welcome])
    users = {
        name: create_account(name, DEMO_PASSWORD, age_band=band, role=role)
        for name, role, band in DEMO_ACCOUNTS
    }
    staff, robin, alex = users["library_staff"], users["robin_writes"], users["alex_draws"]
    # Library staff are also the demo service's designated safeguarding lead.
    db.session.add(
        StaffMembership(user_id=staff.id, library_service=service, safeguarding_lead=True)
    )
    db.session.commit()

    # Ideas can only be proposed while proposals are open, so the voting consultation
    # is opened for proposals while its demo ideas are written.
    teen_space.phase = Phase.PROPOSALS_OPEN
    ideas = {}
    for title, description in (
        ("Gaming club on Friday evenings", "A club with consoles and board games after school."),
        ("Quiet study booths", "Somewhere quiet to revise for exams, with plugs for laptops."),
        ("Manga and comics corner", "More manga and graphic novels, and beanbags to read on."),
    ):
        idea = propose_idea(robin, teen_space, title, description)
        approve_idea(idea, staff, "Thank you, this is now open for votes.")
        ideas[title] = idea
    teen_space.phase = Phase.VOTING_OPEN
    # One idea waiting for staff to check, so the moderation queue has something in it.
    propose_idea(
        alex,
        secondary,
        "Buddy reading with Year 6s",
        "Older students read with Year 6s who are about to start secondary school.",
    )

    _demo_codesign_story(welcome, ideas, outcomes, users, [central, eastgate])
    for title, links in DEMO_IDEA_LINKS.items():
        for code, rationale in links:
            db.session.add(
                OutcomeLink(
                    idea=ideas[title],
                    outcome=outcomes[code],
                    linked_by=staff,
                    rationale=rationale,
                    linked_at=_days_ago(60),
                )
            )
    db.session.commit()
    # One more idea waiting for staff, held because it gives a phone number, so staff see what
    # is highlighted (made last, so the other demo ideas keep their ids).
    propose_idea(
        users["sam_reads"],
        secondary,
        "Homework help on the phone",
        "A number to text for homework help. Text me on 07700 900123 if you want to help.",
    )
    _demo_notices(ideas, staff)
    _demo_later_ideas(secondary, teen_space, outcomes, users)
    _demo_join_code(secondary, central, staff)
    _demo_delivered_service(welcome, outcomes, users)
    _demo_pack(service, staff)
    return True


def _demo_notices(ideas: dict[str, Idea], staff: User) -> None:
    """What young people heard when the co-design story's ideas were accepted and when their
    offers to help were (the story writes its past steps directly, so nobody was told then)."""
    from app.notices import services as notices

    for title in (
        "A welcome club for young people new to the country",
        "Books in our own languages",
    ):
        notices.idea_moved(ideas[title], IdeaStatus.UNDER_CONSIDERATION, IdeaStatus.ACCEPTED, staff)
    accepted = select(CodesignVolunteer).where(CodesignVolunteer.status == VolunteerStatus.ACCEPTED)
    for volunteer in db.session.execute(accepted).scalars():
        notices.help_accepted(volunteer)
    db.session.commit()


# The demo join code, printed on the poster at /staff/join-codes: it leads to the question that
# is open for ideas.
DEMO_JOIN_CODE = "READ2345"


def _demo_later_ideas(
    secondary: Consultation,
    teen_space: Consultation,
    outcomes: dict[str, Outcome],
    users: dict[str, User],
) -> None:
    """Two more published ideas (made last, so earlier ids stay): one open for ideas, for the
    similar ideas shown while proposing, and a fourth to vote on once three votes are spent."""
    from app.ideas.services import approve_idea, propose_idea

    staff, alex = users["library_staff"], users["alex_draws"]
    for consultation, title, description, code, rationale in (
        (
            secondary,
            "Homework club after school",
            "A club in the library after school where you can get help with homework.",
            "promise.offer.learning-digital",
            "Help with homework in a place to learn.",
        ),
        (
            teen_space,
            "Longer opening hours at weekends",
            "Keep the teen space open until 8pm on Saturdays and Sundays.",
            "qlp.aim.a",
            "A service at times young people asked for.",
        ),
    ):
        phase, consultation.phase = consultation.phase, Phase.PROPOSALS_OPEN
        idea = propose_idea(alex, consultation, title, description)
        approve_idea(idea, staff, "Thank you, this is now open for votes.")
        consultation.phase = phase
        db.session.add(
            OutcomeLink(
                idea=idea,
                outcome=outcomes[code],
                linked_by=staff,
                rationale=rationale,
                linked_at=_days_ago(30),
            )
        )
    db.session.commit()


def _demo_join_code(secondary: Consultation, central: Branch, staff: User) -> None:
    """A join code for a class visit to Central Library, leading to the question open for ideas."""
    from app.joincodes.services import create_join_code

    join_code = create_join_code(
        staff,
        label="Year 8 class visit",
        library_service_id=secondary.library_service_id,
        branch_id=central.id,
        consultation_id=secondary.id,
        expires_in="30d",
        max_uses=35,
    )
    join_code.code = DEMO_JOIN_CODE
    db.session.commit()


def _demo_codesign_story(
    welcome: Consultation,
    ideas: dict[str, Idea],
    outcomes: dict[str, Outcome],
    users: dict[str, User],
    branches: list[Branch],
) -> None:
    """Two accepted ideas become a service in co-design, with partners, co-designers, two
    sessions, a staff skill and outcome links, and one signed QLP review, answered."""
    staff, reviewer = users["library_staff"], users["qlp_reviewer"]
    sam, robin, alex = users["sam_reads"], users["robin_writes"], users["alex_draws"]
    asked = "Thank you! Library staff are looking at this idea carefully."
    accepted = "We will do this! Young people will help us design it."
    codesign = "This idea is now part of Welcome Wednesdays, which young people are designing."
    for title, author, description, voters in (
        (
            "A welcome club for young people new to the country",
            sam,
            "A club after school where young people who have just arrived can meet others, "
            "play games, get help with English and find out what the library has.",
            (sam, robin, alex),
        ),
        (
            "Books in our own languages",
            alex,
            "Books and comics in Arabic, Tigrinya, Dari and other languages we speak at home, "
            "so we can read with our families.",
            (robin, sam),
        ),
    ):
        idea = _past_idea(
            welcome,
            author,
            staff,
            title,
            description,
            (
                (IdeaStatus.PENDING, "", 110),
                (IdeaStatus.PUBLISHED, "Thank you, this is now open for votes.", 109),
                (IdeaStatus.UNDER_CONSIDERATION, asked, 75),
                (IdeaStatus.ACCEPTED, accepted, 70),
                (IdeaStatus.IN_CODESIGN, codesign, 60),
            ),
        )
        _vote(idea, *voters)
        ideas[title] = idea

    local = Partner(name=DEMO_LOCAL_PARTNER, kind=PartnerKind.COMMUNITY)
    national = db.session.execute(
        select(Partner).where(Partner.name == DEMO_NATIONAL_PARTNER)
    ).scalar_one()
    service = CodesignService(
        library_service=welcome.library_service,
        name=DEMO_SERVICE,
        summary="A club every Wednesday after school for young people new to Riverside. "
        "Play games, have snacks, get help with English and find books in your own language. "
        "Young people decide what it does.",
        need="Young refugees and asylum seekers told us the library did not feel like "
        "their place, and few of them had ever borrowed a book here.",
        age_bands=["11-13", "14-16", "17-19"],
        beneficiary_groups=[
            BeneficiaryGroup.REFUGEES_ASYLUM_SEEKERS.value,
            BeneficiaryGroup.NOT_YET_REACHED.value,
            BeneficiaryGroup.LOCAL_COMMUNITIES.value,
        ],
        status=ServiceStatus.CODESIGNING,
        quality_leader=staff,
        created_by_id=staff.id,
        created_at=_days_ago(60),
        branches=branches,
        team=[staff],
        partners=[national, local],
    )
    db.session.add(service)
    db.session.add_all(
        [
            ServiceStatusChange(
                service=service,
                actor=staff,
                from_status=None,
                to_status=ServiceStatus.PLANNING,
                message="Two of your ideas are becoming one new service. We are planning it.",
                created_at=_days_ago(60),
            ),
            ServiceStatusChange(
                service=service,
                actor=staff,
                from_status=ServiceStatus.PLANNING,
                to_status=ServiceStatus.CODESIGNING,
                message="Young people are designing Welcome Wednesdays with us. "
                "Come to a session at Central or Eastgate Library.",
                created_at=_days_ago(45),
            ),
        ]
    )
    db.session.flush()
    club = ideas["A welcome club for young people new to the country"]
    books = ideas["Books in our own languages"]
    club.codesign_service_id = books.codesign_service_id = service.id
    db.session.add_all(
        [
            # Named on the public pages, as they chose.
            CodesignVolunteer(
                idea_id=club.id,
                user_id=sam.id,
                status=VolunteerStatus.ACCEPTED,
                credit_publicly=True,
                decided_by_id=staff.id,
                decided_at=_days_ago(50),
                created_at=_days_ago(58),
            ),
            # A co-designer too, who chose not to be named.
            CodesignVolunteer(
                idea_id=books.id,
                user_id=alex.id,
                status=VolunteerStatus.ACCEPTED,
                credit_publicly=False,
                decided_by_id=staff.id,
                decided_at=_days_ago(50),
                created_at=_days_ago(57),
            ),
            # An offer still waiting for staff, to try accepting one.
            CodesignVolunteer(
                idea_id=club.id,
                user_id=robin.id,
                status=VolunteerStatus.OFFERED,
                credit_publicly=True,
                created_at=_days_ago(3),
            ),
        ]
    )
    first = CodesignSession(
        service=service,
        held_on=date.today() - timedelta(days=40),
        place="Central Library, teen space",
        attendance={"11-13": 4, "14-16": 6, "17-19": 2},
        brought_together=False,
        decisions="Meet on Wednesdays after school. Start each club with games and snacks. "
        "Make a map of the library in five languages.",
        recorded_by_id=staff.id,
        partners=[local],
    )
    second = CodesignSession(
        service=service,
        held_on=date.today() - timedelta(days=20),
        place="Eastgate Library, community room",
        attendance={"11-13": 3, "14-16": 5, "17-19": 3, "adults": 6},
        brought_together=True,
        cohesion_note="Parents and grandparents from the Syrian, Eritrean and Afghan "
        "communities chose books with the young people; older readers offered to read with "
        "younger ones.",
        decisions="Start a shelf of books in Arabic, Tigrinya and Dari chosen by young people. "
        "Older volunteers read with 11 to 13 year olds once a month.",
        recorded_by_id=staff.id,
        partners=[local, national],
    )
    db.session.add_all([first, second])
    db.session.flush()
    skill = StaffSkill(
        service_id=service.id,
        staff_id=staff.id,
        skill="Running co-design sessions with young refugees and asylum seekers",
        evidence="Planned and ran both sessions with the forum's youth workers, using "
        "picture cards and interpreters so every young person could take part.",
        session_id=second.id,
        recorded_by_id=staff.id,
        created_at=_days_ago(19),
    )
    db.session.add(skill)
    db.session.add_all(
        ServiceOutcomeLink(
            service=service,
            outcome=outcomes[code],
            linked_by=staff,
            rationale=rationale,
            linked_at=_days_ago(44),
        )
        for code, rationale in DEMO_SERVICE_LINKS
    )
    db.session.flush()

    sessions = (first, second)
    review = QlpReview(
        service_id=service.id,
        reviewer_id=reviewer.id,
        period_start=date.today() - timedelta(days=60),
        period_end=date.today() - timedelta(days=10),
        overall_comment="A strong start: young people new to Riverside are shaping the club "
        "and partners are involved. Next, bring the wider Quality Team in and plan how the "
        "club becomes part of the library's mainstream offer.",
        recommendation=Recommendation.CONTINUE,
        signed_at=_days_ago(5),
        signed_by_id=reviewer.id,
        created_at=_days_ago(8),
        ratings=[
            QlpRating(
                outcome=outcomes[code],
                rating=rating,
                evidence=evidence,
                sessions=[sessions[i] for i in pointed],
                skills=[skill] if uses_skill else [],
            )
            for code, rating, evidence, pointed, uses_skill in DEMO_RATINGS
        ],
        response=QlpReviewResponse(
            author_id=staff.id,
            text="Thank you. We will invite the whole Quality Team to the next session and "
            "put Welcome Wednesdays into next year's library plan.",
            created_at=_days_ago(2),
        ),
    )
    db.session.add(review)


def _demo_delivered_service(
    welcome: Consultation, outcomes: dict[str, Outcome], users: dict[str, User]
) -> None:
    """An idea that became a delivered service, with a session, a signed review and what the
    Quality Leader learned: a case study for the practice guide (made last, so the other demo
    rows keep their ids)."""
    staff, reviewer = users["library_staff"], users["qlp_reviewer"]
    robin, sam, alex = users["robin_writes"], users["sam_reads"], users["alex_draws"]
    idea = _past_idea(
        welcome,
        robin,
        staff,
        "Homework help after school",
        "Someone to help with homework at the library after school, with computers we can use.",
        (
            (IdeaStatus.PENDING, "", 118),
            (IdeaStatus.PUBLISHED, "Thank you, this is now open for votes.", 117),
            (IdeaStatus.ACCEPTED, "We will do this, with you.", 100),
            (IdeaStatus.IN_CODESIGN, "Young people are planning Homework Help Hour.", 95),
            (IdeaStatus.DELIVERED, "Homework Help Hour runs every Tuesday and Thursday.", 30),
        ),
    )
    _vote(idea, robin, sam, alex)
    local = db.session.execute(
        select(Partner).where(Partner.name == DEMO_LOCAL_PARTNER)
    ).scalar_one()
    service = CodesignService(
        library_service=welcome.library_service,
        name="Homework Help Hour",
        summary="Help with homework at Central Library every Tuesday and Thursday after "
        "school, with volunteers and computers to use.",
        need="Young people told us they had nowhere quiet to do homework and no computer at home.",
        age_bands=["11-13", "14-16"],
        beneficiary_groups=[
            BeneficiaryGroup.YOUNG_PEOPLE.value,
            BeneficiaryGroup.REFUGEES_ASYLUM_SEEKERS.value,
        ],
        status=ServiceStatus.DELIVERED,
        quality_leader=staff,
        created_by_id=staff.id,
        created_at=_days_ago(95),
        team=[staff],
        partners=[local],
        lessons_learned="Ask young people when they can come before fixing the day: our first "
        "plan clashed with school clubs. Volunteers from the youth forum made newcomers feel "
        "at home faster than any leaflet.",
        lessons_by_id=staff.id,
        lessons_at=_days_ago(20),
    )
    db.session.add(service)
    previous = None
    for status, message, days in (
        (ServiceStatus.PLANNING, "Your idea is becoming Homework Help Hour.", 95),
        (ServiceStatus.CODESIGNING, "Come and help us plan it.", 90),
        (ServiceStatus.DELIVERED, "Homework Help Hour is running. Come along!", 30),
    ):
        db.session.add(
            ServiceStatusChange(
                service=service,
                actor=staff,
                from_status=previous,
                to_status=status,
                message=message,
                created_at=_days_ago(days),
            )
        )
        previous = status
    db.session.flush()
    idea.codesign_service_id = service.id
    db.session.add(
        OutcomeLink(
            idea=idea,
            outcome=outcomes["promise.vision.5"],
            linked_by=staff,
            rationale="Young people asked for it and planned it with us.",
            linked_at=_days_ago(110),
        )
    )
    session = CodesignSession(
        service=service,
        held_on=date.today() - timedelta(days=85),
        place="Central Library, study room",
        attendance={"11-13": 5, "14-16": 4},
        decisions="Tuesdays and Thursdays, 4 to 5pm. Laptops to borrow. A quiet table and a "
        "table for working together.",
        recorded_by_id=staff.id,
        partners=[local],
    )
    db.session.add(session)
    db.session.flush()
    db.session.add(
        StaffSkill(
            service_id=service.id,
            staff_id=staff.id,
            skill="Planning a service with young people from their first idea",
            evidence="Ran the planning session and changed the days when young people said the "
            "first ones clashed with school clubs.",
            session_id=session.id,
            recorded_by_id=staff.id,
            created_at=_days_ago(84),
        )
    )
    db.session.add(
        ServiceOutcomeLink(
            service=service,
            outcome=outcomes["qlp.aim.c"],
            linked_by=staff,
            rationale="Young people chose the days and how the room is used.",
            linked_at=_days_ago(90),
        )
    )
    db.session.add(
        QlpReview(
            service_id=service.id,
            reviewer_id=reviewer.id,
            period_start=date.today() - timedelta(days=95),
            period_end=date.today() - timedelta(days=25),
            overall_comment="Delivered as young people planned it, and well used.",
            recommendation=Recommendation.READY_TO_MAINSTREAM,
            signed_at=_days_ago(24),
            signed_by_id=reviewer.id,
            created_at=_days_ago(26),
            ratings=[
                QlpRating(
                    outcome=outcomes["qlp.aim.c"],
                    rating=Rating.EMBEDDED,
                    evidence="Young people set the days and run the sign-up sheet.",
                    sessions=[session],
                )
            ],
        )
    )
    db.session.commit()


def _demo_pack(library_service: LibraryService, staff: User) -> None:
    """The year's Best Value pack, published by the Quality Leader, so its link can be shared."""
    from app.evidence.packs import PackRequest, publish_pack

    today = date.today()
    with current_app.test_request_context():
        publish_pack(staff, PackRequest(library_service, today - timedelta(days=364), today))
