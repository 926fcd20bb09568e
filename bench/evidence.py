"""`python -m bench.evidence [--quick]`: times the evidence pages on the bench data set.

Builds the data set (bench/data.py: FULL by default, QUICK with --quick) in the bench database
(BENCH_DATABASE_URL, as bench/run.py chooses it), then, in process with the app's test client
signed in as a member of staff of the first library service, times the coverage matrix and the
participation report for that library service and the last year: 20 runs each, after a warm
load. Prints p50, p95 and the SQL statements per load as a markdown table (target: p50 at most
300 ms on the full data set, statements the same whatever the size).
"""

import argparse
import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, text

from bench import BENCH_PASSWORD, BENCH_SECRET, DEFAULT_DATABASE_URL, data

RUNS = 20
PAGES = (("coverage matrix", "/evidence/coverage"), ("participation", "/evidence/participation"))


def log(message: str) -> None:
    """Progress on standard error, so standard output holds only the table."""
    print(message, file=sys.stderr, flush=True)


def percentile(times: list[float], share: float) -> float:
    """The nearest-rank percentile of `times`."""
    ordered = sorted(times)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def measure(url: str, staff_id: int, runs: int = RUNS) -> list[tuple[str, float, float, int]]:
    """(page, p50 ms, p95 ms, SQL statements per load) for each evidence page."""
    from app import create_app
    from app.config import database_url
    from app.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": BENCH_SECRET, "TESTING": True}
    )
    with app.app_context():
        username = db.session.execute(
            text("SELECT username FROM users WHERE id = :id"), {"id": staff_id}
        ).scalar_one()
        library_service = db.session.execute(
            text("SELECT min(library_service_id) FROM staff_memberships WHERE user_id = :id"),
            {"id": staff_id},
        ).scalar_one()
        db.session.remove()
    client = app.test_client()
    with app.app_context():
        html = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
        form = {"csrf_token": token, "username": username, "password": BENCH_PASSWORD}
        assert client.post("/sign-in", data=form).status_code == 303
    today = datetime.now(UTC).date()
    query = (
        f"?library_service={library_service}"
        f"&start={(today - timedelta(days=365)).isoformat()}&end={today.isoformat()}"
    )
    statements: list[str] = []

    def count(*_args) -> None:
        statements.append("")

    results = []
    for what, path in PAGES:
        address = path + query
        with app.app_context():
            assert client.get(address).status_code == 200, address  # warm: templates
        times = []
        for _ in range(runs):
            with app.app_context():
                statements.clear()
                event.listen(db.engine, "before_cursor_execute", count)
                began = time.perf_counter()
                response = client.get(address)
                response.get_data()
                times.append((time.perf_counter() - began) * 1000)
                event.remove(db.engine, "before_cursor_execute", count)
                assert response.status_code == 200, (address, response.status_code)
        results.append((what, statistics.median(times), percentile(times, 0.95), len(statements)))
    with app.app_context():
        db.engine.dispose()
    return results


def table(shape: str, results: list[tuple[str, float, float, int]]) -> str:
    """The figures as a markdown table."""
    lines = [
        f"Evidence pages, {shape} data set, one library service and the last year ({RUNS} runs)",
        "",
        "| page | p50 ms | p95 ms | SQL statements |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {what} | {p50:.1f} | {p95:.1f} | {n} |" for what, p50, p95, n in results]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the smaller data set")
    quick = parser.parse_args().quick
    shape = data.QUICK if quick else data.FULL
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    data.database_name(url)  # refuses the test database before anything happens
    log(f"Building the {shape.name} data set in {data.database_name(url)}...")
    built = data.build(url, shape, log=log)
    for problem in built.problems:
        log(f"  data problem: {problem}")
    log("Timing the evidence pages...")
    print(table(shape.name, measure(url, built.staff_id)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
