"""Data the platform starts with: the outcome frameworks, and demo content for trying it out."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Branch,
    Consultation,
    LibraryService,
    Outcome,
    OutcomeFramework,
    OutcomeGroup,
    Partner,
    PartnerKind,
    Phase,
    Role,
    User,
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
    ("library_staff", Role.STAFF, None),
    ("qlp_reviewer", Role.QLP_REVIEWER, None),
    ("admin", Role.ADMIN, None),
)


def load_demo_data() -> bool:
    """Add a demo library service, consultations and one account per role to an empty database."""
    from app.auth.services import create_account
    from app.ideas.services import approve_idea, propose_idea

    if db.session.execute(select(User.id).limit(1)).first() is not None:
        return False
    service = LibraryService(name="Riverside Libraries")
    central = Branch(library_service=service, name="Central Library")
    Branch(library_service=service, name="Eastgate Library")
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
    )
    db.session.add_all([secondary, teen_space])
    users = {
        name: create_account(name, DEMO_PASSWORD, age_band=band, role=role)
        for name, role, band in DEMO_ACCOUNTS
    }
    # Ideas can only be proposed while proposals are open, so the voting consultation
    # is opened for proposals while its demo ideas are written.
    teen_space.phase = Phase.PROPOSALS_OPEN
    for title, description in (
        ("Gaming club on Friday evenings", "A club with consoles and board games after school."),
        ("Quiet study booths", "Somewhere quiet to revise for exams, with plugs for laptops."),
        ("Manga and comics corner", "More manga and graphic novels, and beanbags to read on."),
    ):
        idea = propose_idea(users["robin_writes"], teen_space, title, description)
        approve_idea(idea, users["library_staff"], "Thank you, this is now open for votes.")
    teen_space.phase = Phase.VOTING_OPEN
    db.session.commit()
    return True
