"""Describes the machine and turns the results into one markdown table and a JSON file."""

import json
import os
import platform
import subprocess
from datetime import datetime
from pathlib import Path

import psycopg

from bench import BENCH_DIR, ROOT
from bench.data import plain_url

RESULTS_DIR = BENCH_DIR / "results"
DASH = "—"


def _cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    """Total memory in GiB from /proc/meminfo."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _os_name() -> str:
    """The distribution's name."""
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def _run(*command: str) -> str:
    """A command's output, or an empty string when it fails (read-only commands only)."""
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def git_commit() -> str:
    """The commit measured, and whether the work tree had changes on top of it."""
    commit = _run("git", "rev-parse", "--short", "HEAD") or "unknown"
    # --no-optional-locks: status must not even refresh the index, only look.
    dirty = _run("git", "--no-optional-locks", "status", "--porcelain")
    return f"{commit} + uncommitted changes" if dirty else commit


def postgres(url: str) -> dict:
    """The PostgreSQL server's version and the settings that matter for these figures."""
    with psycopg.connect(plain_url(url), autocommit=True) as conn:
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in (
                "server_version",
                "max_connections",
                "shared_buffers",
                "synchronous_commit",
                "fsync",
            )
        }
    return settings


def machine(url: str, gunicorn: dict, wrk: str) -> dict:
    """Everything about where the figures were measured."""
    return {
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": _os_name(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": postgres(url),
        "gunicorn": gunicorn,
        "wrk": wrk,
        "node": _run("node", "--version"),
        "git": git_commit(),
    }


def _ms(value: float) -> str:
    """A latency for the table."""
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms"


def _verdict(ok: bool | None) -> str:
    """met, missed or not applicable."""
    return DASH if ok is None else ("met" if ok else "missed")


def _latencies(run: dict, *percentiles: str) -> str:
    """p50/p95/... for the table."""
    latency = run["latency_ms"]
    return " / ".join(f"{p} {_ms(latency[p])}" for p in percentiles)


def _cpu(run: dict) -> str:
    """Who used the CPUs during a run, in per cent of the whole machine."""
    shares = run.get("cpu_percent") or {}
    names = [("app", "app"), ("live", "live"), ("floor", "floor"), ("null", "null server")]
    names += [("postgres", "PostgreSQL"), ("wrk", "wrk"), ("other", "other"), ("idle", "idle")]
    parts = [f"{label} {shares[key]:.0f}%" for key, label in names if shares.get(key, 0) >= 1]
    return "CPU: " + ", ".join(parts) if parts else ""


def _page_figure(row: dict) -> str:
    """One page's figures, or why there are none."""
    facts = row.get("in_process", {})
    if row.get("state") in (None, "missing") or "wrk" not in row:
        return row.get("state", "not measured")
    run = row["wrk"]
    if facts["encoding"] != "none":
        sent = f"sent {facts['sent_kb']} KB {facts['encoding']}"
    else:
        # What compression would give, so the missing saving is visible.
        would = f"gzip {facts['gzip_kb']} KB" + (
            f", br {facts['br_kb']} KB" if "br_kb" in facts else ""
        )
        sent = f"sent uncompressed; {would}"
    text = (
        f"{_latencies(run, 'p50', 'p95')} · {run['rate_per_s']:.0f} req/s · "
        f"{facts['queries']} queries · HTML {facts['html_kb']} KB ({sent})"
    )
    if row["state"] != "ok":
        text += f" · answers {run['statuses']}, errors {run['errors']}"
    return text


