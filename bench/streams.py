"""Many open live-update streams: a stream client, paced voters, and the scenario that uses them.

The stream client runs in a process of its own (`python -m bench.streams HOST PORT PATH COUNT`):
one asyncio event loop holding every stream on a raw socket, decoding the chunked body and the
events itself. It prints one JSON line once the streams are open, then obeys commands on
standard input: `mark` (start measuring), `report ACKS OUT` (propagation latencies of the votes
in ACKS, written to OUT) and `quit`. Times are `time.monotonic()`, one clock for every process
on the machine, so the voters' acknowledgements and the streams' arrivals compare directly.
"""

import asyncio
import bisect
import functools
import http.client
import json
import os
import re
import resource
import select
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench import BENCH_DIR, ROOT
from bench.load import Request

# A count as the app renders it: the vote route's answer and the streams' events alike.
COUNT = re.compile(rb'id="vote-count-(\d+)"[^>]*>([\d,]+) vote')


def counts_in(body: bytes) -> list[tuple[int, int]]:
    """Every (idea id, vote count) in a piece of HTML."""
    return [(int(m[1]), int(m[2].replace(b",", b""))) for m in COUNT.finditer(body)]


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values; infinity stands for "never"."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def latency_summary(values: list[float]) -> dict:
    """p50, p95, p99 and max in milliseconds; None where a value is "never"."""

    def ms(value: float) -> float | None:
        """Milliseconds, or None for infinity."""
        return None if value == float("inf") else round(value * 1000, 1)

    return {
        "count": len(values),
        **{f"p{p}": ms(percentile(values, p)) for p in (50, 95, 99)},
        "max": ms(max(values)) if values else None,
    }


# --- The stream client -------------------------------------------------------------------------


class Stream(asyncio.Protocol):
    """One open stream: reads the HTTP answer, de-chunks it, and notes each count's arrival."""

    def __init__(self, host: str, path: str) -> None:
        """A stream to open at `path`, sending the headers a browser's EventSource sends."""
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n"
            "Cache-Control: no-cache\r\nAccept-Encoding: gzip, deflate, br\r\n\r\n"
        ).encode()
        self.head = bytearray()
        self.raw = bytearray()
        self.events = bytearray()
        self.status = 0
        self.problem = ""
        self.chunked = False
        self.left = 0  # bytes left in the current chunk; -2 while its closing CRLF is due
        self.opened = asyncio.get_running_loop().create_future()
        self.closed_at: float | None = None
        self.heartbeats = 0
        self.event_count = 0
        # Per idea: the counts seen, rising, and when each was first seen.
        self.seen: dict[int, tuple[list[int], list[float]]] = {}

    def connection_made(self, transport) -> None:
        """Send the request at once."""
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc) -> None:
        """Note when the server ended the stream."""
        self.closed_at = time.monotonic()
        if not self.opened.done():
            self.problem = self.problem or f"closed before opening ({exc})"
            self.opened.set_result(False)

    def _fail(self, problem: str) -> None:
        """Give up on this stream."""
        self.problem = problem
        if not self.opened.done():
            self.opened.set_result(False)
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        """Headers first, then the body, de-chunked, split into events."""
        now = time.monotonic()
        if not self.status:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, rest = bytes(self.head[:end]), bytes(self.head[end + 4 :])
            lines = head.decode("latin-1").split("\r\n")
            self.status = int(lines[0].split()[1])
            headers = {
                k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])
            }
            if self.status != 200:
                return self._fail(f"status {self.status}")
            if not headers.get("content-type", "").startswith("text/event-stream"):
                return self._fail(f"content type {headers.get('content-type')!r}")
            if headers.get("content-encoding", "identity") != "identity":
                return self._fail(f"compressed ({headers['content-encoding']}): not streamable")
            self.chunked = "chunked" in headers.get("transfer-encoding", "").lower()
            data = rest
        if self.chunked:
            self.raw += data
            data = self._dechunk()
        if data:
            self.events += data.replace(b"\r\n", b"\n")
            self._split_events(now)

    def _dechunk(self) -> bytes:
        """The payload of every whole chunk received so far."""
        raw, pos, out = self.raw, 0, []
        while True:
            if self.left > 0:
                take = min(self.left, len(raw) - pos)
                if take == 0:
                    break
                out.append(bytes(raw[pos : pos + take]))
                pos += take
                self.left -= take
                if self.left == 0:
                    self.left = -2
            elif self.left == -2:
                if len(raw) - pos < 2:
                    break
                pos += 2
                self.left = 0
            else:
                end = raw.find(b"\r\n", pos)
                if end < 0:
                    break
                size = int(bytes(raw[pos:end]).split(b";")[0], 16)
                pos = end + 2
                if size == 0:
                    break  # the last chunk: the server ended the stream
                self.left = size
        del raw[:pos]
        return b"".join(out)

    def _split_events(self, now: float) -> None:
        """Handle each complete event (events end with a blank line)."""
        while (end := self.events.find(b"\n\n")) >= 0:
            event = bytes(self.events[:end])
            del self.events[: end + 2]
            if b": open" in event and not self.opened.done():
                self.opened.set_result(True)
            if b"keep-alive" in event:
                self.heartbeats += 1
            if b"vote-count-" not in event:
                continue
            self.event_count += 1
            for idea, count in counts_in(event):
                counts, times = self.seen.setdefault(idea, ([], []))
                if not counts or count > counts[-1]:
                    counts.append(count)
                    times.append(now)

    def first_seen(self, idea: int, count: int) -> float:
        """When this stream first saw `idea` at `count` votes or more; infinity if never."""
        counts, times = self.seen.get(idea, ((), ()))
        index = bisect.bisect_left(counts, count)
        return times[index] if index < len(times) else float("inf")


