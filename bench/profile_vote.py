"""Where a vote's time goes: `python -m bench.profile_vote [votes] [--time]`.

Run after `make bench-quick` (or `make bench`), on the data set it left in the bench database.
Builds the app as the bench's gunicorn runs it (the production environment of bench/servers.py:
Redis for live events and rate limits, limits on), mints signed-in sessions for pupils with no
vote in the big consultation, and casts their votes through the test client exactly as htmx
sends them, under cProfile. Prints the milliseconds per vote and the functions that take them,
by time spent inside each (with what they call) and by time spent in their own code. With
`--time`, no profiler: the milliseconds per vote, and the CPU this process spent on each (the
app's own work, without PostgreSQL's and Redis's), to compare one change with the next.
"""

import cProfile
import io
import json
import os
import pstats
import sys
import time

import psycopg

from bench import BENCH_SECRET, DEFAULT_DATABASE_URL, sessions
from bench.data import plain_url
from bench.servers import server_env

ACCEPT_ENCODING = "br, gzip"


def _app():
    """The app, configured (at import) from the bench's production environment, with any
    settings in PROFILE_VOTE_SETTINGS (JSON) on top, to measure what one setting costs."""
    from app import create_app

    extra = json.loads(os.environ.get("PROFILE_VOTE_SETTINGS", "{}"))
    return create_app({"SECRET_KEY": BENCH_SECRET, **extra})


def _voters_and_ideas(url: str, count: int) -> tuple[list[int], list[int], int]:
    """Pupils with no vote in the big consultation, its votable ideas, and its id."""
    with psycopg.connect(plain_url(url)) as conn:
        big = conn.execute(
            "SELECT consultation_id FROM ideas GROUP BY consultation_id ORDER BY count(*) DESC"
            " LIMIT 1"
        ).fetchone()[0]
        ideas = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM ideas WHERE consultation_id = %s AND status IN"
                " ('published', 'under_consideration') ORDER BY id LIMIT 200",
                (big,),
            )
        ]
        voters = [
            row[0]
            for row in conn.execute(
                "SELECT u.id FROM users u WHERE u.role = 'young_person' AND NOT EXISTS"
                " (SELECT 1 FROM votes v JOIN ideas i ON i.id = v.idea_id"
                "  WHERE v.user_id = u.id AND i.consultation_id = %s)"
                " ORDER BY u.id DESC LIMIT %s",
                (big, count),
            )
        ]
    return voters, ideas, big


def main() -> None:
    """Profile the votes and print where their time goes."""
    arguments = [a for a in sys.argv[1:] if a != "--time"]
    timed_only = "--time" in sys.argv[1:]
    count = int(arguments[0]) if arguments else 300
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    if os.environ.get("PROFILE_VOTE_ENV") != "1":
        # The app reads its settings when it is imported: start again with the bench's set.
        env = {**server_env(url), "PROFILE_VOTE_ENV": "1"}
        os.execve(sys.executable, [sys.executable, "-m", "bench.profile_vote", *sys.argv[1:]], env)
    app = _app()
    voters, ideas, big = _voters_and_ideas(url, count + 20)
    minted = sessions.mint(app, voters)
    requests = []
    for n, session in enumerate(minted):
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": f"http://localhost/consultations/{big}",
            "X-CSRFToken": session.csrf,
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        requests.append((session, f"/ideas/{ideas[n % len(ideas)]}/vote", headers))
    client = app.test_client()
    # As wrk, and as the sessions were minted: no User-Agent (Flask-Login binds a session to it).
    client.environ_base.pop("HTTP_USER_AGENT", None)

    def cast(session, path, headers):
        client.set_cookie(*session.cookie.split("=", 1))
        response = client.post(path, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert response.status_code == 200, response.status_code
        response.close()

    for request in requests[:20]:  # warm the worker
        cast(*request)
    measured = requests[20:]
    cast_count = len(measured)
    if timed_only:
        wall, cpu = time.perf_counter(), time.process_time()
        for request in measured:
            cast(*request)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"{cast_count} votes: {1000 * wall / cast_count:.2f} ms each,"
            f" of which {1000 * cpu / cast_count:.2f} ms of this process's CPU"
        )
        return
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for request in measured:
        cast(*request)
    profiler.disable()
    elapsed = time.perf_counter() - began
    if os.environ.get("PROFILE_OUT"):
        profiler.dump_stats(os.environ["PROFILE_OUT"])
    calls = pstats.Stats(profiler).total_calls
    print(
        f"{cast_count} votes, {1000 * elapsed / cast_count:.2f} ms each under cProfile,"
        f" {calls / cast_count:.0f} Python function calls each"
    )
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(35)
        print(f"\n--- by {order} ---")
        print(out.getvalue().split("\n", 6)[-1])


if __name__ == "__main__":
    main()
