"""Gunicorn settings for pages and votes (`gunicorn -c gunicorn.conf.py wsgi:app`).

Live streams are served by a process of their own (gunicorn_live.conf.py), and a proxy sends
every `/live/` address there (README, "Running at scale"). Each setting can be changed in the
environment without editing this file.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Every worker is a process with its own database connections; two per core keeps both cores
# busy while some workers wait on PostgreSQL. Sync workers take one request at a time, in the
# order they arrive, which keeps a vote's answer quick even when a whole class votes at once.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
# A sync worker must never hold a stream open: here the app answers stream addresses 503 at
# once, and a page that reaches it that way polls instead.
raw_env = ["LIVE_STREAMS=0"]
# A class's worth of phones arriving at once waits in the queue rather than being refused.
backlog = 2048
timeout = 30
graceful_timeout = 20
accesslog = os.environ.get("ACCESS_LOG") or None
# No runtime control socket: it is not used, and both gunicorn processes would share its path.
control_socket_disable = True
errorlog = "-"
