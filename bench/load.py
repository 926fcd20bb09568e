"""Runs wrk with the replay script and turns its JSON summary into figures."""

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import BENCH_DIR

SCRIPT = BENCH_DIR / "lua" / "replay.lua"


@dataclass(frozen=True)
class Request:
    """One HTTP request for wrk to send."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""

    def line(self) -> str:
        """The request as one line of the replay script's file format."""
        fields = [
            self.method,
            self.path,
            self.body,
            *(f"{k}: {v}" for k, v in self.headers.items()),
        ]
        if any("\t" in f or "\n" in f for f in fields):
            raise ValueError(f"tab or newline in a request field: {fields}")
        return "\t".join(fields)


@dataclass
class WrkResult:
    """What one wrk run measured."""

    raw: dict
    connections: int
    threads: int
    # Per cent of the machine's CPUs each kind of process used during the run.
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def statuses(self) -> dict[str, int]:
        """Responses by HTTP status, over all threads."""
        merged: dict[str, int] = {}
        for thread in self.raw["threads"]:
            for status, n in (thread.get("statuses") or {}).items():
                merged[status] = merged.get(status, 0) + int(n)
        return merged

    def count(self, status: int) -> int:
        """How many responses had this status."""
        return self.statuses.get(str(status), 0)

    @property
    def sent(self) -> int:
        """Requests handed to wrk's connections."""
        return sum(int(t["sent"]) for t in self.raw["threads"])

    @property
    def received(self) -> int:
        """Responses that came back."""
        return sum(int(t["received"]) for t in self.raw["threads"])

    @property
    def hx_redirects(self) -> int:
        """Responses telling htmx to go to the sign-in page (a session that did not work)."""
        return sum(int(t.get("hx_redirects", 0)) for t in self.raw["threads"])

    @property
    def exhausted(self) -> bool:
        """True if some thread sent every prepared request (a fixed-time figure is then low)."""
        return any(t.get("exhausted") for t in self.raw["threads"])

    @property
    def window_s(self) -> float:
        """Seconds from the first request sent to the last response received."""
        firsts = [t["first_us"] for t in self.raw["threads"] if t["first_us"]]
        lasts = [t["last_us"] for t in self.raw["threads"] if t["last_us"]]
        if not firsts or not lasts:
            return 0.0
        return max(0.0, (max(lasts) - min(firsts)) / 1e6)

    @property
    def duration_s(self) -> float:
        """wrk's own measure of the run's length."""
        return self.raw["duration_us"] / 1e6

    def rate(self, successes: int | None = None) -> float:
        """Responses (or the successes given) per second over the first-to-last window."""
        window = self.window_s if self.raw["mode"] != "cycle" else self.duration_s
        n = self.received if successes is None else successes
        return n / window if window > 0 else 0.0

    @property
    def errors(self) -> dict[str, int]:
        """Socket errors and timeouts as wrk counts them (status errors are in `statuses`)."""
        return {k: int(v) for k, v in self.raw["errors"].items() if k != "status"}

    @property
    def socket_errors(self) -> int:
        """Connect, read and write errors and timeouts, together."""
        return sum(self.errors.values())

    def ms(self, percentile: float) -> float:
        """A latency percentile in milliseconds."""
        key = f"{percentile:g}"
        return self.raw["latency_us"]["percentiles"][key] / 1000.0

    def summary(self) -> dict:
        """The figures worth keeping in the report's JSON."""
        return {
            "connections": self.connections,
            "threads": self.threads,
            "sent": self.sent,
            "received": self.received,
            "statuses": self.statuses,
            "hx_redirects": self.hx_redirects,
            "errors": self.errors,
            "window_s": round(self.window_s, 3),
            "duration_s": round(self.duration_s, 3),
            "rate_per_s": round(self.rate(), 1),
            "exhausted": self.exhausted,
            "cpu_percent": self.cpu,
            "latency_ms": {
                "p50": self.ms(50),
                "p75": self.ms(75),
                "p90": self.ms(90),
                "p95": self.ms(95),
                "p99": self.ms(99),
                "max": self.raw["latency_us"]["max"] / 1000.0,
                "mean": round(self.raw["latency_us"]["mean"] / 1000.0, 3),
            },
        }


def ensure_wrk() -> str:
    """The wrk binary, installing Debian's package when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
        subprocess.run(install, env=env, check=True)
    return shutil.which("wrk") or "wrk"


def wrk_version() -> str:
    """wrk's version line."""
    done = subprocess.run([ensure_wrk(), "-v"], capture_output=True, text=True)
    return (done.stdout or done.stderr).splitlines()[0].strip()


def write_requests(directory: Path, per_thread: list[list[Request]]) -> Path:
    """One file per wrk thread, so threads never share (or repeat) a request."""
    directory.mkdir(parents=True, exist_ok=True)
    for index, requests in enumerate(per_thread):
        text = "\n".join(request.line() for request in requests) + "\n"
        (directory / f"thread-{index}.txt").write_text(text)
    return directory


def split(items: list, parts: int) -> list[list]:
    """Contiguous, nearly equal slices."""
    size, extra = divmod(len(items), parts)
    slices, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        slices.append(items[start:end])
        start = end
    return slices


def run(
    base_url: str,
    requests_dir: Path,
    *,
    threads: int,
    connections: int,
    mode: str = "cycle",
    seconds: float = 5.0,
    burst: int = 0,
    wrap: bool = False,
    timeout_s: float = 30.0,
    limit_s: float = 120.0,
) -> WrkResult:
    """Run wrk once; "cycle" runs for `seconds`, the other modes until every answer is in."""
    # In "once" mode with `seconds` set, sending stops after that long and the run ends when
    # the last answer arrives; `limit_s` bounds any run that waits for answers.
    env = dict(
        os.environ,
        BENCH_REQUESTS=str(requests_dir),
        BENCH_MODE=mode,
        BENCH_WRAP="1" if wrap else "0",
        BENCH_SECONDS=f"{seconds if mode == 'once' else 0:g}",
        BENCH_BURST=str(burst),
    )
    # Markers from an earlier run over the same files would end this one at once.
    for old in requests_dir.glob("done-*"):
        old.unlink()
    duration = seconds if mode == "cycle" else limit_s
    command = [
        ensure_wrk(),
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(duration))}s",
        "--timeout",
        f"{max(1, round(timeout_s))}s",
        "-s",
        str(SCRIPT),
        base_url,
    ]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        if mode != "cycle":
            # Threads that have every answer write a marker; wrk itself would sleep on until
            # -d is over, so it is interrupted, which makes it report at once.
            deadline = time.monotonic() + duration + 5
            while process.poll() is None and time.monotonic() < deadline:
                if len(list(requests_dir.glob("done-*"))) >= threads:
                    process.send_signal(signal.SIGINT)
                    break
                time.sleep(0.02)
        stdout, stderr = process.communicate(timeout=duration + 60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    for line in stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return WrkResult(json.loads(line[len("BENCH_JSON ") :]), connections, threads)
    raise RuntimeError(f"wrk printed no result (exit {process.returncode}): {stderr.strip()}")
