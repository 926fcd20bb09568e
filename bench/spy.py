"""Where the app's CPU goes under the vote load: py-spy samples, grouped by what they do.

Set `BENCH_PROFILE_DIR` for `python -m bench.run` and the votes run at c=50 is sampled with
py-spy into `votes-50.txt` there, as collapsed stacks: every app worker, 100 times a second,
only while it holds the GIL (Python at work, not waiting on PostgreSQL or Redis). Sampling
takes CPU of its own, so that run's figures are lower than a plain run's.
`python -m bench.spy FILE VOTES` then prints the milliseconds of app CPU per vote, by part of
the request. py-spy comes from PyPI (`pip install py-spy`); it is not a
dependency of the app or its tests.
"""

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

RATE = 100

# What a sample is spent on: the innermost frame of the stack that matches one of these
# (function name, part of the file's path) pairs names its part; the rest is "other". py-spy
# names a method with its class ("Limiter._check_request_limit"); the class is not compared.
PARTS = (
    ("Brotli and gzip", "after_request", "flask_compress"),
    ("publish the new count", "votes_changed", "app/live/events.py"),
    ("sign-in check (person and sign-in row)", "load_signed_in_user", "app/auth/sessions.py"),
    ("rate limits", "before", "app/limits.py"),
    ("rate limits", "after", "app/limits.py"),
    ("CSRF", "protect", "flask_wtf/csrf.py"),
    ("session cookie read", "open_session", "flask/sessions.py"),
    ("session cookie write", "save_session", "flask/sessions.py"),
    ("render the answer", "render_template", "flask/templating.py"),
    ("render the answer", "render", "app/web.py"),
    ("cast_vote (statements, commit)", "cast_vote", "app/ideas/services.py"),
    ("load the idea", "_get_idea", "app/ideas/routes.py"),
    ("the view, other", "_vote_action", "app/ideas/routes.py"),
    ("language choice", "_choose_afresh", "app/languages.py"),
    ("after-request hooks", "process_response", "flask/app.py"),
    ("before-request hooks", "preprocess_request", "flask/app.py"),
    ("database session end", "shutdown_session", "flask_sqlalchemy"),
    ("request teardown", "do_teardown_request", "flask/app.py"),
    ("Flask and Werkzeug", "wsgi_app", "flask/app.py"),
    ("gunicorn: read, parse, write", "handle", "gunicorn/workers/sync.py"),
)


def record(master_pid: int, seconds: float, out: Path) -> subprocess.Popen | None:
    """Start py-spy on the app's workers for `seconds`; None when py-spy is not installed."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return None
    return subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(master_pid),
            "--subprocesses",
            "--rate",
            str(RATE),
            "--duration",
            str(max(1, round(seconds))),
            "--format",
            "raw",
            "--nonblocking",
            "--gil",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def profile_dir() -> Path | None:
    """Where to put the samples, if asked."""
    value = os.environ.get("BENCH_PROFILE_DIR")
    return Path(value) if value else None


def part_of(stack: str) -> str:
    """The part a collapsed stack (root first, frames split by ';') is spent on."""
    frames = stack.split(";")
    for frame in reversed(frames):
        for label, function, path in PARTS:
            name = frame.partition(" (")[0].rpartition(".")[2]  # py-spy adds the class
            if name == function and path in frame:
                return label
    if any("gunicorn" in frame for frame in frames):
        return "gunicorn, outside a request"
    return "other"


def summary(path: Path, votes: int) -> list[tuple[str, float, float]]:
    """(part, ms of app CPU per vote, share) for each part, largest first."""
    parts: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            parts[part_of(stack)] += int(count)
    total = sum(parts.values()) or 1
    return [(label, 1000 * n / RATE / votes, n / total) for label, n in parts.most_common()]


def main() -> None:
    """Print the summary of one recording."""
    path, votes = Path(sys.argv[1]), int(sys.argv[2])
    rows = summary(path, votes)
    print("| part of a vote | ms of app CPU per vote | share |\n|---|---:|---:|")
    for label, ms, share in rows:
        print(f"| {label} | {ms:.2f} | {100 * share:.0f} % |")
    print(f"| **all** | **{sum(ms for _, ms, _ in rows):.2f}** | 100 % |")


if __name__ == "__main__":
    main()
