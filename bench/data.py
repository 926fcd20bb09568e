"""Builds the benchmark data set in its own PostgreSQL database, fast, with generate_series."""

import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from app.pseudonyms import name_skeleton
from bench import BENCH_PASSWORD, BENCH_SECRET

# The consultations, by id: which is which never changes, so scenarios can name them.
BIG = 1
SMALL = 2
CLOSED = range(3, 9)
VOTING = range(9, 13)
PROPOSALS = range(13, 19)
DRAFTS = range(19, 21)
CONSULTATIONS = 20
# The young person who proposed exactly 100 ideas, and one who only browses and votes.
AUTHOR_ID = 1
VIEWER_ID = 2
PUBLIC_STATUSES = (
    "published",
    "under_consideration",
    "accepted",
    "not_taken_forward",
    "in_codesign",
    "delivered",
)
# Databases the harness refuses to touch whatever it is told: tests and PostgreSQL's own.
FORBIDDEN_DATABASES = {"test", "postgres", "template0", "template1"}


@dataclass(frozen=True)
class Shape:
    """How big the data set is."""

    name: str
    pupils: int
    # Pupils at the top of the id range with no vote in the big consultation: the vote
    # scenarios spend their budgets, so every vote they cast can succeed.
    reserved: int
    votes: int
    ideas: int = 5_000
    big_ideas: int = 2_000
    small_ideas: int = 10
    author_ideas: int = 100
    staff: int = 5
    branches: int = 4


FULL = Shape("full", pupils=100_000, reserved=24_000, votes=1_000_000)
QUICK = Shape("quick", pupils=10_000, reserved=4_500, votes=100_000)


@dataclass
class BenchData:
    """What the build made: ids the scenarios use, sizes, self-checks and build time."""

    url: str
    shape: Shape
    staff_id: int
    reviewer_id: int
    admin_id: int
    featured_idea_id: int
    first_reserved: int
    build_seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def big(self) -> int:
        """The consultation with 2,000 public ideas, open for votes."""
        return BIG

    @property
    def small(self) -> int:
        """The consultation with 10 public ideas."""
        return SMALL


def plain_url(url: str) -> str:
    """The URL as libpq understands it (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def database_name(url: str) -> str:
    """The database a URL points at, refusing the test database and PostgreSQL's own."""
    name = make_url(url).database or ""
    if name in FORBIDDEN_DATABASES or "bench" not in name:
        raise SystemExit(
            f"Refusing to use database {name!r}: the bench drops its schema every run, so it "
            "only uses a database whose name contains 'bench' (set BENCH_DATABASE_URL)."
        )
    return name


