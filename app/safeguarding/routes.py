"""Routes for the safeguarding lead's queue of concerns."""

from app.safeguarding import bp  # noqa: F401