def rows(results: dict) -> list[list[str]]:
    """The table: scenario, figure, floor, ratio, target, met or missed."""
    table: list[list[str]] = []
    floors = results.get("floor", {})
    for c, run in sorted(floors.items(), key=lambda kv: int(kv[0])):
        if "error" in run:
            table.append([f"Floor (SELECT 1), c={c}", run["error"], DASH, DASH, DASH, "error"])
            continue
        table.append(
            [
                f"Floor (SELECT 1), c={c}",
                f"{run['rate_per_s']:.0f} req/s · {_latencies(run, 'p50', 'p95', 'p99')} · "
                + _cpu(run),
                DASH,
                DASH,
                DASH,
                DASH,
            ]
        )
    best_floor = max(
        (run["rate_per_s"] for run in floors.values() if "rate_per_s" in run), default=0
    )
    ceiling = results.get("ceiling", {})
    if "rate_per_s" in ceiling and best_floor:
        ratio = ceiling["rate_per_s"] / best_floor
        table.append(
            [
                f"Tool ceiling (wrk + vote script → null server), c={ceiling['connections']}",
                f"{ceiling['rate_per_s']:.0f} req/s · " + _cpu(ceiling),
                f"{best_floor:.0f} req/s (best)",
                f"{ratio:.1f}x",
                "≥ 1.5x",
                _verdict(ratio >= 1.5),
            ]
        )
    elif ceiling:
        table.append(["Tool ceiling", ceiling.get("error", "?"), DASH, DASH, "≥ 1.5x", "error"])

    pages = results.get("pages", [])
    for row in pages:
        table.append([f"Page: {row['name']} `{row['path']}`", _page_figure(row), *[DASH] * 4])
    by_name = {row["name"]: row for row in pages}
    for who in ("anonymous", "young person"):
        big = by_name.get(f"consultation, big, {who}", {}).get("wrk")
        small = by_name.get(f"consultation, small, {who}", {}).get("wrk")
        if big and small and small["latency_ms"]["p50"]:
            ratio = big["latency_ms"]["p50"] / small["latency_ms"]["p50"]
            table.append(
                [
                    f"Big vs small consultation p50 ({who})",
                    f"{_ms(big['latency_ms']['p50'])} vs {_ms(small['latency_ms']['p50'])}",
                    DASH,
                    f"{ratio:.2f}x",
                    "≤ 1.5x",
                    _verdict(ratio <= 1.5),
                ]
            )
    for who in ("anonymous", "young person"):
        facts = by_name.get(f"consultation, big, {who}", {}).get("in_process")
        if facts and facts["status"] == 200:
            table.append(
                [
                    f"Big consultation HTML, uncompressed ({who})",
                    f"{facts['html_kb']} KB",
                    DASH,
                    DASH,
                    "≤ 60 KB",
                    _verdict(facts["html_kb"] <= 60),
                ]
            )

    for c, run in sorted(results.get("votes", {}).items(), key=lambda kv: int(kv[0])):
        if "error" in run:
            table.append([f"Votes, c={c}", run["error"], DASH, DASH, "≥ 0.35", "error"])
            continue
        floor_rate = floors.get(c, {}).get("rate_per_s", 0)
        ratio = run["votes_per_s"] / floor_rate if floor_rate else 0
        exact = run["checks"]["counts_exact"]
        figure = (
            f"{run['votes_per_s']:.0f} votes/s · "
            f"{_latencies(run, 'p50', 'p95', 'p99')} · counts exact: {'yes' if exact else 'no'}"
            f" · {_cpu(run)}"
        )
        if not exact:
            figure += f" ({run['checks']})"
        if run["exhausted"]:
            figure += " · prepared votes ran out: a lower bound"
        table.append(
            [
                f"Votes, c={c} ({run['checks']['successes']} cast)",
                figure,
                f"{floor_rate:.0f} req/s",
                f"{ratio:.2f}",
                "≥ 0.35, counts exact",
                _verdict(ratio >= 0.35 and exact),
            ]
        )

    probe = results.get("vote_in_process")
    if probe and "error" not in probe:
        table.append(
            [
                "One vote in process (test client, warm)",
                f"{probe['queries']} SQL statements · {_ms(probe['ms'])}"
                f" · status {probe['status']}",
                DASH,
                DASH,
                DASH,
                DASH,
            ]
        )

    burst = results.get("burst")
    if burst and "error" not in burst:
        stored = burst["checks"]["new_rows"]
        ok = (
            burst["first_to_last_s"] <= 3
            and burst["error_count"] == 0
            and stored == burst["pupils"]
            and burst["checks"]["counts_exact"]
        )
        table.append(
            [
                f"Burst: {burst['pupils']} pupils vote at once",
                f"first request → last answer {burst['first_to_last_s']:.2f} s · "
                f"{_latencies(burst, 'p50', 'p95', 'p99')} · errors {burst['error_count']} · "
                f"stored {stored} · {_cpu(burst)}",
                DASH,
                DASH,
                f"≤ 3 s, 0 errors, {burst['pupils']} stored",
                _verdict(ok),
            ]
        )
    elif burst:
        table.append(["Burst", burst["error"], DASH, DASH, "≤ 3 s, 0 errors", "error"])

    sign_ins = results.get("sign_ins")
    if sign_ins and "error" not in sign_ins:
        failed = sign_ins["sign_ins"] - sign_ins["successes"]
        table.append(
            [
                f"Sign-ins, c={sign_ins['connections']} ({sign_ins['sign_ins']} pupils)",
                f"{sign_ins['sign_ins_per_s']:.1f} /s · {_latencies(sign_ins, 'p50', 'p95', 'p99')}"
                + (f" · {failed} not signed in {sign_ins['statuses']}" if failed else "")
                + f" · {_cpu(sign_ins)}",
                DASH,
                DASH,
                "≥ 40 /s",
                _verdict(sign_ins["sign_ins_per_s"] >= 40 and failed == 0),
            ]
        )
    elif sign_ins:
        table.append(["Sign-ins", sign_ins["error"], DASH, DASH, "≥ 40 /s", "error"])

    table.extend(_stream_rows(results.get("streams")))

    browser = results.get("browser")
    if browser and "error" not in browser:
        first, repeat = browser["first"], browser["repeat"]
        table.append(
            [
                "First visit to / (bytes received, headers included)",
                f"{first['bytes'] / 1024:.1f} KB: "
                + ", ".join(
                    f"{r['url']} {r['bytes'] / 1024:.1f} KB"
                    for r in first["resources"]
                    if r["over_network"]
                ),
                DASH,
                DASH,
                "≤ 25 KB",
                _verdict(first["bytes"] <= 25 * 1024),
            ]
        )
        only_document = repeat["over_network"] == ["/"]
        table.append(
            [
                "Repeat visit to / (link click)",
                f"{repeat['bytes'] / 1024:.1f} KB over the network: "
                + (
                    ", ".join(
                        f"{r['url']} ({r['status']}, {r['bytes'] / 1024:.1f} KB)"
                        for r in repeat["resources"]
                        if r["over_network"]
                    )
                    or "nothing"
                ),
                DASH,
                DASH,
                "only the HTML document",
                _verdict(only_document),
            ]
        )
    elif browser:
        table.append(["Browser visits", browser["error"], DASH, DASH, "≤ 25 KB", "error"])
    return table


