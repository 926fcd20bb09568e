"""The floor: a bare Flask app that runs SELECT 1 per request, under the same gunicorn settings.

`gunicorn -c gunicorn.conf.py bench.floor:app` with DATABASE_URL set to the bench database.
"""

import os

from flask import Flask
from sqlalchemy import create_engine, text

from app.config import database_url

# Created at import, so each gunicorn worker (there is no preload) has its own pool, as the app.
engine = create_engine(database_url(os.environ["DATABASE_URL"]), pool_pre_ping=True)
app = Flask(__name__)


@app.route("/")
def floor():
    """One round trip to PostgreSQL and a short text answer."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1")).scalar_one()
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
