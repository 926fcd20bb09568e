"""The scenarios: the floor, the tool ceiling, pages, votes, a burst of votes and sign-ins."""

import gzip
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from flask import Flask

from bench import BENCH_PASSWORD, cpu, load, servers, sessions, spy
from bench.data import AUTHOR_ID, VIEWER_ID, BenchData, plain_url
from bench.load import Request, WrkResult
from bench.servers import Server

ACCEPT_ENCODING = "br, gzip"
VOTABLE = ("published", "under_consideration")


@dataclass(frozen=True)
class Page:
    """A page to load: a name for the report, its path ({big}, {small}, {idea}), who asks."""

    name: str
    path: str
    who: str | None = None


# Every page measured, in report order. A page the app does not have yet shows as "missing".
PAGES = (
    Page("consultation, small, anonymous", "/consultations/{small}"),
    Page("consultation, big, anonymous", "/consultations/{big}"),
    Page("consultation, small, young person", "/consultations/{small}", "pupil"),
    Page("consultation, big, young person", "/consultations/{big}", "pupil"),
    Page("idea", "/ideas/{idea}"),
    Page("my ideas (100 ideas)", "/my-ideas", "author"),
    Page("staff queue", "/staff/", "staff"),
    Page("staff published", "/staff/published", "staff"),
    Page("QLP dashboard", "/review/", "reviewer"),
    Page("QLP ideas by outcome", "/review/ideas", "reviewer"),
    Page("QLP outcome qlp.aim.c", "/review/outcomes/qlp.aim.c", "reviewer"),
    Page("outcomes", "/outcomes"),
    Page("home", "/"),
    Page("admin", "/admin/", "admin"),
    Page("admin accounts", "/admin/accounts", "admin"),
)


@dataclass(frozen=True)
class Timings:
    """How long each kind of run lasts, and how big the one-shot scenarios are."""

    floor_s: float
    votes_s: float
    ceiling_s: float
    page_s: float
    burst: int
    sign_ins: int
    sign_in_connections: int = 20
    # One wrk thread. Gunicorn's sync workers wait on an accepted connection until its request
    # arrives; a thread that has sent all its requests keeps reconnecting silent connections,
    # and with two threads those could queue ahead of the other thread's last requests and
    # stall every worker until gunicorn's timeout. One thread's silent connections always
    # queue behind its real ones. One thread drives far more than the app needs (the ceiling).
    threads: int = 1
    # Live streams held open while votes arrive at a steady, modest rate (bench/streams.py).
    streams: int = 1000
    stream_votes_s: float = 20
    stream_vote_rate: float = 30
    stream_voters: int = 4


FULL_TIMINGS = Timings(floor_s=10, votes_s=10, ceiling_s=5, page_s=5, burst=1000, sign_ins=1000)
QUICK_TIMINGS = Timings(
    floor_s=3,
    votes_s=3,
    ceiling_s=3,
    page_s=2,
    burst=300,
    sign_ins=200,
    streams=200,
    stream_votes_s=10,
)