def propagation(streams: list[Stream], acks: list[list]) -> dict:
    """For each acknowledged vote: how long until one stream, and until all, saw its count."""
    pairs: list[float] = []
    everywhere: list[float] = []
    missed = 0
    for idea, count, acked in acks:
        slowest = 0.0
        for stream in streams:
            # An event that overtakes the vote's own answer counts as no delay at all.
            delay = max(0.0, stream.first_seen(idea, count) - acked)
            missed += delay == float("inf")
            pairs.append(delay)
            slowest = max(slowest, delay)
        everywhere.append(slowest)
    return {
        "all_streams": latency_summary(everywhere),
        "each_stream": latency_summary(pairs),
        "missed_pairs": missed,
    }


class LagMonitor:
    """How late the event loop runs a timer: an upper bound on the client's timing error."""

    def __init__(self, interval: float = 0.02) -> None:
        """Sample every `interval` seconds."""
        self.interval = interval
        self.lags: list[float] = []

    async def run(self) -> None:
        """Sleep, and record how much longer than asked the sleep took."""
        while True:
            began = time.monotonic()
            await asyncio.sleep(self.interval)
            self.lags.append(time.monotonic() - began - self.interval)


async def _open_all(host: str, port: int, path: str, count: int) -> tuple[list[Stream], dict]:
    """Open `count` streams, a hundred at a time, and wait for each one's opening comment."""
    loop = asyncio.get_running_loop()
    streams: list[Stream] = []
    began = time.monotonic()
    failures: dict[str, int] = {}
    for start in range(0, count, 100):
        batch = [Stream(host, path) for _ in range(start, min(count, start + 100))]
        results = await asyncio.gather(
            *(loop.create_connection(lambda s=s: s, host, port) for s in batch),
            return_exceptions=True,
        )
        for stream, result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                failures[type(result).__name__] = failures.get(type(result).__name__, 0) + 1
            else:
                streams.append(stream)
    if streams:
        await asyncio.wait([s.opened for s in streams], timeout=60)
    opened = [s for s in streams if s.opened.done() and s.opened.result()]
    for stream in streams:
        if stream not in opened:
            problem = stream.problem or "no opening comment within 60 s"
            failures[problem] = failures.get(problem, 0) + 1
    return opened, {
        "opened": len(opened),
        "failed": count - len(opened),
        "failures": failures,
        "open_s": round(time.monotonic() - began, 2),
    }


