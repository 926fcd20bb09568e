"""Peak memory of the evidence exports: `python -m bench.export_memory [--quick]`.

Builds the bench data set (or reuses it when its database already holds one of the size
asked for), then, in this process, downloads as an admin the CSV and XLSX exports of every
idea (5,000), of the published ideas, of the coverage tables and of the participation report,
reading each streamed response a chunk at a time, and prints each one's peak memory growth as
a markdown table: tracemalloc's peak (Python's allocations while the export ran) and the growth
of the process's maximum resident set (everything, C libraries included; a high-water mark, so it
grows only when an export goes above every earlier peak, the warm-up's included). The target
is 50 MB.
"""

import argparse
import gc
import os
import re
import resource
import sys
import time
import tracemalloc

import psycopg

from bench import BENCH_PASSWORD, BENCH_SECRET, DEFAULT_DATABASE_URL, data

# Peak memory growth allowed for one export (issue 21's target), in MB.
TARGET_MB = 50
EXPORTS = [
    ("every idea", "ideas", "csv"),
    ("every idea", "ideas", "xlsx"),
    ("every idea", "ideas", "json"),
    ("published ideas (open data)", "open-ideas", "csv"),
    ("published ideas (open data)", "open-ideas", "xlsx"),
    ("coverage tables", "coverage", "csv"),
    ("coverage tables", "coverage", "xlsx"),
    ("participation report", "participation", "csv"),
    ("participation report", "participation", "xlsx"),
]


def log(message: str) -> None:
    """Progress on standard error, so standard output holds only the table."""
    print(message, file=sys.stderr, flush=True)


def _holds(url: str, shape: data.Shape) -> bool:
    """Whether the database already holds a bench data set of this shape."""
    try:
        with psycopg.connect(data.plain_url(url)) as conn:
            ideas = conn.execute("SELECT count(*) FROM ideas").fetchone()[0]
            pupils = conn.execute(
                "SELECT count(*) FROM users WHERE role = 'young_person'"
            ).fetchone()[0]
    except psycopg.Error:
        return False
    return ideas == shape.ideas and pupils >= shape.pupils


def _max_rss_mb() -> float:
    """The process's maximum resident set so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _signed_in_client(app):
    """A test client signed in as the bench's admin, through the real sign-in form."""
    client = app.test_client()
    with app.app_context():
        html = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
        form = {"csrf_token": token, "username": "benchadmin", "password": BENCH_PASSWORD}
        response = client.post("/sign-in", data=form)
        assert response.status_code == 303, response.status_code
    return client, token


def _rss_mb() -> float:
    """The process's resident set now, in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def _rss_mb() -> float:
    """The process's resident set now, in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def measure(app, client, token: str, kind: str, format: str, start_mb: float) -> dict:
    """Download one export, reading its stream chunk by chunk; its size, time and memory."""
    gc.collect()
    rss_before = max(_max_rss_mb(), _rss_mb())
    tracemalloc.start()
    began = time.perf_counter()
    with app.app_context():
        response = client.post(
            f"/evidence/exports/{kind}",
            data={"csrf_token": token, "format": format},
            buffered=False,
        )
        assert response.status_code == 200, (kind, format, response.status_code)
        size = 0
        for chunk in response.response:
            size += len(chunk)
        response.close()
    seconds = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "bytes": size,
        "seconds": seconds,
        "traced_mb": peak / 1024 / 1024,
        "rss_mb": _max_rss_mb() - rss_before,
        "above_start_mb": _max_rss_mb() - start_mb,
    }


def main() -> None:
    """Build or reuse the data, measure every export, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the quick data set (same ideas)")
    options = parser.parse_args()
    shape = data.QUICK if options.quick else data.FULL
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    data.database_name(url)  # refuses any database but a bench one
    if _holds(url, shape):
        log(f"Reusing the {shape.name} data set in {data.database_name(url)}.")
    else:
        log(f"Building the {shape.name} data set:")
        built = data.build(url, shape, log)
        if built.problems:
            raise SystemExit(f"The data set is not as expected: {built.problems}")

    from app import create_app
    from app.config import database_url
    from app.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url(url),
            "SECRET_KEY": BENCH_SECRET,
            "RATELIMIT_ENABLED": False,
        }
    )
    client, token = _signed_in_client(app)
    # A first download loads the modules and warms the connection pool: not the export's cost.
    start_mb = _rss_mb()
    measure(app, client, token, "coverage", "dictionary", start_mb)
    rows = []
    for what, kind, format in EXPORTS:
        result = measure(app, client, token, kind, format, start_mb)
        log(f"  {what}, {format}: {result['traced_mb']:.1f} MB traced")
        rows.append((what, format, result))
    with app.app_context():
        db.engine.dispose()
    print(
        f"\nEvidence exports, {shape.name} data set ({shape.ideas:,} ideas, "
        f"{shape.votes:,} votes), target: peak growth ≤ {TARGET_MB} MB\n"
    )
    print(
        "| Export | Format | Size (KB) | Time (s) | tracemalloc peak (MB) "
        "| max RSS growth (MB) | max RSS above start (MB) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    worst = 0.0
    for what, format, r in rows:
        # Above start bounds every export's growth, the ones before it included.
        worst = max(worst, r["traced_mb"], r["rss_mb"], r["above_start_mb"])
        print(
            f"| {what} | {format} | {r['bytes'] / 1024:,.0f} | {r['seconds']:.2f} "
            f"| {r['traced_mb']:.1f} | {r['rss_mb']:.1f} | {r['above_start_mb']:.1f} |"
        )
    verdict = "within" if worst <= TARGET_MB else "OVER"
    print(f"\nLargest growth {worst:.1f} MB: {verdict} the {TARGET_MB} MB target.")


if __name__ == "__main__":
    main()