@dataclass
class Bench:
    """Everything the scenarios share: data, app, servers, where files go, how long to run."""

    data: BenchData
    app: Flask
    app_server: Server
    # The live streams' gunicorn (gunicorn_live.conf.py): the same app on gevent workers.
    live_server: Server
    floor_server: Server
    null_server: Server
    work_dir: Path
    timings: Timings
    workers: int
    log: Callable[[str], None] = print
    # True once the run was asked to stop (checked between pages, the longest step).
    should_stop: Callable[[], bool] = lambda: False
    # Pupils from the reserved range not yet given to a scenario.
    next_reserved: int = 0
    role_sessions: dict[str, sessions.Session] = field(default_factory=dict)

    def sql(self, query: str, *args):
        """One value from the bench database."""
        with psycopg.connect(plain_url(self.data.url), autocommit=True) as conn:
            return conn.execute(query, args).fetchone()[0]

    def take_reserved(self, count: int) -> list[int]:
        """Pupils with no vote in the big consultation, never given to two scenarios."""
        first = self.next_reserved or self.data.first_reserved
        last = min(first + count, self.data.shape.pupils + 1)
        self.next_reserved = last
        return list(range(first, last))

    def session_for(self, who: str) -> sessions.Session:
        """A signed-in session for one of the people the pages are seen by."""
        if who not in self.role_sessions:
            user_id = {
                "pupil": VIEWER_ID,
                "author": AUTHOR_ID,
                "staff": self.data.staff_id,
                "reviewer": self.data.reviewer_id,
                "admin": self.data.admin_id,
            }[who]
            self.role_sessions[who] = sessions.mint(self.app, [user_id])[0]
        return self.role_sessions[who]

    def wrk(self, server: Server, directory: Path, **options) -> WrkResult:
        """Run wrk against a server, noting who used the CPUs meanwhile."""
        groups = {
            s.name: s.process.pid
            for s in (self.app_server, self.live_server, self.floor_server, self.null_server)
            if s.process is not None
        }
        before = cpu.snapshot(groups)
        result = load.run(server.base_url, directory, threads=self.timings.threads, **options)
        result.cpu = cpu.usage(before, cpu.snapshot(groups))
        return result

    def settle(self, label: str) -> dict:
        """Wait until every app worker is free; restart gunicorn if left-over work would not end."""
        if servers.wait_idle(self.app_server, self.workers, within=5.0):
            return {"restarted": False}
        self.log(f"  app still busy after {label}: restarting gunicorn")
        servers.restart(self.app_server)
        return {"restarted": True}


def _decode(body: bytes, encoding: str) -> bytes:
    """The body before the Content-Encoding the server applied."""
    encoding = encoding.strip().lower()
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    if encoding == "zstd":
        from backports import zstd

        return zstd.decompress(body)
    return body


def _compressed_sizes(html: bytes) -> dict[str, float]:
    """What gzip and brotli would make of the HTML, for comparison with what was sent."""
    sizes = {"gzip_kb": round(len(gzip.compress(html, compresslevel=6)) / 1024, 1)}
    try:
        import brotli

        sizes["br_kb"] = round(len(brotli.compress(html, quality=4)) / 1024, 1)
    except ImportError:
        pass
    return sizes


def in_process(app: Flask, path: str, cookie: str | None) -> dict:
    """Load a page with the test client: status, SQL statements run, HTML and bytes sent."""
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        engine = db.engine
    statements = 0

    def count(*_args) -> None:
        """Count one SQL statement."""
        nonlocal statements
        statements += 1

    client = app.test_client()
    if cookie:
        name, value = cookie.split("=", 1)
        client.set_cookie(name, value)
    headers = {"Accept-Encoding": ACCEPT_ENCODING}
    # The first load compiles templates; the second is what a warm worker does.
    began = time.perf_counter()
    client.get(path, headers=headers)
    first_ms = (time.perf_counter() - began) * 1000
    event.listen(engine, "before_cursor_execute", count)
    try:
        began = time.perf_counter()
        response = client.get(path, headers=headers)
        elapsed_ms = (time.perf_counter() - began) * 1000
    finally:
        event.remove(engine, "before_cursor_execute", count)
    sent = response.get_data()
    encoding = response.headers.get("Content-Encoding", "")
    html = _decode(sent, encoding)
    return {
        "status": response.status_code,
        "location": response.headers.get("Location"),
        "queries": statements,
        "first_ms": round(first_ms, 1),
        "ms": round(elapsed_ms, 1),
        "html_kb": round(len(html) / 1024, 1),
        "sent_kb": round(len(sent) / 1024, 1),
        "encoding": encoding or "none",
        **_compressed_sizes(html),
    }


