"""What the app keeps on disk (the embedded database, the secret key, the instance folder) is
readable by its owner only: the database holds password hashes and safeguarding concerns."""

import os
import sqlite3
import stat
import uuid
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from app.instance import private_folder, secret_key
from app.models import Role, User


@pytest.fixture(autouse=True)
def usual_umask():
    """The umask most systems start with, under which new files are readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path) -> int:
    """The file's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_apps_database_file_is_readable_and_writable_by_its_owner_only(tmp_path):
    """Created 0600 before SQLite opens it, and still 0600 once the schema and a row are in."""
    database = tmp_path / "app.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "x"})
    with app.app_context():
        db.create_all()
        db.session.add(User(username="river", password_hash="x", role=Role.YOUNG_PERSON))
        db.session.commit()
        db.engine.dispose()
    assert mode(database) == 0o600
    assert [name for name in os.listdir(tmp_path) if name.startswith(".")] == []


def test_a_relative_database_path_is_made_private_in_the_instance_folder():
    """Flask-SQLAlchemy reads a relative SQLite path from the instance folder; so does this."""
    name = f"test-{uuid.uuid4().hex}.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{name}", "SECRET_KEY": "x"})
    database = Path(app.instance_path) / name
    try:
        assert mode(database) == 0o600
    finally:
        database.unlink()


def test_an_existing_database_readable_by_others_is_made_private(tmp_path):
    """A database from before this rule (0644) is 0600 once the app starts, and still opens."""
    database = tmp_path / "app.db"
    sqlite3.connect(database).close()
    database.chmod(0o644)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "x"})
    with app.app_context():
        db.create_all()
        assert db.session.query(User).count() == 0
        db.engine.dispose()
    assert mode(database) == 0o600


def test_a_new_instance_folder_is_open_to_its_owner_only(tmp_path):
    """Nobody else can list or open what is in it; an existing folder is left as it was."""
    private_folder(tmp_path / "instance")
    assert mode(tmp_path / "instance") == 0o700
    (tmp_path / "shared").mkdir(mode=0o750)
    private_folder(tmp_path / "shared")
    assert mode(tmp_path / "shared") == 0o750


def test_the_secret_key_is_made_once_readable_by_its_owner_only(tmp_path):
    """The same key each time, in a file only its owner can read, with no draft left behind."""
    key = secret_key(tmp_path)
    assert len(key) == 64 and secret_key(tmp_path) == key
    assert mode(tmp_path / "secret_key") == 0o600
    assert os.listdir(tmp_path) == ["secret_key"]