def _maybe_ms(value: float | None) -> str:
    """A latency, or "never" where some stream never saw the vote."""
    return "never" if value is None else _ms(value)


def _percentiles(latency: dict) -> str:
    """p50 / p95 / p99 of a latency summary that may hold "never"."""
    return " / ".join(f"{p} {_maybe_ms(latency[p])}" for p in ("p50", "p95", "p99"))


def _client(streams: dict) -> str:
    """How busy the stream client was: its CPU and how late its event loop ran."""
    lag = streams["loop_lag_ms"]
    return (
        f"client {streams['client_cpu_percent_of_one_core']:.0f}% of one core,"
        f" loop lag p99 {_maybe_ms(lag['p99'])}"
    )


def _shares(run: dict) -> str:
    """Who used the CPUs during a run, largest first, in per cent of the whole machine."""
    shares = sorted((run.get("cpu_percent") or {}).items(), key=lambda kv: -kv[1])
    return ", ".join(f"{name} {share:.0f}%" for name, share in shares if share >= 1)


def _stream_rows(live: dict | None) -> list[list[str]]:
    """Many open live streams: memory, propagation, the vote route with and without them."""
    if not live:
        return []
    if "error" in live:
        return [["Live streams", live["error"], DASH, DASH, "p95 ≤ 1 s", "error"]]
    n, rate = live["streams"], live["rate"]
    with_, without = live["with"], live["without"]
    streams, opening = with_["streams"], with_["opening"]
    rows = [
        [
            f"Live streams: {n} open at once",
            f"{opening['opened']} opened in {opening['open_s']:.1f} s"
            + (f", {opening['failed']} failed {opening['failures']}" if opening["failed"] else "")
            + f" · {with_['kib_per_stream']:.0f} KiB per stream (RSS of the live gunicorn"
            f" {with_['rss_mib']['before']:.0f} → {with_['rss_mib']['with']:.0f} MiB)"
            f" · {streams['still_open']} still open at the end",
            DASH,
            DASH,
            DASH,
            DASH,
        ]
    ]
    everywhere = streams["all_streams"]
    p95 = everywhere["p95"]
    rows.append(
        [
            f"Propagation: vote answered → count seen on all {opening['opened']} streams"
            f" ({streams['votes']} votes at {rate:g}/s)",
            f"{_percentiles(everywhere)} · per stream {_percentiles(streams['each_stream'])}"
            f" · never seen: {streams['missed_pairs']} (vote, stream) pairs · {_client(streams)}",
            DASH,
            DASH,
            "p95 ≤ 1 s",
            _verdict(p95 is not None and p95 <= 1000),
        ]
    )
    with_p95, without_p95 = with_["votes"]["latency_ms"]["p95"], without["latency_ms"]["p95"]
    ratio = with_p95 / without_p95 if with_p95 and without_p95 else 0
    exact = live["checks"]["counts_exact"]
    rows.append(
        [
            f"Vote p95, {rate:g} votes/s from {live['voters']} voters for"
            f" {live['seconds']:g} s: with {n} streams vs without",
            f"{_ms(with_p95)} vs {_ms(without_p95)}"
            f" · with: {_latencies(with_['votes'], 'p50', 'p99')},"
            f" {with_['votes']['statuses']} · without: {_latencies(without, 'p50', 'p99')},"
            f" {without['statuses']} · counts exact: {'yes' if exact else 'no'}"
            f" · CPU with streams: {_shares(with_['votes'])} · without: {_shares(without)}",
            DASH,
            f"{ratio:.2f}x",
            "≤ 1.5x",
            _verdict(ratio <= 1.5 and exact),
        ]
    )
    standin = live.get("stand_in")
    if standin:
        rows.append(
            [
                f"Stream tool ceiling: the same {n} streams and votes → Node stand-in server",
                f"propagation to all {_percentiles(standin['streams']['all_streams'])}"
                f" (250 ms coalescing included) · {_client(standin['streams'])}",
                DASH,
                DASH,
                DASH,
                DASH,
            ]
        )
    return rows


