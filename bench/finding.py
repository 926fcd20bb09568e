"""Finding ideas at scale: one consultation of 2,000 ideas and 20,000 votes, on both databases.

    .venv/bin/python -m bench.finding [--postgresql URL] [--sqlite PATH] [--runs N]

Builds the data with the app's migrations (so PostgreSQL has its full-text index), then asks
the consultation page in process, as a visitor, for each order, a search, a filter, a deep
page and the htmx list, and the similar-ideas lookup as a young person: the median time of
`--runs` requests and the SQL statements of one. On PostgreSQL it also prints the plans of
the search and of the similar-ideas lookup (EXPLAIN ANALYZE). The PostgreSQL database's
schema is dropped first, so its name must contain "bench" (bench/data.py).
"""

import argparse
import random
import re
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event, insert, select, text

from bench.data import reset_database

BIG_IDEAS = 2_000
VOTES = 20_000
VOTERS = 1_000
OTHER_CONSULTATIONS = 8
OTHER_IDEAS = 1_000  # in each other consultation: 10,000 ideas in all
SECRET = "bench-finding-secret"
PASSWORD = "bench-finding-password"
# Words ideas are made of: "chess" is in about one idea in 12, as a popular subject would be.
THINGS = [
    "chess club",
    "film night",
    "quiet room",
    "homework help",
    "board games",
    "coding club",
    "art corner",
    "music practice",
    "comfy chairs",
    "study space",
    "book swap",
    "manga shelf",
    "drama group",
    "craft table",
    "poetry slam",
    "science club",
    "games console",
    "podcast studio",
    "language cafe",
    "revision sessions",
    "chess tournament",
    "photography club",
    "knitting circle",
    "dance workshop",
    "sign language class",
]
WHEN = ("on Fridays", "after school", "at weekends", "in the holidays", "every evening", "")
WHY = (
    "so we have somewhere to go",
    "because the library is too quiet",
    "for people who are new to the area",
    "so we can meet new friends",
    "because it helps with exams",
    "for younger children too",
)
STATUSES = ["published"] * 14 + ["under_consideration"] * 2 + ["accepted", "not_taken_forward"]


def build(url: str) -> None:
    """The schema by migration, the outcomes, and the ideas, voters and votes."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import (
        Consultation,
        Idea,
        LibraryService,
        Outcome,
        OutcomeLink,
        Phase,
        User,
        Vote,
    )
    from app.passwords import hash_password
    from app.pseudonyms import name_skeleton
    from app.seed import load_outcome_frameworks

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    rng = random.Random(7)
    now = datetime.now(UTC)
    with app.app_context():
        upgrade()
        load_outcome_frameworks()
        service = LibraryService(name="Bench Libraries")
        db.session.add(service)
        db.session.flush()
        consultations = [
            Consultation(library_service_id=service.id, question=f"Question {n}?", phase=phase)
            for n, phase in enumerate([Phase.VOTING_OPEN] + [Phase.CLOSED] * OTHER_CONSULTATIONS)
        ]
        db.session.add_all(consultations)
        db.session.flush()
        password_hash = hash_password(PASSWORD)
        db.session.execute(
            insert(User),
            [
                {
                    "username": f"voter{n}",
                    "name_skeleton": name_skeleton(f"voter{n}"),
                    "password_hash": password_hash,
                    "created_at": now,
                }
                for n in range(VOTERS)
            ],
        )
        author = db.session.execute(select(User.id).where(User.username == "voter0")).scalar()
        rows = []
        for consultation in consultations:
            for _ in range(BIG_IDEAS if consultation.phase == Phase.VOTING_OPEN else OTHER_IDEAS):
                thing = rng.choice(THINGS)
                rows.append(
                    {
                        "consultation_id": consultation.id,
                        "author_id": author,
                        "title": f"{thing.capitalize()} {rng.choice(WHEN)}".strip(),
                        "description": f"A {thing} {rng.choice(WHEN)}, {rng.choice(WHY)}.",
                        "status": rng.choice(STATUSES),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        db.session.execute(insert(Idea), rows)
        big = consultations[0].id
        ideas = list(
            db.session.execute(select(Idea.id).where(Idea.consultation_id == big)).scalars()
        )
        voters = list(db.session.execute(select(User.id)).scalars())
        per_voter = VOTES // VOTERS
        votes = [
            {"user_id": voter, "idea_id": idea, "created_at": now}
            for voter in voters
            for idea in rng.sample(ideas, per_voter)
        ]
        db.session.execute(insert(Vote), votes)
        db.session.execute(
            text(
                "UPDATE ideas SET vote_count = "
                "(SELECT count(*) FROM votes WHERE votes.idea_id = ideas.id)"
            )
        )
        outcome = db.session.execute(select(Outcome.id).where(Outcome.code == "qlp.aim.c")).scalar()
        db.session.execute(
            insert(OutcomeLink),
            [
                {
                    "idea_id": idea,
                    "outcome_id": outcome,
                    "linked_by_id": author,
                    "rationale": "Fits.",
                }
                for idea in ideas[::10]
            ],
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum does after a bulk load: until the full-text index's pending list is
            # merged into it, the planner prices the index too dear to use it.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        db.session.remove()
        db.engine.dispose()


# (what is asked, address); {c} is the big consultation.
PAGES = [
    ("mixed order (the usual while voting)", "/consultations/{c}"),
    ("most votes", "/consultations/{c}?sort=votes"),
    ("newest", "/consultations/{c}?sort=newest"),
    ("search 'chess', mixed", "/consultations/{c}?q=chess"),
    ("search 'chess club', most votes", "/consultations/{c}?q=chess+club&sort=votes"),
    ("going ahead, most votes", "/consultations/{c}?status=going-ahead&sort=votes"),
    ("helps with qlp.aim.c, newest", "/consultations/{c}?outcome=qlp.aim.c&sort=newest"),
    ("htmx list, search 'quiet'", "/consultations/{c}?q=quiet"),
]
DEEP = 10  # pages followed before timing a deep page


def _next(html: str) -> str:
    """The next page's address from a page."""
    return re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")


