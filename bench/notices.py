"""How long telling everyone who voted for an idea takes: 10,000 voters, one INSERT ... SELECT.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_notices \\
        .venv/bin/python -m bench.notices [voters]

Builds the voters straight in SQL in a database of its own (its schema is dropped, so the name
must contain "bench"), one in ten of them muting the kind, then times `idea_moved` accepting
the idea several times, each in a transaction rolled back, and once committed.
"""

import os
import statistics
import sys
import time

from sqlalchemy import func, select, text

from app import create_app
from app.config import database_url
from app.extensions import db
from app.models import (
    Consultation,
    Idea,
    IdeaStatus,
    LibraryService,
    Notice,
    NoticeKind,
    Phase,
    Role,
    User,
)
from app.notices.services import idea_moved
from app.pseudonyms import name_skeleton
from bench.data import reset_database

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_notices"
RUNS = 7


def build(voters: int) -> tuple[Idea, User]:
    """An idea being considered, its author, a member of staff, and `voters` who voted for it."""
    service = LibraryService(name="Bench Libraries")
    consultation = Consultation(
        question="What should we do?", phase=Phase.VOTING_OPEN, library_service=service
    )
    author = User(username="author", password_hash="x")
    staff = User(username="staff", password_hash="x", role=Role.STAFF)
    idea = Idea(
        consultation=consultation,
        author=author,
        title="A games night",
        description="On Fridays.",
        status=IdeaStatus.UNDER_CONSIDERATION,
        vote_count=voters,
    )
    db.session.add_all([idea, staff])
    db.session.commit()
    db.session.execute(
        text(
            "INSERT INTO users (username, name_skeleton, password_hash, role, language, active,"
            " created_at) SELECT 'voter_' || n, :skeleton, 'x', 'young_person', 'en', true, now()"
            " FROM generate_series(1, :voters) AS n"
        ),
        {"voters": voters, "skeleton": name_skeleton("voter_1")},
    )
    db.session.execute(
        text(
            "INSERT INTO votes (user_id, idea_id, created_at)"
            " SELECT id, :idea, now() FROM users WHERE username LIKE 'voter\\_%'"
        ),
        {"idea": idea.id},
    )
    db.session.execute(
        text(
            "INSERT INTO notice_mutes (user_id, kind) SELECT id, :kind FROM users"
            " WHERE username LIKE 'voter\\_%' AND id % 10 = 0"
        ),
        {"kind": NoticeKind.BACKED_IDEA_ANSWERED.value},
    )
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    return idea, staff


def accept(idea: Idea, staff: User) -> tuple[float, int]:
    """Tell everyone of the idea's acceptance: seconds taken and notices made (not committed)."""
    began = time.perf_counter()
    idea_moved(idea, IdeaStatus.UNDER_CONSIDERATION, IdeaStatus.ACCEPTED, staff)
    elapsed = time.perf_counter() - began
    return elapsed, db.session.scalar(select(func.count()).select_from(Notice))


def main() -> None:
    """Build, time, print."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    voters = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    reset_database(url)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": "bench", "TESTING": True}
    )
    with app.app_context():
        db.create_all()
        idea, staff = build(voters)
        times = []
        for _ in range(RUNS):
            elapsed, told = accept(idea, staff)
            times.append(elapsed)
            db.session.rollback()
        began = time.perf_counter()
        accept(idea, staff)
        db.session.commit()
        committed = time.perf_counter() - began
        db.engine.dispose()
    print(f"{voters} voters, {told} told (one in ten muted the kind, the author is told too)")
    print(f"idea_moved: median {statistics.median(times) * 1000:.0f} ms over {RUNS} runs")
    print(f"(min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms)")
    print(f"once more, committed: {committed * 1000:.0f} ms")


if __name__ == "__main__":
    main()