def markdown_table(table: list[list[str]]) -> str:
    """The rows as a markdown table."""
    header = ["Scenario", "Figure", "Floor", "Ratio", "Target", "Result"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in table:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines)


def _trouble(counts: dict[str, int]) -> str:
    """The log's worker timeouts and errors, or that it had none."""
    found = [f"{n} {name.replace('_', ' ')}" for name, n in counts.items() if n]
    return ", ".join(found) if found else "no worker timeouts, no errors"


def heading(results: dict) -> str:
    """The machine and run description that heads the report."""
    m = results["machine"]
    g = m["gunicorn"]
    a, live = g["app"], g["live"]
    pg = m["postgresql"]
    data = results["data"]
    return "\n".join(
        [
            f"# Benchmark, {results['mode']} run, {results['started_utc']}",
            "",
            f"- CPU: {m['cpu']} × {m['cpus']}; memory {m['memory_gib']} GiB",
            f"- OS: {m['os']}, kernel {m['kernel']}; Python {m['python']}; Node {m['node']}",
            f"- PostgreSQL {pg['server_version']} (shared_buffers {pg['shared_buffers']}, "
            f"max_connections {pg['max_connections']}, synchronous_commit "
            f"{pg['synchronous_commit']}, fsync {pg['fsync']}), same machine",
            f"- gunicorn {g['version']}, pages and votes (`{a['file']}`): {a['workers']} workers,"
            f" {a['worker_class']} worker class, {a['threads']} thread(s) each, backlog"
            f" {a['backlog']}, timeout {a['timeout']} s"
            f" ({results.get('booted_workers', '?')} workers booted, per its log)",
            f"- gunicorn, live streams (`{live['file']}`): {live['workers']} workers,"
            f" {live['worker_class']} worker class, {live['worker_connections']} connections each,"
            f" reuse_port {'on' if live['reuse_port'] else 'off'}"
            f" ({results.get('booted_live_workers', '?')} workers booted, per its log)",
            f"- App's gunicorn log: {_trouble(results.get('app_log') or {})};"
            f" live: {_trouble(results.get('live_log') or {})}",
            f"- {m['wrk']}, one thread; load tool, servers and PostgreSQL share the same CPUs",
            f"- Commit {m['git']}",
            f"- Data: {data['counts'].get('pupils', '?')} young people, "
            f"{data['counts'].get('ideas', '?')} ideas, {data['counts'].get('votes', '?')} votes, "
            f"{data['counts'].get('outcome_links', '?')} outcome links; built in "
            f"{data['build_seconds']:.1f} s"
            + (f"; problems: {'; '.join(data['problems'])}" if data["problems"] else ""),
            f"- Whole run: {results.get('wall_seconds', 0):.0f} s",
        ]
    )


def write(results: dict, table_md: str, started: datetime) -> tuple[Path, Path]:
    """bench/results/<UTC time>-<mode>.md and .json."""
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = f"{started.strftime('%Y%m%dT%H%M%SZ')}-{results['mode']}"
    md_path = RESULTS_DIR / f"{stem}.md"
    json_path = RESULTS_DIR / f"{stem}.json"
    md_path.write_text(heading(results) + "\n\n" + table_md + "\n")
    json_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return md_path, json_path