def measure(url: str, runs: int) -> list[tuple[str, float, int]]:
    """(what, median milliseconds, SQL statements) for each page, and the deep pages."""
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "TESTING": True})
    results = []
    with app.app_context():
        big = db.session.execute(text("SELECT min(id) FROM consultations")).scalar()
        db.session.remove()
    statements: list[str] = []

    def count(*_args):
        statements.append("")

    def timed(client, what: str, address: str, headers=None) -> str:
        times, html = [], ""
        with app.app_context():
            client.get(address, headers=headers or {})  # warm: templates, caches, connections
        for _ in range(runs):
            with app.app_context():
                statements.clear()
                event.listen(db.engine, "before_cursor_execute", count)
                started = time.perf_counter()
                response = client.get(address, headers=headers or {})
                html = response.get_data(as_text=True)
                times.append((time.perf_counter() - started) * 1000)
                event.remove(db.engine, "before_cursor_execute", count)
                assert response.status_code == 200, (address, response.status_code)
        results.append((what, statistics.median(times), len(statements)))
        return html

    visitor = app.test_client()
    for what, path in PAGES:
        htmx = {"HX-Request": "true"} if what.startswith("htmx") else None
        timed(visitor, what, path.format(c=big), htmx)
    for sort in ("mixed", "votes", "newest"):
        address = f"/consultations/{big}?sort={sort}"
        with app.app_context():
            for _ in range(DEEP):
                address = _next(visitor.get(address).get_data(as_text=True))
        timed(visitor, f"page {DEEP + 1}, {sort}", address)
        timed(visitor, f"page {DEEP + 1}, {sort}, htmx Show more", address, {"HX-Request": "true"})
    young = app.test_client()
    with app.app_context():
        html = young.get("/sign-in").get_data(as_text=True)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
        data = {"csrf_token": token, "username": "voter1", "password": PASSWORD}
        assert young.post("/sign-in", data=data).status_code == 303
    similar = f"/consultations/{big}/similar?title=A+chess+club+on+Fridays"
    timed(young, "similar ideas (htmx, signed in)", similar, {"HX-Request": "true"})
    timed(young, "mixed order, signed in", f"/consultations/{big}")
    with app.app_context():
        db.engine.dispose()
    return results


def explain(url: str) -> None:
    """EXPLAIN ANALYZE of the search (its count and a page) and the similar-ideas lookup."""
    from app import create_app
    from app.extensions import db
    from app.ideas import finding
    from app.models import Consultation

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        consultation = db.session.execute(
            select(Consultation).order_by(Consultation.id).limit(1)
        ).scalar_one()
        search = finding.Filters(q="chess", sort="votes")
        captured: list[tuple[str, object]] = []

        def capture(_conn, _cursor, statement, parameters, _context, _many):
            if "FROM ideas" in statement:
                captured.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        finding.count_found(consultation, search)
        with app.test_request_context():
            from flask_login import AnonymousUserMixin

            finding.find_ideas(consultation, AnonymousUserMixin(), search)
        finding.similar_ideas(consultation, "A chess club on Fridays")
        event.remove(db.engine, "before_cursor_execute", capture)
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for name, (statement, parameters) in zip(
                ("search: count", "search: a page, most votes", "similar ideas"),
                captured,
                strict=True,
            ):
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement, parameters)
                print(f"\n### {name}\n")
                print("\n".join("    " + row[0] for row in cursor.fetchall()))
            raw.rollback()
        finally:
            raw.close()
        db.engine.dispose()


def report(name: str, results: list[tuple[str, float, int]]) -> None:
    """One markdown table of a database's figures."""
    print(f"\n## {name}: {BIG_IDEAS:,} ideas, {VOTES:,} votes in the consultation\n")
    print("| page | median ms | SQL statements |")
    print("| --- | ---: | ---: |")
    for what, milliseconds, statements in results:
        print(f"| {what} | {milliseconds:.1f} | {statements} |")


def main() -> None:
    """Build, measure and report on each database asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", default="postgresql://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--sqlite", default="/tmp/bench-finding.db")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from app.config import database_url

    path = Path(args.sqlite)
    path.unlink(missing_ok=True)
    for name, url in (("SQLite", f"sqlite:///{path}"), ("PostgreSQL", args.postgresql)):
        if name == "PostgreSQL":
            reset_database(url)
        url = database_url(url)
        started = time.perf_counter()
        build(url)
        print(f"\n{name}: data built in {time.perf_counter() - started:.0f} s")
        report(name, measure(url, args.runs))
        if name == "PostgreSQL":
            explain(url)


if __name__ == "__main__":
    main()
