"""Gunicorn settings for production and for the benchmark (`gunicorn -c gunicorn.conf.py wsgi:app`).

Each can be changed in the environment without editing this file.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Every worker is a process with its own database connections; two per core keeps both cores
# busy while some workers wait on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
# A class's worth of phones arriving at once waits in the queue rather than being refused.
backlog = 2048
timeout = 30
graceful_timeout = 20
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
