"""Starts and stops the servers under test: gunicorn (app, live streams, floor), the null server."""

import contextlib
import os
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench import BENCH_DIR, BENCH_REDIS_URL, BENCH_SECRET, ROOT

# The rate limits counted per client address (app/config.py).
ADDRESS_LIMITS = (
    "RATELIMIT_SIGN_IN_FAILURES_PER_ADDRESS",
    "RATELIMIT_JOINS_PER_ADDRESS",
    "RATELIMIT_PROPOSALS_PER_ADDRESS",
    "RATELIMIT_WRITES_PER_ADDRESS",
)


@dataclass
class Server:
    """A server process (the leader of its own process group) and where it listens."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    ready_path: str
    log_path: Path
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        """Where to send requests."""
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database_url: str) -> dict[str, str]:
    """The environment of the production setup, pointed at the bench database."""
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, SECRET_KEY=BENCH_SECRET)
    # Production runs a worker per half core only with Redis carrying live updates between
    # them. Pub/sub channels ignore Redis's database number, hence a prefix of the bench's own.
    env.update(
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", BENCH_REDIS_URL),
        LIVE_REDIS_PREFIX="bench-live:",
        # Streams stay open for the whole run rather than reconnecting every few minutes.
        LIVE_STREAM_SECONDS="3600",
    )
    # Every simulated pupil comes from 127.0.0.1, which the limits per address would take for
    # one very busy school. Those limits are raised out of reach, not turned off: every write
    # is still counted in Redis, as in production. Limits per person and account stay as set.
    env.update(
        {setting: "1000000 per minute" for setting in ADDRESS_LIMITS},
        RATELIMIT_ENABLED="1",
        RATELIMIT_KEY_PREFIX="bench-limits",
    )
    # The port comes from --bind; an access log would cost every request a write.
    env.pop("BIND", None)
    env.pop("LIVE_BIND", None)
    env.pop("ACCESS_LOG", None)
    return env


def gunicorn(
    name: str, target: str, database_url: str, log_dir: Path, config: str = "gunicorn.conf.py"
) -> Server:
    """gunicorn with one of the project's settings files, serving `target` on a free port."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / config),
        target,
        "--bind",
        f"127.0.0.1:{port}",
    ]
    ready = "/healthz" if target == "wsgi:app" else "/"
    return Server(name, command, server_env(database_url), port, ready, log_dir / f"{name}.log")


def null_server(log_dir: Path) -> Server:
    """Node's http module answering "ok": what wrk reaches when the server costs nothing."""
    node = shutil.which("node") or "node"
    port = free_port()
    command = [node, str(BENCH_DIR / "null_server.js"), str(port)]
    return Server("null", command, dict(os.environ), port, "/", log_dir / "null.log")


def _get(url: str, timeout: float) -> int:
    """The status of a GET, or 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, urllib.error.URLError):
        return 0


def launch(server: Server) -> Server:
    """Start the server in its own process group, without waiting for it."""
    with open(server.log_path, "ab") as log:
        server.process = subprocess.Popen(
            server.command,
            cwd=ROOT,
            env=server.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Its own group, so stopping it also stops its workers, and Ctrl-C reaches only us.
            start_new_session=True,
        )
    return server


def wait_ready(server: Server, timeout: float = 60.0) -> Server:
    """Wait until the server answers 200 on its ready path."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process is None or server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited at start; see {server.log_path}")
        if _get(server.base_url + server.ready_path, timeout=2) == 200:
            return server
        time.sleep(0.1)
    stop(server)
    raise RuntimeError(
        f"{server.name} did not answer within {timeout:.0f} s; see {server.log_path}"
    )


def start(server: Server) -> Server:
    """Start the server and wait until it answers."""
    return wait_ready(launch(server))


def stop(server: Server, quick: bool = False, timeout: float = 30.0) -> None:
    """Stop the server and everything in its process group; kill it if it will not stop."""
    process = server.process
    if process is None or process.poll() is not None:
        server.process = None
        return
    # SIGQUIT is gunicorn's quick shutdown (no waiting for requests in progress).
    sig = signal.SIGQUIT if quick and "gunicorn" in server.command else signal.SIGTERM
    with contextlib.suppress(subprocess.TimeoutExpired, ProcessLookupError):
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    # Whatever is left of the group (a worker that ignored the signal) goes too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    server.process = None


def restart(server: Server) -> None:
    """Quick stop and start again: drops work left from a page too slow to wait for."""
    stop(server, quick=True)
    start(server)


def wait_idle(server: Server, workers: int, within: float) -> bool:
    """True once every worker answers /healthz at the same moment, trying for `within` s."""
    url = server.base_url + "/healthz"
    deadline = time.monotonic() + within
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while time.monotonic() < deadline:
            began = time.monotonic()
            statuses = list(pool.map(lambda _: _get(url, timeout=1.0), range(workers)))
            if all(s == 200 for s in statuses) and time.monotonic() - began < 0.5:
                return True
            time.sleep(0.2)
    return False


def _settings_file(name: str, env: dict[str, str]) -> dict:
    """One settings file's values, read the way gunicorn reads it, under `env`."""
    from gunicorn.config import Config

    config = Config()
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        values = runpy.run_path(str(ROOT / name))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    for key, value in values.items():
        if key in config.settings:
            config.set(key.lower(), value)
    worker_class = config.worker_class_str
    # gunicorn swaps sync workers for gthread ones when threads are asked for.
    if worker_class == "sync" and config.threads > 1:
        worker_class = "gthread"
    return {
        "file": name,
        "workers": config.workers,
        "worker_class": worker_class,
        "threads": config.threads,
        "worker_connections": config.worker_connections,
        "reuse_port": config.reuse_port,
        "backlog": config.backlog,
        "timeout": config.timeout,
        "keepalive": config.keepalive,
        "preload_app": config.preload_app,
        "max_requests": config.max_requests,
    }


def gunicorn_settings(database_url: str) -> dict:
    """The settings both gunicorns will run with: pages and votes (app), and the live streams."""
    import gunicorn as gunicorn_package

    env = server_env(database_url)
    return {
        "version": gunicorn_package.__version__,
        "app": _settings_file("gunicorn.conf.py", env),
        "live": _settings_file("gunicorn_live.conf.py", env),
    }


def log_trouble(server: Server) -> dict[str, int]:
    """Worker timeouts, killed workers and errors in the server's log."""
    try:
        text = server.log_path.read_text(errors="replace")
    except OSError:
        return {}
    return {
        "worker_timeouts": text.count("WORKER TIMEOUT"),
        "workers_killed": text.count("was sent SIGKILL"),
        "errors": text.count("[ERROR]"),
        "tracebacks": text.count("Traceback"),
    }


def booted_workers(server: Server) -> int:
    """How many workers the server's log says it booted (a check on the settings)."""
    try:
        return server.log_path.read_text(errors="replace").count("Booting worker")
    except OSError:
        return 0