def _wrk_dir(bench: Bench, name: str) -> Path:
    """A fresh directory for one run's request files."""
    path = bench.work_dir / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def floor(bench: Bench, connections: int) -> dict:
    """The floor app's requests/s and latency at this concurrency."""
    requests = [Request("GET", "/", {"Accept-Encoding": ACCEPT_ENCODING})]
    directory = load.write_requests(
        _wrk_dir(bench, f"floor-{connections}"), [requests] * bench.timings.threads
    )
    result = bench.wrk(
        bench.floor_server,
        directory,
        connections=connections,
        seconds=bench.timings.floor_s,
    )
    return result.summary()


def pages(bench: Bench) -> list[dict]:
    """Each page in PAGES: in-process facts, then wrk at concurrency 10 if it answers 200."""
    rows = []
    for page in PAGES:
        if bench.should_stop():
            raise KeyboardInterrupt("stop requested")
        path = page.path.format(
            big=bench.data.big, small=bench.data.small, idea=bench.data.featured_idea_id
        )
        cookie = bench.session_for(page.who).cookie if page.who else None
        row: dict = {"name": page.name, "path": path, "who": page.who or "anonymous"}
        rows.append(row)
        try:
            row["in_process"] = facts = in_process(bench.app, path, cookie)
        except Exception as error:  # a page that breaks must not stop the other scenarios
            row["state"] = f"error in process: {type(error).__name__}: {error}"
            bench.log(f"  {page.name}: {row['state']}")
            continue
        if facts["status"] == 404:
            row["state"] = "missing"
            bench.log(f"  {page.name}: missing (404)")
            continue
        if facts["status"] != 200:
            row["state"] = f"status {facts['status']}"
            bench.log(f"  {page.name}: answered {facts['status']} in process; not loaded")
            continue
        headers = {"Accept-Encoding": ACCEPT_ENCODING}
        if cookie:
            headers["Cookie"] = cookie
        directory = load.write_requests(
            _wrk_dir(bench, f"page-{len(rows)}"),
            [[Request("GET", path, headers)]] * bench.timings.threads,
        )
        result = bench.wrk(
            bench.app_server,
            directory,
            connections=10,
            seconds=bench.timings.page_s,
        )
        row["wrk"] = result.summary()
        others = {s: n for s, n in result.statuses.items() if s != "200"}
        row["state"] = "ok" if not others and not result.socket_errors else "errors"
        row["settle"] = bench.settle(page.name)
        bench.log(
            f"  {page.name}: p50 {result.ms(50):.1f} ms, p95 {result.ms(95):.1f} ms,"
            f" {result.rate():.0f}/s, {facts['queries']} queries, {facts['html_kb']} KB"
            + (f", other answers {others}" if others else "")
        )
    return rows


def _big_ideas(bench: Bench) -> tuple[list[int], int]:
    """The big consultation's ideas open for votes, and its vote budget."""
    with psycopg.connect(plain_url(bench.data.url)) as conn:
        ideas = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM ideas WHERE consultation_id = %s AND status = ANY(%s) ORDER BY id",
                (bench.data.big, list(VOTABLE)),
            )
        ]
        budget = conn.execute(
            "SELECT vote_budget FROM consultations WHERE id = %s", (bench.data.big,)
        ).fetchone()[0]
    return ideas, budget or 3


def _vote_request(bench: Bench, session: sessions.Session, idea_id: int) -> Request:
    """A vote exactly as htmx sends it from the big consultation's page."""
    page = f"/consultations/{bench.data.big}"
    return Request(
        "POST",
        f"/ideas/{idea_id}/vote",
        {
            "Cookie": session.cookie,
            "HX-Request": "true",
            "HX-Current-URL": bench.app_server.base_url + page,
            "X-CSRFToken": session.csrf,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept-Encoding": ACCEPT_ENCODING,
        },
        urlencode({"csrf_token": session.csrf, "next": page}),
    )


