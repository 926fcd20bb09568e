"""Benchmark harness: builds a large data set, loads the production setup and reports figures.

Run it with `make bench` (full size) or `make bench-quick` (smaller, under two minutes).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
# Signs the sessions the harness mints and the ones gunicorn checks; bench data only.
BENCH_SECRET = "bench-only-secret-never-use-in-production-6f1c2a"
# Every bench account's password (one Argon2id hash of it is stored for all of them).
BENCH_PASSWORD = "bench-password-42"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/bench"
# Live updates between the bench's gunicorn workers (BENCH_REDIS_URL changes it).
BENCH_REDIS_URL = "redis://127.0.0.1:6379/2"
