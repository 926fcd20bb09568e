"""Gunicorn settings for the live streams (`gunicorn -c gunicorn_live.conf.py wsgi:app`).

Every open page holds a server-sent events stream. A gevent worker holds each one in a
greenlet, thousands per worker, and wakes it only to write; gunicorn patches the standard
library in each worker before the app is imported, so Redis and PostgreSQL (psycopg 3.1.14 and
later) are waited on cooperatively. Streams get processes of their own so that sending a
batch to a thousand pages never delays a vote: the pages and votes run on sync workers
(gunicorn.conf.py), and a proxy sends `/live/` addresses here. This file imports neither the
app nor psycopg: the master process is never patched.
"""

import multiprocessing
import os
import sys

bind = os.environ.get("LIVE_BIND", "127.0.0.1:8001")
worker_class = "gevent"
# One worker per core: a stream costs little CPU, and each worker holds one Redis subscriber.
workers = int(os.environ.get("LIVE_WORKERS", multiprocessing.cpu_count()))
# Streams (and the requests that open them) one worker holds at once.
worker_connections = int(os.environ.get("LIVE_WORKER_CONNECTIONS", 2000))
# A socket per worker: on one shared socket, a single gevent worker takes most connections.
reuse_port = True
raw_env = ["LIVE_STREAMS=1"]
backlog = 2048
# With gevent this is how long a worker may go without reporting to the master, not a limit on
# a request: streams stay open much longer.
timeout = 30
# On restart, streams end at once; their pages reconnect to the new workers by themselves.
graceful_timeout = 5
accesslog = os.environ.get("ACCESS_LOG") or None
# No runtime control socket: it is not used, and both gunicorn processes would share its path.
control_socket_disable = True
errorlog = "-"


def post_fork(server, worker):
    """Stream workers give way to page workers on a busy machine (LIVE_NICE, default 5).

    A vote is answered first; a batch for the streams waits the few milliseconds it must.
    """
    os.nice(int(os.environ.get("LIVE_NICE", 5)))


def on_starting(server):
    """Refuse to start without Redis: only Redis carries the app's changes to these processes."""
    if not os.environ.get("REDIS_URL"):
        server.log.error(
            "REDIS_URL is not set. The live streams run apart from the app's workers, and only"
            " Redis carries changes between them. Set REDIS_URL, or use `make run`, which"
            " serves pages and streams from one process."
        )
        sys.exit(1)
