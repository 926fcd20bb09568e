"""The entry point: `python -m bench.run [--quick]` builds data, runs the scenarios, reports."""

import argparse
import contextlib
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    DEFAULT_DATABASE_URL,
    baseline,
    browser,
    data,
    load,
    report,
    scenarios,
    servers,
    sessions,
    streams,
)


def log(message: str) -> None:
    """Progress on standard error, so standard output holds only the table."""
    print(message, file=sys.stderr, flush=True)


# Signals received. Python drops an exception raised while a garbage-collection callback runs,
# so the scenarios also check this between steps.
_STOP_REQUESTED: list[int] = []


def _raise_open_files_limit(wanted: int = 65536) -> None:
    """The burst opens a thousand connections at once; wrk and gunicorn inherit this limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def _stop_on_signals() -> None:
    """SIGINT and SIGTERM unwind, so the finally blocks stop every server started."""
    # SIGINT too, because a shell starts background jobs with it ignored, and Python then
    # keeps ignoring it.

    def handler(signum, frame):
        """Turn the signal into KeyboardInterrupt, and remember it."""
        _STOP_REQUESTED.append(signum)
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _attempt(results: dict, errors: list[str], key: str, action):
    """Run one scenario; a failure is recorded and reported, and the others still run."""
    if _STOP_REQUESTED:
        raise KeyboardInterrupt(f"signal {_STOP_REQUESTED[0]}")
    try:
        value = action()
    except KeyboardInterrupt:
        raise
    except Exception as error:  # the app changes under the harness; report, don't stop
        message = f"{type(error).__name__}: {error}"
        errors.append(f"{key}: {message}")
        log(f"  {key} failed: {message}")
        log(traceback.format_exc())
        value = {"error": message}
    results[key] = value
    if _STOP_REQUESTED:
        raise KeyboardInterrupt(f"signal {_STOP_REQUESTED[0]}")
    return value


def _vote_pool(bench: scenarios.Bench, floor: dict, connections: int, share: int) -> int:
    """How many votes to prepare: twice what the floor did in the time, within the reserve."""
    floor_rate = floor.get(str(connections), {}).get("rate_per_s", 0) or 2000
    wanted = int(2 * floor_rate * bench.timings.votes_s) + 600
    return min(wanted, share)


def run(quick: bool, update_baseline: bool = False) -> int:
    """Build, measure and report, and compare with the baseline; returns the exit status."""
    shape = data.QUICK if quick else data.FULL
    timings = scenarios.QUICK_TIMINGS if quick else scenarios.FULL_TIMINGS
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    data.database_name(url)  # refuses the test database before anything happens
    _raise_open_files_limit()
    _stop_on_signals()
    wrk_version = load.wrk_version()
    started = datetime.now(UTC)
    wall = time.monotonic()
    results: dict = {"mode": shape.name, "started_utc": started.strftime("%Y-%m-%d %H:%M:%S UTC")}
    errors: list[str] = []

    log(f"Building the {shape.name} data set in {data.database_name(url)}...")
    built = data.build(url, shape, log=log)
    log(f"Data built in {built.build_seconds:.1f} s.")
    for problem in built.problems:
        log(f"  data problem: {problem}")
    results["data"] = {
        "build_seconds": built.build_seconds,
        "steps": built.steps,
        "counts": built.counts,
        "problems": built.problems,
        "featured_idea": built.featured_idea_id,
    }

    settings = servers.gunicorn_settings(url)
    results["machine"] = report.machine(url, settings, wrk_version)
    work_dir = Path(tempfile.mkdtemp(prefix="bench-"))
    app = sessions.bench_app(url)
    app_server = servers.gunicorn("app", "wsgi:app", url, work_dir)
    # Streams have a gunicorn of their own (gevent workers); pages and votes stay on sync ones.
    live_server = servers.gunicorn("live", "wsgi:app", url, work_dir, "gunicorn_live.conf.py")
    floor_server = servers.gunicorn("floor", "bench.floor:app", url, work_dir)
    null = servers.null_server(work_dir)
    started_servers = [app_server, live_server, floor_server, null]
    bench = scenarios.Bench(
        data=built,
        app=app,
        app_server=app_server,
        live_server=live_server,
        floor_server=floor_server,
        null_server=null,
        work_dir=work_dir,
        timings=timings,
        workers=settings["app"]["workers"],
        log=log,
        should_stop=lambda: bool(_STOP_REQUESTED),
    )
    try:
        log("Starting gunicorn (app, live streams and floor) and the null server...")
        for server in started_servers:
            servers.launch(server)
        for server in started_servers:
            servers.wait_ready(server)
        results["booted_workers"] = servers.booted_workers(app_server)
        results["booted_live_workers"] = servers.booted_workers(live_server)

        log("Floor (SELECT 1 through the same gunicorn settings)...")
        floor: dict = {}
        for c in (50, 100):
            _attempt(floor, errors, str(c), lambda c=c: scenarios.floor(bench, c))
            log(f"  c={c}: {floor[str(c)].get('rate_per_s', '?')} req/s")
        results["floor"] = floor

        # Reserved pupils: the live streams' voters, the burst, the rest shared by the vote runs.
        stream_votes: dict = {}
        _attempt(stream_votes, errors, "prepared", lambda: streams.prepare(bench))
        stream_pupils = bench.next_reserved - built.first_reserved if bench.next_reserved else 0
        reserve = shape.reserved - stream_pupils - timings.burst - 10  # 10: in-process vote
        prepared: dict = {}
        for c in (50, 100):
            votes = _vote_pool(bench, floor, c, reserve // 2 * 3)
            _attempt(
                prepared,
                errors,
                str(c),
                lambda c=c, v=votes: scenarios.prepare_votes(bench, f"votes-{c}", v),
            )

        log("Tool ceiling (the vote requests and script against the null server)...")
        if "dir" in prepared.get("100", {}):
            _attempt(
                results, errors, "ceiling", lambda: scenarios.ceiling(bench, prepared["100"], 100)
            )
            log(f"  {results['ceiling'].get('rate_per_s', '?')} req/s")

        log(f"Pages (wrk, c=10, {timings.page_s:g} s each)...")
        _attempt(results, errors, "pages", lambda: scenarios.pages(bench))

        log(f"Votes ({timings.votes_s:g} s each)...")
        _attempt(results, errors, "vote_in_process", lambda: scenarios.vote_in_process(bench))
        votes_results: dict = {}
        for c in (50, 100):
            if "dir" not in prepared.get(str(c), {}):
                votes_results[str(c)] = {"error": "votes not prepared"}
                continue
            _attempt(
                votes_results,
                errors,
                str(c),
                lambda c=c: scenarios.votes(bench, prepared[str(c)], c),
            )
            run_ = votes_results[str(c)]
            if "error" not in run_:
                log(
                    f"  c={c}: {run_['votes_per_s']} votes/s, p95 {run_['latency_ms']['p95']} ms,"
                    f" counts exact: {run_['checks']['counts_exact']}"
                )
        results["votes"] = votes_results

        log(f"Burst ({timings.burst} pupils at once)...")
        _attempt(results, errors, "burst", lambda: scenarios.burst(bench))
        if "error" not in results["burst"]:
            log(f"  first request to last answer: {results['burst']['first_to_last_s']} s")

        log(f"Sign-ins ({timings.sign_ins} pupils, c={timings.sign_in_connections})...")
        _attempt(results, errors, "sign_ins", lambda: scenarios.sign_ins(bench))
        if "error" not in results["sign_ins"]:
            log(f"  {results['sign_ins']['sign_ins_per_s']} /s")

        log(f"Live streams ({timings.streams} open, votes at {timings.stream_vote_rate:g}/s)...")
        if "error" not in stream_votes["prepared"]:
            _attempt(
                results,
                errors,
                "streams",
                lambda: streams.scenario(bench, stream_votes["prepared"]),
            )
            live = results["streams"]
            if "error" not in live:
                log(
                    "  propagation to all streams p95"
                    f" {live['with']['streams']['all_streams']['p95']}"
                    f" ms; vote p95 {live['with']['votes']['latency_ms']['p95']} ms with streams,"
                    f" {live['without']['latency_ms']['p95']} ms without"
                )
        else:
            results["streams"] = stream_votes["prepared"]

        log("First and repeat visit in Chromium...")
        bench.settle("before the browser")
        _attempt(results, errors, "browser", lambda: browser.visits(app_server.base_url))
    finally:
        results["app_log"] = servers.log_trouble(app_server)
        results["live_log"] = servers.log_trouble(live_server)
        for server in started_servers:
            servers.stop(server)
        from app.extensions import db

        with app.app_context():
            db.engine.dispose()
        if errors:
            for server in started_servers:
                log(f"--- last lines of {server.name}'s log ---")
                with contextlib.suppress(OSError):
                    log("\n".join(server.log_path.read_text(errors="replace").splitlines()[-15:]))
        if errors:
            log(f"Server logs and request files kept in {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)

    results["errors"] = errors
    results["wall_seconds"] = round(time.monotonic() - wall, 1)
    table = report.rows(results)
    results["table"] = table
    table_md = report.markdown_table(table)
    md_path, json_path = report.write(results, table_md, started)
    print(report.heading(results))
    print()
    print(table_md)
    print()
    print(f"Written to {md_path.relative_to(report.RESULTS_DIR.parent.parent)} and .json")
    print()
    for line in baseline.compare(results):
        print(line)
    if update_baseline and not errors:
        path = baseline.write(results, report.git_commit())
        print(
            f"Baseline rewritten: {path.relative_to(report.RESULTS_DIR.parent.parent)}"
            " (commit it, saying why)"
        )
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller data, shorter runs")
    parser.add_argument(
        "--update-baseline",
        action="store_true",
        help="make this run's ratios bench/baseline.json (on purpose only)",
    )
    args = parser.parse_args(argv)
    try:
        return run(args.quick, args.update_baseline)
    except KeyboardInterrupt:
        log("Interrupted; every server started was stopped.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