async def _listen(host: str, port: int, path: str, count: int) -> None:
    """Open the streams, report, then follow commands until told to quit."""
    loop = asyncio.get_running_loop()
    streams, opening = await _open_all(host, port, path, count)
    print(json.dumps(opening), flush=True)
    lag = LagMonitor()
    monitor = asyncio.create_task(lag.run())
    marked_at, marked_cpu = time.monotonic(), _cpu_seconds()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "mark":
            lag.lags.clear()
            marked_at, marked_cpu = time.monotonic(), _cpu_seconds()
            print(json.dumps({"marked": True}), flush=True)
        elif words[0] == "report":
            wall = time.monotonic() - marked_at
            cpu = _cpu_seconds() - marked_cpu
            acks = json.loads(Path(words[1]).read_text())
            result = {
                **opening,
                **propagation(streams, acks),
                "votes": len(acks),
                "still_open": sum(s.closed_at is None for s in streams),
                "events_per_stream": round(sum(s.event_count for s in streams) / len(streams), 1)
                if streams
                else 0,
                "heartbeats": sum(s.heartbeats for s in streams),
                "client_cpu_percent_of_one_core": round(100 * cpu / wall, 1) if wall else 0,
                "loop_lag_ms": latency_summary(lag.lags),
            }
            Path(words[2]).write_text(json.dumps(result))
            print(json.dumps({"reported": True}), flush=True)
    monitor.cancel()
    for stream in streams:
        stream.transport.close()


def _cpu_seconds() -> float:
    """CPU time this process has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- The stream client, driven from the harness -----------------------------------------------


class Listener:
    """The stream client's process, seen from the harness."""

    def __init__(self, base_url: str, path: str, count: int, log_path: Path) -> None:
        """Start the client in its own process group; it opens the streams at once."""
        host, port = base_url.removeprefix("http://").split(":")
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.streams", host, port, path, str(count)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                start_new_session=True,
            )

    def read(self, timeout: float) -> dict:
        """The client's next JSON line."""
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(f"the stream client said nothing within {timeout:.0f} s")
        return json.loads(line)

    def command(self, text: str, timeout: float = 60) -> dict:
        """Send a command and wait for its answer."""
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return self.read(timeout)

    def stop(self) -> None:
        """Ask it to quit; kill it if it does not."""
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=5)


# --- Paced voters ------------------------------------------------------------------------------


@dataclass
class Vote:
    """One vote's request, when it was due, and what came back."""

    request: Request
    idea: int
    due: float = 0.0
    acked: float = 0.0
    status: int = 0
    count: int | None = None


