"""The join pages' shared answer: with a code or without, a form sent back forgives."""

from app.auth.forms import JoinForm
from app.passwords import kept_or_new_passphrase
from app.web import render


def join_page(page: str, form: JoinForm, **context):
    """A join page (with or without a code), or the form sent back with its mistakes.

    It suggests the same password as before, and keeps what was typed except a refused
    password; as the page may hold both, no browser or proxy keeps a copy.
    """
    form.suggestion.data = kept_or_new_passphrase(form.suggestion.data)
    form.clear_refused_passwords()
    response = render(
        page,
        form=form,
        passphrase=form.suggestion.data,
        status=400 if form.errors else 200,
        **context,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