def prepare_votes(bench: Bench, name: str, votes_wanted: int) -> dict:
    """Request files for a vote run: fresh pupils, each spending their whole budget once."""
    ideas, budget = _big_ideas(bench)
    if len(ideas) <= 7 * budget:
        raise RuntimeError(f"only {len(ideas)} ideas open for votes in the big consultation")
    users = bench.take_reserved(-(-votes_wanted // budget))
    minted = sessions.mint(bench.app, users)
    per_thread = []
    for slice_ in load.split(minted, bench.timings.threads):
        # Everyone's first vote, then everyone's second...: one person's votes are never
        # sent together, as one person's taps are not.
        per_thread.append(
            [
                _vote_request(bench, s, ideas[(s.user_id * 3 + 7 * j) % len(ideas)])
                for j in range(budget)
                for s in slice_
            ]
        )
    directory = load.write_requests(_wrk_dir(bench, name), per_thread)
    return {"dir": directory, "users": users, "budget": budget, "requests": len(users) * budget}


def vote_in_process(bench: Bench) -> dict:
    """One vote through the test client: the SQL statements it runs and how long it takes."""
    from sqlalchemy import event

    from app.extensions import db

    ideas, budget = _big_ideas(bench)
    users = bench.take_reserved(budget)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        """Keep the start of each SQL statement."""
        statements.append(" ".join(statement.split()[:4]))

    with bench.app.app_context():
        engine = db.engine
    timings = []
    for n, session in enumerate(sessions.mint(bench.app, users)):
        request = _vote_request(bench, session, ideas[n])
        client = bench.app.test_client()
        client.set_cookie(*session.cookie.split("=", 1))
        headers = {k: v for k, v in request.headers.items() if k != "Cookie"}
        statements.clear()
        # The first vote also warms the worker; the later ones are what a warm worker does.
        event.listen(engine, "before_cursor_execute", record)
        try:
            began = time.perf_counter()
            response = client.post(request.path, data=request.body, headers=headers)
            timings.append((time.perf_counter() - began) * 1000)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    return {
        "status": response.status_code,
        "queries": len(statements),
        "statements": statements,
        "ms": round(min(timings), 1),
    }


def _vote_checks(bench: Bench, before: int, successes: int, users: list[int]) -> dict:
    """After a vote run: new rows against successes, exact counts, budgets kept."""
    total = bench.sql("SELECT count(*) FROM votes")
    mismatched = bench.sql(
        "SELECT count(*) FROM ideas LEFT JOIN (SELECT idea_id, count(*) AS n FROM votes"
        " GROUP BY idea_id) AS v ON v.idea_id = ideas.id WHERE ideas.vote_count <> coalesce(v.n, 0)"
    )
    over_budget = bench.sql(
        "SELECT count(*) FROM (SELECT v.user_id, count(*) AS n FROM votes v"
        " JOIN ideas i ON i.id = v.idea_id WHERE i.consultation_id = %s"
        " AND v.user_id BETWEEN %s AND %s GROUP BY v.user_id) AS used"
        " WHERE used.n > (SELECT coalesce(vote_budget, 1000000) FROM consultations WHERE id = %s)",
        bench.data.big,
        min(users),
        max(users),
        bench.data.big,
    )
    new_rows = total - before
    return {
        "new_rows": new_rows,
        "successes": successes,
        "rows_match_successes": new_rows == successes,
        "ideas_with_wrong_count": mismatched,
        "people_over_budget": over_budget,
        "counts_exact": new_rows == successes and mismatched == 0 and over_budget == 0,
    }


def ceiling(bench: Bench, prepared: dict, connections: int) -> dict:
    """wrk with the vote requests and the same script against the trivial server."""
    result = bench.wrk(
        bench.null_server,
        prepared["dir"],
        connections=connections,
        mode="once",
        wrap=True,
        seconds=bench.timings.ceiling_s,
        limit_s=bench.timings.ceiling_s + 30,
    )
    return result.summary()


def votes(bench: Bench, prepared: dict, connections: int) -> dict:
    """Votes through the real route for a fixed time, then the answers still in flight."""
    bench.settle("before votes")
    before = bench.sql("SELECT count(*) FROM votes")
    samples = spy.profile_dir()
    spying = None
    if samples is not None and connections == 50:
        samples.mkdir(parents=True, exist_ok=True)
        spying = spy.record(
            bench.app_server.process.pid, bench.timings.votes_s, samples / "votes-50.txt"
        )
    result: WrkResult = bench.wrk(
        bench.app_server,
        prepared["dir"],
        connections=connections,
        mode="once",
        seconds=bench.timings.votes_s,
        limit_s=bench.timings.votes_s + 60,
    )
    successes = result.count(200)
    profile = {}
    if spying is not None:
        spying.wait(timeout=60)
        profile = {"profile": spy.summary(samples / "votes-50.txt", successes)}
    return {
        **result.summary(),
        **profile,
        "votes_per_s": round(result.rate(successes), 1),
        "prepared": prepared["requests"],
        "pupils": len(prepared["users"]),
        "checks": _vote_checks(bench, before, successes, prepared["users"]),
    }


def burst(bench: Bench) -> dict:
    """Many pupils each voting once, all at the same moment, one connection each."""
    count = bench.timings.burst
    threads = bench.timings.threads
    if count % threads:
        raise ValueError("the burst must split evenly between wrk threads")
    ideas, _budget = _big_ideas(bench)
    users = bench.take_reserved(count)
    if len(users) < count:
        raise RuntimeError("not enough reserved pupils left for the burst")
    minted = sessions.mint(bench.app, users)
    per_thread = [
        [_vote_request(bench, s, ideas[(s.user_id * 3) % len(ideas)]) for s in slice_]
        for slice_ in load.split(minted, threads)
    ]
    directory = load.write_requests(_wrk_dir(bench, "burst"), per_thread)
    bench.settle("before the burst")
    before = bench.sql("SELECT count(*) FROM votes")
    result = bench.wrk(
        bench.app_server,
        directory,
        connections=count,
        mode="burst",
        burst=count // threads,
        timeout_s=60,
        limit_s=90,
    )
    successes = result.count(200)
    others = sum(n for s, n in result.statuses.items() if s != "200")
    socket_errors = result.socket_errors
    if result.received >= count:
        # Every answer came: read errors are then kept-alive connections that a gevent worker
        # closed after 2 idle seconds, while wrk held them until the last answer.
        socket_errors -= result.errors.get("read", 0)
    return {
        **result.summary(),
        "pupils": count,
        "first_to_last_s": round(result.window_s, 3),
        "error_count": socket_errors + others + (count - result.received),
        "checks": _vote_checks(bench, before, successes, users),
    }


def sign_ins(bench: Bench) -> dict:
    """Different pupils signing in with the password form, at a steady concurrency."""
    count = bench.timings.sign_ins
    # Pupils from the start of the range: signing in changes nothing they would vote with.
    pupils = list(range(101, 101 + count))
    minted = sessions.mint_anonymous(bench.app, count)
    requests = [
        Request(
            "POST",
            "/sign-in",
            {
                "Cookie": s.cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            urlencode(
                {"csrf_token": s.csrf, "username": f"pupil{p:06d}", "password": BENCH_PASSWORD}
            ),
        )
        for s, p in zip(minted, pupils, strict=True)
    ]
    directory = load.write_requests(
        _wrk_dir(bench, "sign-ins"), load.split(requests, bench.timings.threads)
    )
    bench.settle("before sign-ins")
    result = bench.wrk(
        bench.app_server,
        directory,
        connections=bench.timings.sign_in_connections,
        mode="once",
        seconds=0,
        timeout_s=60,
        limit_s=count / 5 + 60,
    )
    successes = result.count(303)
    return {
        **result.summary(),
        "sign_ins": count,
        "successes": successes,
        "sign_ins_per_s": round(result.rate(successes), 1),
    }