def paced_votes(
    base_url: str, requests: list[Request], rate: float, voters: int, decode
) -> list[Vote]:
    """Send the votes at a steady rate from `voters` threads, each on a kept-alive connection.

    A vote's latency is measured from when it was due, not from when a voter got to send it,
    so a server that falls behind shows its queue in the figures.
    """
    host, port = base_url.removeprefix("http://").split(":")
    votes = [Vote(r, int(r.path.split("/")[2])) for r in requests]
    start = time.monotonic() + 0.2
    for k, vote in enumerate(votes):
        vote.due = start + k / rate
    lock = threading.Lock()
    next_index = [0]

    def voter() -> None:
        """Take the next due vote, wait for its time, send it, read the answer."""
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        while True:
            with lock:
                k = next_index[0]
                next_index[0] += 1
            if k >= len(votes):
                break
            vote = votes[k]
            wait = vote.due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            request = vote.request
            try:
                connection.request(request.method, request.path, request.body, request.headers)
                response = connection.getresponse()
                body = response.read()
                vote.acked = time.monotonic()
                vote.status = response.status
                encoding = response.getheader("Content-Encoding", "")
                found = dict(counts_in(decode(body, encoding)))
                vote.count = found.get(vote.idea)
            except (OSError, http.client.HTTPException):
                vote.acked = time.monotonic()
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.close()

    # Daemons, so an interrupted run does not wait for votes nobody will read.
    threads = [threading.Thread(target=voter, daemon=True) for _ in range(voters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return votes


def vote_summary(votes: list[Vote], rate: float) -> dict:
    """Latency from due to answer, answers by status, and the rate actually achieved."""
    statuses: dict[str, int] = {}
    for vote in votes:
        statuses[str(vote.status)] = statuses.get(str(vote.status), 0) + 1
    window = max(v.acked for v in votes) - min(v.due for v in votes) if votes else 0
    return {
        "asked_rate_per_s": rate,
        "votes": len(votes),
        "statuses": statuses,
        "counts_read": sum(v.count is not None for v in votes),
        "rate_per_s": round(len(votes) / window, 1) if window > 0 else 0,
        "latency_ms": latency_summary([v.acked - v.due for v in votes if v.status]),
    }


def write_acks(votes: list[Vote], directory: Path) -> Path:
    """The acknowledged votes with a count, as the stream client reads them."""
    path = directory / "acks.json"
    path.write_text(json.dumps([[v.idea, v.count, v.acked] for v in votes if v.count is not None]))
    return path


def rss_kib(process_group: int) -> int:
    """Resident memory of every process in a process group, in KiB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat[stat.rindex(")") + 2 :].split()[2]) != process_group:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue  # the process ended while we looked
    return total


def through_streams(
    base_url: str,
    path: str,
    count: int,
    votes: list[Request],
    rate: float,
    voters: int,
    decode,
    work_dir: Path,
    server_group: int | None = None,
    cpu_groups: dict[str, int] | None = None,
    settle_s: float = 2.0,
    vote_url: str | None = None,
) -> dict:
    """Open `count` streams, cast the votes at `rate`, and measure how they reach the streams.

    The streams go to `base_url`, the votes to `vote_url` (the same server if not given).
    `server_group` is the streams' server's process group, whose memory is taken before and
    after the streams open; `cpu_groups` names process groups whose CPU use during the votes
    is reported.
    """
    from bench import cpu

    before = rss_kib(server_group) if server_group else 0
    listener = Listener(base_url, path, count, work_dir / "stream-client.log")
    try:
        opening = listener.read(timeout=120)
        if not opening["opened"]:
            raise RuntimeError(f"no stream opened: {opening['failures']}")
        time.sleep(settle_s)
        result: dict = {"opening": opening}
        if server_group:
            after = rss_kib(server_group)
            result["rss_mib"] = {"before": round(before / 1024, 1), "with": round(after / 1024, 1)}
            result["kib_per_stream"] = round((after - before) / opening["opened"], 1)
        groups = {**(cpu_groups or {}), "stream client": listener.process.pid}
        listener.command("mark")
        before_cpu = cpu.snapshot(groups)
        cast = paced_votes(vote_url or base_url, votes, rate, voters, decode)
        result["votes"] = vote_summary(cast, rate)
        usage = cpu.usage(before_cpu, cpu.snapshot(groups))
        usage.pop("wrk", None)  # no wrk here; the voters are threads of this process
        result["votes"]["cpu_percent"] = usage
        # The last votes' events: the coalescing delay, and time to cross every stream.
        time.sleep(3)
        acks = write_acks(cast, work_dir)
        out = work_dir / "propagation.json"
        listener.command(f"report {acks} {out}", timeout=300)
        result["streams"] = json.loads(out.read_text())
        result["successes"] = sum(v.status == 200 for v in cast)
        return result
    finally:
        listener.stop()


# --- The scenario in the harness ---------------------------------------------------------------


def prepare(bench) -> dict:
    """Two equal sets of votes, without and with the streams open, from fresh pupils.

    They vote on forty ideas of the big consultation, so each batch of events names a few.
    """
    from bench import sessions
    from bench.scenarios import _big_ideas, _vote_request

    ideas, budget = _big_ideas(bench)
    chosen = ideas[:40]
    timings = bench.timings
    per_run = int(timings.stream_vote_rate * timings.stream_votes_s)
    runs = {}
    for name in ("without", "with"):
        users = bench.take_reserved(-(-per_run // budget))
        minted = sessions.mint(bench.app, users)
        # Everyone's first vote, then everyone's second: no one's votes go together.
        requests = [
            _vote_request(bench, s, chosen[(s.user_id * 3 + 7 * j) % len(chosen)])
            for j in range(budget)
            for s in minted
        ]
        runs[name] = {"requests": requests[:per_run], "users": users}
    return runs


def scenario(bench, prepared: dict) -> dict:
    """Votes at a steady rate without streams, then with the streams open, then the stand-in.

    As in production, the streams go to the live server (gevent workers) and the votes to the
    app server (sync workers); events cross from one to the other through Redis.
    """
    from bench import cpu, servers
    from bench.scenarios import _decode, _vote_checks

    timings = bench.timings
    rate, voters = timings.stream_vote_rate, timings.stream_voters
    base = bench.app_server.base_url
    path = f"/live/consultations/{bench.data.big}"
    groups = {"app": bench.app_server.process.pid, "live": bench.live_server.process.pid}
    bench.settle("before the streams")
    before = bench.sql("SELECT count(*) FROM votes")
    bench.log(f"  without streams: {rate:g} votes/s for {timings.stream_votes_s:g} s...")
    before_cpu = cpu.snapshot(groups)
    without = vote_summary(
        paced_votes(base, prepared["without"]["requests"], rate, voters, _decode), rate
    )
    without["cpu_percent"] = cpu.usage(before_cpu, cpu.snapshot(groups))
    without["cpu_percent"].pop("wrk", None)
    bench.log(f"  with {timings.streams} streams open...")
    # The same streams and votes, against the live server and then against the stand-in.
    open_and_vote = functools.partial(
        through_streams,
        path=path,
        count=timings.streams,
        votes=prepared["with"]["requests"],
        rate=rate,
        voters=voters,
        decode=_decode,
        work_dir=bench.work_dir,
    )
    with_streams = open_and_vote(
        bench.live_server.base_url,
        server_group=bench.live_server.process.pid,
        cpu_groups=groups,
        vote_url=base,
    )
    successes = without["statuses"].get("200", 0) + with_streams["successes"]
    users = prepared["without"]["users"] + prepared["with"]["users"]
    result = {
        "streams": timings.streams,
        "rate": rate,
        "voters": voters,
        "seconds": timings.stream_votes_s,
        "without": without,
        "with": with_streams,
        "checks": _vote_checks(bench, before, successes, users),
    }
    # The same streams and votes against a server that costs next to nothing: what the
    # client, the voters and the coalescing delay add by themselves.
    bench.log("  the same against the stand-in stream server...")
    standin = stand_in(bench.work_dir)
    servers.start(standin)
    try:
        result["stand_in"] = open_and_vote(standin.base_url)
    finally:
        servers.stop(standin)
    return result


def stand_in(work_dir: Path):
    """The stand-in stream server (sse_standin.js) as a bench Server."""
    import shutil

    from bench.servers import Server, free_port

    port = free_port()
    node = shutil.which("node") or "node"
    command = [node, str(BENCH_DIR / "sse_standin.js"), str(port)]
    return Server("stand-in", command, dict(os.environ), port, "/", work_dir / "standin.log")


def self_check(count: int = 200, rate: float = 30, seconds: float = 5) -> dict:
    """The client and voters against the stand-in server alone: `python -m bench.streams check`."""
    from bench import servers
    from bench.scenarios import _decode

    work_dir = Path(tempfile.mkdtemp(prefix="bench-streams-"))
    server = stand_in(work_dir)
    servers.start(server)
    try:
        requests = [
            Request("POST", f"/ideas/{1 + k % 40}/vote", {"Accept-Encoding": "identity"})
            for k in range(int(rate * seconds))
        ]
        return through_streams(
            server.base_url,
            "/live/consultations/1",
            count,
            requests,
            rate,
            4,
            _decode,
            work_dir,
            server.process.pid,
        )
    finally:
        servers.stop(server)


def main(argv: list[str]) -> int:
    """`HOST PORT PATH COUNT`: be the stream client; `check [COUNT]`: check it on the stand-in."""
    from bench.run import _raise_open_files_limit

    _raise_open_files_limit()
    if argv and argv[0] == "check":
        print(json.dumps(self_check(int(argv[1]) if len(argv) > 1 else 200), indent=2))
        return 0
    host, port, path, count = argv
    # The client stands for a thousand phones, which are not on the server: it takes the CPU
    # the servers leave, so its own work does not slow the votes it measures.
    os.nice(10)
    asyncio.run(_listen(host, int(port), path, int(count)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
