"""Routes for joining, signing in and signing out."""

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import JoinForm, SignInForm
from app.auth.services import authenticate, create_account
from app.extensions import db, login_manager
from app.live import events as live
from app.models import User
from app.rules import RuleError
from app.web import local_path, render


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login reloads the signed-in person from the session."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Sign up as a young person."""
    if current_user.is_authenticated:
        return redirect(url_for("ideas.index"))
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = create_account(form.username.data, form.password.data, form.age_band.data)
        except RuleError as error:
            form[error.field or "username"].errors.append(error.message)
        else:
            login_user(user)
            flash(_("Welcome, %(name)s! You can now share ideas and vote.", name=user.username))
            return redirect(url_for("ideas.index"), code=303)
    return render("auth/join.html", form=form, status=400 if form.errors else 200)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in, then return to the page that asked for it."""
    if current_user.is_authenticated:
        return redirect(url_for("ideas.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors.append(_("That name and password do not match an account."))
        else:
            login_user(user)
            flash(_("You are signed in."))
            target = local_path(request.args.get("next"), url_for("ideas.index"))
            return redirect(target, code=303)
    return render("auth/sign_in.html", form=form, status=400 if form.errors else 200)


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    """Sign out (a POST, so no link or prefetch can do it); this session's live pages stop."""
    if "live" in session:
        live.session_ended(session.pop("live"))
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("ideas.index"), code=303)
