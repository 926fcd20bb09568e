"""The instance folder and what the app keeps in it, readable by their owner only.

The embedded database holds password hashes and safeguarding concerns, and the secret key
signs every session: no other account on the machine may read them.
"""

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def private_folder(path: Path) -> None:
    """Make the folder, open to its owner only, unless it is there already (then it is left as
    its owner set it)."""
    path.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)


def _create_private_file(path: Path, text: str = "") -> bool:
    """Create the file, open to its owner only from its first moment; False if it was there.

    The text is written to a file of its own first and then linked into place, so a process
    starting at the same moment (another gunicorn worker) finds either no file or all of it.
    """
    if path.exists():
        return False
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), "w") as f:
        f.write(text)
    try:
        os.link(draft, path)
    except FileExistsError:
        return False
    finally:
        draft.unlink()
    return True


def private_sqlite_file(uri: str, folder: Path) -> None:
    """Make a SQLite database file open to its owner only, whether new or already there (a
    relative path is in the instance `folder`, as Flask-SQLAlchemy reads it).

    SQLite would create the file with the process's umask (usually readable by everyone), so
    an empty file, which SQLite takes as an empty database, is created first. SQLite gives its
    journal and WAL files the database file's permissions. A file another account owns is left
    alone: only its owner can change it.
    """
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    if url.database.startswith("file:"):  # a SQLite URI: in memory, or options SQLite reads
        return
    path = folder / url.database  # an absolute path stays as it is
    try:
        if not _create_private_file(path) and path.stat().st_mode & 0o077:
            path.chmod(PRIVATE_FILE)
    except (FileNotFoundError, PermissionError):
        pass  # no such folder, or not ours: SQLite says so, or opens it, as it would have


def secret_key(folder: Path) -> str:
    """The secret key kept in the instance folder, made on first use."""
    key_file = folder / "secret_key"
    _create_private_file(key_file, secrets.token_hex(32))
    return key_file.read_text().strip()
