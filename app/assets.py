"""Static files under content-hashed addresses, which browsers keep for a year without asking.

`url_for('static', filename='css/app.css')` gives `/static/css/app.<digest>.css`, where the
digest is taken from the file's bytes. A changed file gets a new address, so an address can
be cached as `immutable`: a returning visitor's phone fetches only the page itself. Files
under such addresses are read (and text compressed, as small as Brotli and gzip make it) once
and kept in memory: a first visit on a phone is mostly htmx, and every kilobyte counts. The plain
address (and one with a digest that is no longer current, asked for by a page from before a
deploy) still answers, with the current file, but browsers must check it again each time.

Static files are answered before the request reaches Flask: no session is read, no user is
loaded and no database is touched for them.
"""

import gzip
import hashlib
import mimetypes
import re
from pathlib import Path, PurePosixPath
from stat import S_ISREG

import brotli
from flask import Flask
from werkzeug.security import safe_join
from werkzeug.utils import send_from_directory
from werkzeug.wrappers import Request, Response

from app.web import has_control_character

DIGEST_LENGTH = 12
ONE_YEAR = 365 * 24 * 60 * 60
HASHED_NAME = re.compile(
    rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<suffix>\.\w+)$"
)
# Slow, thorough settings: each file is compressed once per process, not once per request.
ENCODERS = {
    "br": lambda data: brotli.compress(data, quality=11),
    "gzip": lambda data: gzip.compress(data, compresslevel=9, mtime=0),
    "identity": lambda data: data,
}
COMPRESSIBLE = ("text/", "application/javascript", "image/svg+xml")


class StaticFiles:
    """A WSGI layer in front of the app that answers static addresses itself."""

    def __init__(self, app, folder: str, url_path: str, headers: dict[str, str]):
        self.app = app
        self.folder = folder
        self.prefix = url_path.rstrip("/") + "/"
        self.headers = headers
        self._digests: dict[str, tuple[int, str]] = {}
        self._encoded: dict[tuple[str, str, str], bytes] = {}

    def __call__(self, environ, start_response):
        """Answer a static file; anything else (or a missing file) goes on to the app."""
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.prefix) or environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        request = Request(environ)
        if has_control_character(request.path):
            # No file has such a name, and a NUL stops the file system's calls: the app refuses
            # the address with its own 400 page (app/web.py).
            return self.app(environ, start_response)
        original, current = self.original_name(request.path[len(self.prefix) :])
        if self.digest(original) is None:
            return self.app(environ, start_response)  # the app's own 404 page
        response = self._send(request, original, current)
        response.headers.update(self.headers)
        return response(environ, start_response)

    def digest(self, filename: str) -> str | None:
        """The digest of a static file's bytes, or None when there is no such file."""
        path = safe_join(self.folder, filename)
        try:
            info = Path(path).stat() if path else None
        except OSError:
            return None
        if info is None or not S_ISREG(info.st_mode):
            return None
        changed = info.st_mtime_ns
        known = self._digests.get(filename)
        if known is None or known[0] != changed:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:DIGEST_LENGTH]
            known = self._digests[filename] = (changed, digest)
        return known[1]

    def hashed_name(self, filename: str) -> str:
        """`css/app.css` as `css/app.<digest>.css`; unchanged when the file is missing."""
        digest = self.digest(filename)
        if digest is None:
            return filename
        path = PurePosixPath(filename)
        return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))

    def original_name(self, filename: str) -> tuple[str, bool]:
        """The file an address names, and whether the address carries its current digest."""
        match = HASHED_NAME.match(filename)
        if match is None:
            return filename, False
        original = match["stem"] + match["suffix"]
        return original, self.digest(original) == match["digest"]

    def _send(self, request: Request, filename: str, current: bool) -> Response:
        """The file: for a year under its current digest, else to be checked each time."""
        if not current:
            response = send_from_directory(self.folder, filename, request.environ, max_age=0)
            response.cache_control.no_cache = True
            return response
        kind = mimetypes.guess_type(filename)[0] or ""
        encoding = request.accept_encodings.best_match(["br", "gzip"])
        if not (encoding and kind.startswith(COMPRESSIBLE)):
            encoding = "identity"
        response = Response(self._encoded_file(filename, encoding), mimetype=kind or None)
        if encoding != "identity":
            response.headers["Content-Encoding"] = encoding
        if kind.startswith(COMPRESSIBLE):
            response.vary.add("Accept-Encoding")
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
        return response

    def _encoded_file(self, filename: str, encoding: str) -> bytes:
        """The file's bytes, compressed with `encoding`, read the first time they are asked for."""
        key = (filename, self.digest(filename) or "", encoding)
        if key not in self._encoded:
            data = Path(safe_join(self.folder, filename)).read_bytes()
            self._encoded[key] = ENCODERS[encoding](data)
        return self._encoded[key]


def init_static_files(app: Flask, headers: dict[str, str]) -> None:
    """Serve static files in front of the app, and put digests into their addresses."""
    files = StaticFiles(app.wsgi_app, app.static_folder, app.static_url_path, headers)
    app.wsgi_app = files

    @app.url_defaults
    def hash_static_addresses(endpoint: str, values: dict) -> None:
        """Put the file's digest into every address `url_for('static', ...)` makes."""
        if endpoint == "static" and "filename" in values:
            values["filename"] = files.hashed_name(values["filename"])
