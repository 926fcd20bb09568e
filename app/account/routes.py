"""Routes for My account: download my data, change my name or password, my "about you"
answers, delete my account."""

from flask import abort, flash, make_response, redirect, request, session, url_for
from flask_login import current_user

from app.account import about_you, bp, services
from app.account.forms import (
    ABOUT_YOU_ANSWERS,
    ABOUT_YOU_QUESTIONS,
    AboutYouForm,
    DeleteForm,
    NameForm,
    PasswordForm,
    RemoveAboutYouForm,
    SkipAboutYouForm,
)
from app.auth.sessions import end_this_sign_in
from app.i18n import _
from app.models import utcnow
from app.rules import RuleError
from app.web import local_path, render


@bp.get("")
def index():
    """My account: who I am here, and one way to each of my rights."""
    return render("account/index.html", about_you=_may_answer())


@bp.get("/data")
def data():
    """Everything the platform holds about me, as a page to read."""
    return render(
        "account/data.html",
        data=services.export_data(current_user),
        ABOUT_YOU_QUESTIONS=ABOUT_YOU_QUESTIONS,
        ABOUT_YOU_ANSWERS=ABOUT_YOU_ANSWERS,
    )


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


def _after_asking() -> str:
    """Where the one-time questions lead afterwards: where joining was taking the person."""
    return local_path(request.args.get("next"), url_for("ideas.index"))


def _being_asked() -> bool:
    """Whether the person is still to be offered the questions, once, after joining."""
    return (
        about_you.old_enough(current_user)
        and current_user.about_you_asked_at is None
        and (
            session.get(about_you.OFFER_KEY) == current_user.id
            or about_you.has_asking_service(current_user)
        )
    )


def _may_answer() -> bool:
    """Whether My account offers the person the "About you" page: also just after joining."""
    return about_you.may_be_asked(current_user) or _being_asked()


@bp.route("/about-you/ask", methods=["GET", "POST"])
def ask_about_you():
    """After joining: the optional questions, once, with skipping the easy choice."""
    if not _being_asked():
        session.pop(about_you.OFFER_KEY, None)
        return redirect(_after_asking(), code=303)
    form = AboutYouForm()
    if form.validate_on_submit():
        about_you.save_answers(current_user, form.answers())
        session.pop(about_you.OFFER_KEY, None)
        flash(_("Thank you. You can change your answers in My account."))
        return redirect(_after_asking(), code=303)
    return render(
        "account/about_you_ask.html",
        form=form,
        skip_form=SkipAboutYouForm(formdata=None),
        next_url=_after_asking(),
        status=400 if form.errors else 200,
    )


@bp.post("/about-you/skip")
def skip_about_you():
    """Skip the questions: nothing is kept but that the person was asked."""
    form = SkipAboutYouForm()
    if not form.validate_on_submit():
        abort(400)
    if _being_asked():
        about_you.mark_asked(current_user)
    session.pop(about_you.OFFER_KEY, None)
    return redirect(_after_asking(), code=303)


@bp.route("/about-you", methods=["GET", "POST"])
def about_you_answers():
    """My "about you" answers: change them, or remove them all."""
    if not _may_answer():
        abort(404)
    if request.method == "POST":
        form = AboutYouForm()
    else:
        answers = about_you.answers_of(current_user)
        form = AboutYouForm(formdata=None, **{q.value: a for q, a in answers.items()})
    if form.validate_on_submit():
        about_you.save_answers(current_user, form.answers())
        flash(_("Your answers are saved."))
        return redirect(url_for("account.index"), code=303)
    return render(
        "account/about_you.html",
        form=form,
        remove_form=RemoveAboutYouForm(formdata=None),
        answered=bool(about_you.answers_of(current_user)),
        status=400 if form.errors else 200,
    )


@bp.post("/about-you/remove")
def remove_about_you():
    """Remove all my "about you" answers; I am not asked again."""
    if not _may_answer():
        abort(404)
    form = RemoveAboutYouForm()
    if not form.validate_on_submit():
        abort(400)
    about_you.remove_answers(current_user)
    flash(_("Your answers are removed."))
    return redirect(url_for("account.index"), code=303)