def reset_database(url: str) -> None:
    """Create the bench database if missing, then drop and recreate its public schema."""
    name = database_name(url)
    admin_url = make_url(plain_url(url)).set(database="postgres")
    with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        # A server left over from an interrupted run would hold locks on the old schema.
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
    with psycopg.connect(plain_url(url), autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


def migrate_and_hash(url: str) -> str:
    """Build the schema with the app's migrations and outcome loader; one hash of the password."""
    from flask_migrate import upgrade

    from app import create_app
    from app.config import database_url
    from app.extensions import db
    from app.passwords import hash_password
    from app.seed import load_outcome_frameworks

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": BENCH_SECRET})
    with app.app_context():
        upgrade()
        load_outcome_frameworks()
        # The production cost, so sign-ins verify what real accounts would store.
        password_hash = hash_password(BENCH_PASSWORD)
        db.session.remove()
        db.engine.dispose()
    return password_hash


def _consultation_rows(now: datetime) -> list[tuple]:
    """The 20 consultations: big and small, then closed, voting, proposals and drafts."""
    topics = [
        "What should the new teen space have in it?",
        "How should the library be open in the exam season?",
        "Which clubs should run after school?",
        "What would make the library feel more welcoming?",
        "What should we buy with the reading fund?",
        "How can the library help with homework?",
        "What events should the summer festival have?",
        "How should the mobile library spend its Saturdays?",
        "What digital skills sessions do you want?",
        "How should we use the garden?",
    ]
    rows = []
    for cid in range(1, CONSULTATIONS + 1):
        question = f"{topics[(cid - 1) % len(topics)]} (round {1 + (cid - 1) // len(topics)})"
        if cid == BIG:
            question = "What should the library do first next year?"
        description = (
            "Tell us your ideas and vote for the ones you like best. Library staff read every "
            "idea, and the young people's panel helps decide what happens next."
        )
        branch = None if cid % 3 == 0 else 1 + cid % 4
        opens = closes = None
        budget: int | None = 3
        if cid in (BIG, SMALL):
            phase = "voting_open"
        elif cid in CLOSED:
            phase = "closed"
            opens, closes = now - timedelta(days=200 + cid), now - timedelta(days=100 + cid)
            budget = (3, 5, None)[cid % 3]
        elif cid in VOTING:
            # A window around now, so the running-time check is exercised as well.
            phase = "voting_open"
            opens, closes = now - timedelta(days=7), now + timedelta(days=7)
            budget = (3, 5, None)[cid % 3]
        elif cid in PROPOSALS:
            phase = "proposals_open"
            opens, closes = now - timedelta(days=10), now + timedelta(days=20)
        else:
            phase = "draft"
        created = now - timedelta(days=300 - cid)
        rows.append((cid, branch, question, description, phase, opens, closes, budget, created))
    return rows


def _fill_people(cur, shape: Shape, password_hash: str, now: datetime) -> dict[str, int]:
    """The library service, its branches, the pupils, staff, one reviewer and one admin."""
    cur.execute(
        "INSERT INTO library_services (id, name, created_at) VALUES (1, %s, %s)",
        ("Bench Library Service", now - timedelta(days=400)),
    )
    cur.execute(
        "INSERT INTO branches (id, library_service_id, name)"
        " SELECT b, 1, (ARRAY['Central Library', 'Northgate', 'Riverside', 'Mobile Library'])[b]"
        " FROM generate_series(1, %s) AS b",
        (shape.branches,),
    )
    # Pupils take ids 1..N so a pupil's number is their id.
    cur.execute(
        """
        INSERT INTO users (id, username, name_skeleton, password_hash, role, age_band, language,
                           active, created_at)
        SELECT n, 'pupil' || lpad(n::text, 6, '0'), %(skeleton)s, %(hash)s, 'young_person',
               (ARRAY['8-10', '11-13', '14-16', '17-19', '20-25'])[1 + mod(n - 1, 5)],
               'en', true, %(now)s - mod(n, 365) * interval '1 day'
        FROM generate_series(1, %(pupils)s) AS n
        """,
        # Every pupil's name is "pupil" and digits, which the skeleton leaves out.
        {
            "skeleton": name_skeleton("pupil000001"),
            "hash": password_hash,
            "now": now,
            "pupils": shape.pupils,
        },
    )
    staff_first = shape.pupils + 1
    people = [(f"staff{i:02d}", "staff") for i in range(1, shape.staff + 1)]
    people += [("qlpreviewer", "qlp_reviewer"), ("benchadmin", "admin")]
    for offset, (username, role) in enumerate(people):
        cur.execute(
            "INSERT INTO users (id, username, name_skeleton, password_hash, role, age_band,"
            " language, active, created_at) VALUES (%s, %s, %s, %s, %s, NULL, 'en', true, %s)",
            (
                staff_first + offset,
                username,
                name_skeleton(username),
                password_hash,
                role,
                now - timedelta(days=390),
            ),
        )
    # Every member of staff belongs to the one library service.
    cur.execute(
        "INSERT INTO staff_memberships (user_id, library_service_id, created_at)"
        " SELECT id, 1, %s FROM users WHERE role = 'staff'",
        (now - timedelta(days=390),),
    )
    return {
        "staff_first": staff_first,
        "reviewer": staff_first + shape.staff,
        "admin": staff_first + shape.staff + 1,
    }


def _fill_ideas(cur, shape: Shape, staff_first: int, now: datetime) -> None:
    """5,000 ideas (2,000 public in the big consultation, 10 in the small), with history."""
    cur.executemany(
        "INSERT INTO consultations (id, library_service_id, branch_id, question, description,"
        " phase, opens_at, closes_at, vote_budget, created_at)"
        " VALUES (%s, 1, %s, %s, %s, %s, %s, %s, %s, %s)",
        _consultation_rows(now),
    )
    big_end = shape.big_ideas
    small_end = big_end + shape.small_ideas
    rest = shape.ideas - small_end
    others = len(CLOSED) + len(VOTING) + len(PROPOSALS)
    params = {
        "ideas": shape.ideas,
        "big_end": big_end,
        "small_end": small_end,
        "others": others,
        "first_other": CLOSED.start,
        "closed_last": CLOSED.stop - 1,
        "voting_last": VOTING.stop - 1,
        "author": AUTHOR_ID,
        # One idea in every this many is the 100-idea author's.
        "author_every": shape.ideas // shape.author_ideas,
        "pupils": shape.pupils,
        "now": now,
    }
    assert rest > 0 and shape.ideas % shape.author_ideas == 0
    cur.execute(
        """
        INSERT INTO ideas (id, consultation_id, author_id, title, description, status,
                           vote_count, created_at, updated_at)
        SELECT i, c,
               CASE WHEN mod(i, %(author_every)s) = %(author_every)s / 2 THEN %(author)s
                    -- Everyone else writes few ideas; never the 100-idea author.
                    ELSE 2 + mod(i::bigint * 7919, %(pupils)s - 1) END,
               title,
               'We would like ' || lower(title) || '. '
                 || (ARRAY[
                      'Lots of people at school said they would come if this happened.',
                      'It would help people who have nowhere quiet to go after school.',
                      'My friends and I talked about it and we think it would be popular.',
                      'Other libraries near us already do this and it works really well.',
                      'It would not cost much and volunteers could help run it.'
                    ])[1 + mod(i, 5)]
                 || ' '
                 || (ARRAY[
                      'It could start small, once a month, and grow if people like it.',
                      'Young people could help plan it so it is what we actually want.',
                      'We could advertise it in schools and on the library noticeboards.',
                      'It should be free so that everyone can take part, not just some.'
                    ])[1 + mod(i / 5, 4)]
                 || ' Thank you for reading our idea and for asking what we think.',
               CASE
                 WHEN c = 1 THEN
                   CASE WHEN mod(i, 10) = 0 THEN 'under_consideration' ELSE 'published' END
                 WHEN c = 2 THEN 'published'
                 WHEN c <= %(closed_last)s THEN
                   CASE WHEN mod(i, 41) = 0 THEN 'hidden'
                        WHEN mod(i, 43) = 0 THEN 'withdrawn'
                        ELSE (ARRAY['accepted', 'not_taken_forward', 'in_codesign',
                                    'delivered', 'under_consideration', 'published'])
                             [1 + mod(i, 6)] END
                 WHEN c <= %(voting_last)s THEN
                   CASE WHEN mod(i, 47) = 0 THEN 'hidden'
                        WHEN mod(i, 53) = 0 THEN 'withdrawn'
                        WHEN mod(i, 5) = 0 THEN 'under_consideration'
                        ELSE 'published' END
                 ELSE
                   -- Consultations open for proposals hold the staff's moderation queue.
                   CASE WHEN mod((i - %(small_end)s - 1) / %(others)s, 3) = 0 THEN 'pending'
                        WHEN mod(i, 29) = 0 THEN 'changes_requested'
                        WHEN mod(i, 31) = 0 THEN 'rejected'
                        ELSE 'published' END
               END,
               0,
               %(now)s - (%(ideas)s + 1 - i) * interval '37 minutes',
               %(now)s - (%(ideas)s + 1 - i) * interval '17 minutes'
        FROM (
          SELECT i,
                 CASE WHEN i <= %(big_end)s THEN 1
                      WHEN i <= %(small_end)s THEN 2
                      ELSE %(first_other)s + mod(i - %(small_end)s - 1, %(others)s) END AS c,
                 (ARRAY['Longer opening hours', 'A quiet study room', 'More manga',
                        'A gaming club', 'Homework help', 'A coding club', 'Free printing',
                        'A book swap shelf', 'A comfy reading corner', 'A teen book group',
                        'Board games nights', 'A poetry slam', 'Weekend study space',
                        'A bigger graphic novel section', 'More audiobooks', 'Film nights',
                        'Craft workshops', 'A podcast studio', 'Exam revision sessions',
                        'An art wall'])[1 + mod(i, 20)]
                 || ' for '
                 || (ARRAY['teenagers', 'younger children', 'everyone', 'exam years',
                           'new arrivals', 'families'])[1 + mod(i / 20, 6)]
                 || ' (' || i || ')' AS title
          FROM generate_series(1, %(ideas)s) AS i
        ) AS numbered
        """,
        params,
    )
    # Every idea starts pending; decided ones have a second step by staff (or the author).
    cur.execute(
        "INSERT INTO idea_status_changes (idea_id, actor_id, from_status, to_status, message,"
        " created_at) SELECT id, author_id, NULL, 'pending', '', created_at FROM ideas"
    )
    cur.execute(
        """
        INSERT INTO idea_status_changes (idea_id, actor_id, from_status, to_status, message,
                                         created_at)
        SELECT id,
               CASE WHEN status = 'withdrawn' THEN author_id
                    ELSE %(staff_first)s + mod(id, %(staff)s) END,
               'pending', status,
               CASE WHEN status IN ('changes_requested', 'rejected', 'not_taken_forward',
                                    'hidden')
                    THEN 'Thank you for your idea. We cannot take it forward as it is, because '
                         || 'the building work next year means the space is not available.'
                    ELSE '' END,
               created_at + (updated_at - created_at) / 2
        FROM ideas WHERE status <> 'pending'
        """,
        {"staff_first": staff_first, "staff": shape.staff},
    )


def _vote_plan(shape: Shape, public: dict[int, int]) -> list[tuple[int, int, int, int, int]]:
    """(consultation, first user, user pool, votes each, votes) per consultation with votes."""
    budgets = {row[0]: row[7] for row in _consultation_rows(datetime.now(UTC))}
    voters = shape.pupils - shape.reserved
    big_votes = min(shape.votes // 4, int(0.8 * voters * (budgets[BIG] or 3)))
    small_votes = shape.votes // 50
    others = [*CLOSED, *VOTING]
    left = shape.votes - big_votes - small_votes
    plan = []
    for cid, pool, votes in [
        (BIG, voters, big_votes),
        (SMALL, shape.pupils, small_votes),
        *[
            (cid, shape.pupils, left // len(others) + (left % len(others) if i == 0 else 0))
            for i, cid in enumerate(others)
        ],
    ]:
        # A consultation without a budget still gets a few votes per person.
        slots = min(budgets[cid] or 4, public[cid])
        if votes > pool * slots:
            raise SystemExit(f"consultation {cid} cannot hold {votes} votes within its budgets")
        plan.append((cid, 1, pool, slots, votes))
    return plan


def _fill_votes(cur, shape: Shape, now: datetime) -> None:
    """Distinct (person, idea) pairs on public ideas, within budgets; exact vote counts."""
    cur.execute(
        "CREATE TEMP TABLE pub ON COMMIT DROP AS"
        " SELECT consultation_id AS c, (row_number() OVER (PARTITION BY consultation_id"
        " ORDER BY id) - 1)::int AS idx, id FROM ideas WHERE status = ANY(%s)",
        (list(PUBLIC_STATUSES),),
    )
    cur.execute(
        "CREATE TEMP TABLE pubn ON COMMIT DROP AS SELECT c, count(*)::int AS n FROM pub GROUP BY c"
    )
    cur.execute("CREATE INDEX ON pub (c, idx)")
    cur.execute("ANALYZE pub")
    public = dict(cur.execute("SELECT c, n FROM pubn").fetchall())
    plan = _vote_plan(shape, public)
    cur.execute(
        "CREATE TEMP TABLE plan (c int, first_user int, pool int, slots int, votes int,"
        " mult bigint) ON COMMIT DROP"
    )
    for cid, first, pool, slots, votes in plan:
        # Person k of a consultation is (k * mult + offset) mod pool: a permutation of the
        # pool when mult and pool share no factor, so nobody appears twice.
        mult = next(m for m in (7919, 7927, 7933, 7937) if math.gcd(m, pool) == 1)
        cur.execute(
            "INSERT INTO plan VALUES (%s, %s, %s, %s, %s, %s)",
            (cid, first, pool, slots, votes, mult),
        )
    # Each person's votes in a consultation go to consecutive ideas from a skewed start,
    # so some ideas are far more popular than others, and slots never land on one idea twice.
    cur.execute(
        """
        INSERT INTO votes (user_id, idea_id, created_at)
        SELECT v.u, pub.id, %(now)s - mod(v.k, 20000) * interval '1 minute'
        FROM (
          SELECT p.c, g.k, n.n, mod(g.k, p.slots)::int AS j,
                 (p.first_user + mod((g.k / p.slots) * p.mult + p.c * 104729, p.pool))::int AS u
          FROM plan AS p
          JOIN pubn AS n ON n.c = p.c
          CROSS JOIN LATERAL generate_series(0::bigint, p.votes - 1) AS g(k)
        ) AS v
        JOIN pub ON pub.c = v.c
         AND pub.idx = mod(
               floor(v.n * power(mod(v.u::bigint * 2654435761 + v.c * 97, 4294967296)::float8
                                 / 4294967296.0, 2))::int + v.j,
               v.n)
        """,
        {"now": now},
    )
    cur.execute(
        "UPDATE ideas SET vote_count = v.n FROM (SELECT idea_id, count(*)::int AS n FROM votes"
        " GROUP BY idea_id) AS v WHERE ideas.id = v.idea_id"
    )


def _fill_outcome_links(cur, staff_first: int, staff: int) -> None:
    """One to three outcome links for most public ideas; every seventh is left unlinked."""
    outcomes = cur.execute("SELECT count(*) FROM outcomes").fetchone()[0]
    # Steps of 11 pick three different outcomes as long as 11 and 22 are not multiples.
    if outcomes < 23 or outcomes in (11, 22):
        raise SystemExit(f"unexpected number of outcomes: {outcomes}")
    cur.execute(
        """
        INSERT INTO outcome_links (idea_id, outcome_id, linked_by_id, linked_at, rationale)
        SELECT i.id, o.id, %(staff_first)s + mod(i.id, %(staff)s), i.updated_at,
               'This idea gives young people a say and a safe place to meet, which is what '
               || 'this outcome asks of us.'
        FROM ideas AS i
        CROSS JOIN LATERAL generate_series(0, mod(i.id, 3)) AS j
        JOIN (SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id FROM outcomes) AS o
          ON o.idx = mod(i.id * 7 + j * 11, %(outcomes)s)
        WHERE i.status = ANY(%(public)s) AND mod(i.id, 7) <> 0
        """,
        {
            "staff_first": staff_first,
            "staff": staff,
            "outcomes": outcomes,
            "public": list(PUBLIC_STATUSES),
        },
    )


def _reset_sequences(cur) -> None:
    """Rows were given explicit ids: move each id sequence past them for the app's inserts."""
    for table in ("library_services", "branches", "users", "consultations", "ideas"):
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


def _check(conn, shape: Shape, data: BenchData) -> None:
    """Count what was built and note anything that breaks the shape the scenarios rely on."""
    public = list(PUBLIC_STATUSES)
    one = lambda query, *args: conn.execute(query, args).fetchone()[0]  # noqa: E731
    counts = {
        "pupils": one("SELECT count(*) FROM users WHERE role = 'young_person'"),
        "staff": one("SELECT count(*) FROM users WHERE role = 'staff'"),
        "consultations": one("SELECT count(*) FROM consultations"),
        "ideas": one("SELECT count(*) FROM ideas"),
        "public_ideas": one("SELECT count(*) FROM ideas WHERE status = ANY(%s)", public),
        "pending_ideas": one("SELECT count(*) FROM ideas WHERE status = 'pending'"),
        "big_public_ideas": one(
            "SELECT count(*) FROM ideas WHERE consultation_id = %s AND status = ANY(%s)",
            BIG,
            public,
        ),
        "small_public_ideas": one(
            "SELECT count(*) FROM ideas WHERE consultation_id = %s AND status = ANY(%s)",
            SMALL,
            public,
        ),
        "author_ideas": one("SELECT count(*) FROM ideas WHERE author_id = %s", AUTHOR_ID),
        "status_changes": one("SELECT count(*) FROM idea_status_changes"),
        "votes": one("SELECT count(*) FROM votes"),
        "big_votes": one(
            "SELECT count(*) FROM votes JOIN ideas ON ideas.id = votes.idea_id"
            " WHERE ideas.consultation_id = %s",
            BIG,
        ),
        "outcome_links": one("SELECT count(*) FROM outcome_links"),
        "unlinked_public_ideas": one(
            "SELECT count(*) FROM ideas WHERE status = ANY(%s) AND NOT EXISTS"
            " (SELECT 1 FROM outcome_links WHERE idea_id = ideas.id)",
            public,
        ),
        "qlp_aim_c_links": one(
            "SELECT count(*) FROM outcome_links JOIN outcomes ON outcomes.id = outcome_id"
            " WHERE outcomes.code = 'qlp.aim.c'"
        ),
    }
    problems = {
        "votes on ideas that are not public": one(
            "SELECT count(*) FROM votes JOIN ideas ON ideas.id = votes.idea_id"
            " WHERE NOT ideas.status = ANY(%s)",
            public,
        ),
        "people over a consultation's vote budget": one(
            "SELECT count(*) FROM (SELECT v.user_id, i.consultation_id, count(*) AS n"
            " FROM votes v JOIN ideas i ON i.id = v.idea_id"
            " GROUP BY v.user_id, i.consultation_id) AS used"
            " JOIN consultations c ON c.id = used.consultation_id"
            " WHERE c.vote_budget IS NOT NULL AND used.n > c.vote_budget"
        ),
        "ideas whose vote_count is not their number of votes": one(
            "SELECT count(*) FROM ideas LEFT JOIN (SELECT idea_id, count(*) AS n FROM votes"
            " GROUP BY idea_id) AS v ON v.idea_id = ideas.id"
            " WHERE ideas.vote_count <> coalesce(v.n, 0)"
        ),
        "reserved pupils who already voted in the big consultation": one(
            "SELECT count(*) FROM votes JOIN ideas ON ideas.id = votes.idea_id"
            " WHERE ideas.consultation_id = %s AND votes.user_id >= %s",
            BIG,
            data.first_reserved,
        ),
    }
    expected = {
        "pupils": shape.pupils,
        "ideas": shape.ideas,
        "big_public_ideas": shape.big_ideas,
        "small_public_ideas": shape.small_ideas,
        "author_ideas": shape.author_ideas,
        "votes": shape.votes,
    }
    data.counts = counts
    data.problems = [f"{name}: {n}" for name, n in problems.items() if n] + [
        f"{name} is {counts[name]}, expected {want}"
        for name, want in expected.items()
        if counts[name] != want
    ]


def build(url: str, shape: Shape, log=print) -> BenchData:
    """Build the whole data set from an empty schema; returns ids, counts and timings."""
    start = time.monotonic()
    steps: dict[str, float] = {}

    def step(name: str, began: float) -> float:
        """Record how long a step took and log it."""
        now_ = time.monotonic()
        steps[name] = round(now_ - began, 2)
        log(f"  {name}: {steps[name]:.1f} s")
        return now_

    t = start
    reset_database(url)
    t = step("reset schema", t)
    password_hash = migrate_and_hash(url)
    t = step("migrations, outcomes, password hash", t)
    now = datetime.now(UTC)
    with psycopg.connect(plain_url(url)) as conn:
        # The data is consistent by construction, so foreign key triggers are skipped while
        # loading (PostgreSQL's replication role) and the commit need not wait for the disk.
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET work_mem = '256MB'")
        conn.execute("SET maintenance_work_mem = '512MB'")
        with conn.cursor() as cur:
            ids = _fill_people(cur, shape, password_hash, now)
            t = step("people", t)
            _fill_ideas(cur, shape, ids["staff_first"], now)
            t = step("consultations, ideas, history", t)
            _fill_votes(cur, shape, now)
            t = step("votes", t)
            _fill_outcome_links(cur, ids["staff_first"], shape.staff)
            _reset_sequences(cur)
            t = step("outcome links", t)
        conn.commit()
    with psycopg.connect(plain_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        t = step("vacuum analyze", t)
        featured = conn.execute(
            "SELECT i.id FROM ideas i WHERE i.consultation_id = %s AND i.status = 'published'"
            " AND EXISTS (SELECT 1 FROM outcome_links l WHERE l.idea_id = i.id)"
            " ORDER BY i.vote_count DESC, i.id LIMIT 1",
            (BIG,),
        ).fetchone()[0]
        data = BenchData(
            url=url,
            shape=shape,
            staff_id=ids["staff_first"],
            reviewer_id=ids["reviewer"],
            admin_id=ids["admin"],
            featured_idea_id=featured,
            first_reserved=shape.pupils - shape.reserved + 1,
        )
        data.build_seconds = round(time.monotonic() - start, 2)
        _check(conn, shape, data)
        step("self-checks", t)
    data.steps = steps
    return data
