"""Routes for joining, signing in and signing out, and the devices a person is signed in on."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.access import STAFF_ROLES, roles_required
from app.auth import bp, resets, sessions
from app.auth.forms import JoinForm, ResetCodeForm, ResetPasswordForm, SignInForm
from app.auth.joining import join_page
from app.auth.services import authenticate, create_account
from app.extensions import login_manager
from app.i18n import _, ngettext
from app.joincodes.services import tidy_code
from app.models import Role, User
from app.pagination import Cursor, Listing, cursor_from_request
from app.rules import RuleError
from app.web import after_post, is_htmx, local_path, render, render_listing


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login reloads the signed-in person, while this device's sign-in stands."""
    return sessions.load_signed_in_user(user_id)


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Sign up as a young person."""
    code = tidy_code(request.args.get("code"))
    if code:  # typed into "Have a code from your library?"
        return redirect(url_for("joincodes.join", code=code), code=303)
    if current_user.is_authenticated:
        return redirect(url_for("ideas.index"))
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = create_account(form.username.data, form.password.data, form.age_band.data)
        except RuleError as error:
            form[error.field or "username"].errors.append(error.message)
        else:
            sessions.start_sign_in(user)
            flash(_("Welcome, %(name)s! You can now share ideas and vote.", name=user.username))
            return redirect(url_for("ideas.index"), code=303)
    return join_page("auth/join.html", form)


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
            sessions.start_sign_in(user)
            flash(_("You are signed in."))
            target = local_path(request.args.get("next"), url_for("ideas.index"))
            return redirect(target, code=303)
    return render("auth/sign_in.html", form=form, status=400 if form.errors else 200)


@bp.route("/reset-password", methods=["GET", "POST"])
def reset_password():
    """Choose a new password with a reset code from library staff; signed in here, and out
    everywhere else."""
    if current_user.is_authenticated:
        return redirect(url_for("account.change_password"), code=303)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = resets.reset_password_with_code(
                form.username.data, form.code.data, form.password.data
            )
        except RuleError as error:
            form[error.field or "code"].errors.append(error.message)
        else:
            sessions.start_sign_in(user)
            flash(_("Your password is changed. You are signed in here and nowhere else."))
            return redirect(url_for("ideas.index"), code=303)
    form.clear_refused_passwords()
    response = render("auth/reset_password.html", form=form, status=400 if form.errors else 200)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/staff/reset-codes/new", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def make_reset_code():
    """Make a one-time password reset code for a young person who is here in person."""
    form = ResetCodeForm()
    made = None
    if form.validate_on_submit():
        try:
            made = resets.make_reset_code(current_user, form.username.data)
        except RuleError as error:
            form[error.field or "username"].errors.append(error.message)
    response = render(
        "auth/reset_code.html",
        form=ResetCodeForm(formdata=None) if made else form,
        made=made,
        minutes=resets.RESET_CODE_MINUTES,
        status=400 if form.errors else 200,
    )
    # The code is shown once: no browser or proxy keeps a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    """Sign out (a POST, so no link or prefetch can do it); this session's live pages stop."""
    sessions.end_this_sign_in()
    flash(_("You are signed out."))
    return redirect(url_for("ideas.index"), code=303)


def _devices(cursor: Cursor | None) -> Listing:
    """The devices the signed-in person is signed in on, a page at a time."""
    return Listing(
        sessions.sign_ins_page(current_user, cursor),
        id="devices",
        items="auth/_device_items.html",
        url=url_for("auth.devices"),
        more_label=_("Show more devices"),
        empty=_("You are not signed in on any device."),
    )


def _devices_changed(message: str):
    """Answer a sign-out of another device: the list for htmx, else back to the page."""
    if not is_htmx():
        flash(message)
    return after_post(
        url_for("auth.devices"),
        "auth/_devices.html",
        listing=_devices(None),
        this_device=sessions.current_sign_in(),
        message=message,
    )


# Every role: a signed-in person of any kind sees and ends their own sign-ins.
@bp.get("/account/devices")
@roles_required(*Role)
def devices():
    """The devices this person is signed in on, with ways to sign them out."""
    return render_listing(
        "auth/devices.html",
        _devices(cursor_from_request()),
        this_device=sessions.current_sign_in(),
    )


@bp.post("/account/devices/sign-out-others")
@roles_required(*Role)
def sign_out_other_devices():
    """Sign out everywhere but here (for a lost phone, or a library PC left signed in)."""
    ended = sessions.sign_out_other_devices(current_user)
    return _devices_changed(
        ngettext(
            "Signed out of %(num)d other device.", "Signed out of %(num)d other devices.", ended
        )
        if ended
        else _("You were not signed in on any other device.")
    )


@bp.post("/account/devices/<int:sign_in_id>/sign-out")
@roles_required(*Role)
def sign_out_device(sign_in_id: int):
    """Sign one of this person's other devices out; another person's sign-in is not found."""
    try:
        ended = sessions.sign_out_device(current_user, sign_in_id)
    except RuleError as error:
        return _devices_changed(str(error.message))
    if ended is None:
        abort(404)
    return _devices_changed(_("Signed out of %(device)s.", device=ended.device or _("a device")))
