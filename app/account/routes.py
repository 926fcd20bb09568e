"""Routes for My account: download my data, change my name or password, delete my account."""

from flask import flash, make_response, redirect, url_for
from flask_login import current_user

from app.account import bp, services
from app.account.forms import DeleteForm, NameForm, PasswordForm
from app.auth.sessions import end_this_sign_in
from app.i18n import _
from app.models import utcnow
from app.rules import RuleError
from app.web import render


@bp.get("")
def index():
    """My account: who I am here, and one way to each of my rights."""
    return render("account/index.html")


@bp.get("/data")
def data():
    """Everything the platform holds about me, as a page to read."""
    return render("account/data.html", data=services.export_data(current_user))


@bp.get("/data.json")
def data_json():
    """Everything the platform holds about me, as a file to keep."""
    response = make_response(services.export_json(services.export_data(current_user)))
    response.mimetype = "application/json"
    filename = f"my-data-{utcnow():%Y-%m-%d}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/name", methods=["GET", "POST"])
def change_name():
    """Choose a new pseudonym."""
    form = NameForm()
    if form.validate_on_submit():
        try:
            services.change_username(current_user, form.username.data)
        except RuleError as error:
            form.username.errors.append(error.message)
        else:
            flash(_("Your name is now %(name)s.", name=current_user.username))
            return redirect(url_for("account.index"), code=303)
    return render("account/name.html", form=form, status=400 if form.errors else 200)


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    """Choose a new password; other devices are signed out."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except RuleError as error:
            form[error.field or "new_password"].errors.append(error.message)
        else:
            flash(_("Your password is changed. Any other devices are signed out."))
            return redirect(url_for("account.index"), code=303)
    return render("account/password.html", form=form, status=400 if form.errors else 200)


@bp.route("/delete", methods=["GET", "POST"])
def delete():
    """Delete my account, after saying plainly what happens and asking for my password."""
    refusal = services.deletion_refusal(current_user)
    if refusal is not None:
        return render("account/delete.html", refusal=refusal, status=403)
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            services.delete_own_account(current_user, form.password.data)
        except RuleError as error:
            form.password.errors.append(error.message)
        else:
            end_this_sign_in()
            flash(_("Your account is deleted. Thank you for sharing your ideas with us. Goodbye!"))
            return redirect(url_for("ideas.index"), code=303)
    return render("account/delete.html", form=form, status=400 if form.errors else 200)
