"""Routes for join codes: staff make, print and end them; young people join with one.

Staff see and act on the codes of the library services they belong to (admins: all), and
get 403 for any other code. The page a code leads to, /join/<code>, is public.
"""

from flask import abort, current_app, flash, redirect, session, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.access import STAFF_ROLES, require_member, roles_required
from app.account import about_you
from app.auth import sessions
from app.auth.forms import JoinForm
from app.auth.joining import join_page
from app.fields import library_service_choices
from app.i18n import _, _l, in_language
from app.joincodes import bp, services
from app.joincodes.forms import CodeLookupForm, EndJoinCodeForm, JoinCodeForm
from app.joincodes.services import CodeNotWorking, CodeState
from app.languages import SHIPPED, use_page_language
from app.models import JoinCode, utcnow
from app.moderation.services import has_no_membership, library_services_of
from app.pagination import Cursor, Listing, cursor_from_request
from app.rules import RuleError
from app.web import public_address, render, render_listing

# Small cards on the sheet staff print, cut out and hand round.
CARDS_PER_SHEET = 8


@bp.app_template_filter()
def grouped_code(code: str) -> str:
    """A stored code as people read it: ABCD-EFGH."""
    return services.display_code(code)


@bp.app_template_global()
def code_lookup_form(typed: str = "") -> CodeLookupForm:
    """The "Have a code from your library?" box, for any page that offers it."""
    return CodeLookupForm(formdata=None, code=typed)


def _get_join_code(join_code_id: int) -> JoinCode:
    """A code: 404 if none, 403 outside the library services the signed-in person works in."""
    join_code = services.join_code_by_id(join_code_id)
    if join_code is None:
        abort(404)
    require_member(join_code.library_service_id)
    return join_code


def _codes(cursor: Cursor | None) -> Listing:
    """The codes of the signed-in member of staff's library services, newest first."""
    now = utcnow()
    return Listing(
        services.join_codes_page(current_user, cursor).map(
            lambda join_code: (join_code, services.state_of(join_code, now))
        ),
        id="join-codes",
        items="joincodes/_join_code_items.html",
        url=url_for("joincodes.index"),
        more_label=_("Show more join codes"),
        empty=_("There are no join codes yet."),
    )


def _join_code_form() -> JoinCodeForm:
    """The form for a new code, with the library services, libraries and consultations the
    signed-in person may choose."""
    library_services = library_services_of(current_user)
    names = {service.id: service.name for service in library_services}
    only = library_services[0].id if len(library_services) == 1 else None
    form = JoinCodeForm(library_service=only)
    form.library_service.choices = library_service_choices(library_services)
    form.branch.choices = [
        SelectChoice("", _l("The whole library service")),
        *[
            SelectChoice(branch.id, branch.name, optgroup=service.name)
            for service in library_services
            for branch in service.branches
        ],
    ]
    form.consultation.choices = [
        SelectChoice("", _l("None: show them every consultation")),
        *[
            SelectChoice(c.id, c.question, optgroup=names.get(c.library_service_id))
            for c in services.consultations_for_codes(current_user)
        ],
    ]
    form.language.choices = [
        SelectChoice("", _l("The reader's own language")),
        *[
            SelectChoice(
                code, f"{language.name} ({language.english})", render_kw={"lang": language.tag}
            )
            for code in current_app.config["LANGUAGES"]
            if (language := SHIPPED[code]).code != "en"
        ],
    ]
    return form


@bp.get("/staff/join-codes")
@roles_required(*STAFF_ROLES)
def index():
    """The join codes of the library services the member of staff works in, newest first."""
    return render_listing(
        "joincodes/index.html",
        _codes(cursor_from_request()),
        no_membership=has_no_membership(current_user),
    )


@bp.route("/staff/join-codes/new", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def new():
    """Make a code for a session, then go to its poster and cards."""
    form = _join_code_form()
    if form.validate_on_submit():
        try:
            join_code = services.create_join_code(
                current_user,
                label=form.label.data,
                library_service_id=form.library_service.data,
                branch_id=form.branch.data,
                consultation_id=form.consultation.data,
                expires_in=form.expires_in.data,
                max_uses=form.max_uses.data,
                language=form.language.data,
            )
        except RuleError as error:
            (form[error.field].errors if error.field else form.form_errors).append(error.message)
        else:
            code = services.display_code(join_code.code)
            flash(_("Join code %(code)s is ready: print the poster or the cards.", code=code))
            return redirect(url_for("joincodes.poster", join_code_id=join_code.id), code=303)
    return render(
        "joincodes/new.html",
        form=form,
        no_membership=has_no_membership(current_user),
        status=400 if form.errors or form.form_errors else 200,
    )


@bp.get("/staff/join-codes/<int:join_code_id>/poster")
@roles_required(*STAFF_ROLES)
def poster(join_code_id: int):
    """A printable poster and a sheet of cards, each with the code, its address and QR code.

    Without a trusted public address (PUBLIC_URL) they carry the code alone, and staff are
    told why.
    """
    join_code = _get_join_code(join_code_id)
    code = services.display_code(join_code.code)
    url = public_address("joincodes.join", code=code)
    return render(
        "joincodes/poster.html",
        join_code=join_code,
        state=services.state_of(join_code),
        code=code,
        url=url,
        qr_code=services.qr_code_svg(url, _("QR code that opens %(url)s", url=url)) if url else "",
        cards=range(CARDS_PER_SHEET),
        words=_poster_words(join_code),
    )


def _poster_words(join_code: JoinCode) -> list[dict]:
    """The poster's and cards' words in English and, for a code with one, in its language."""
    words = []
    for code in dict.fromkeys(["en", join_code.language or "en"]):
        language = SHIPPED[code]
        with in_language(code):
            words.append(
                {
                    "lang": language.tag,
                    "dir": language.direction,
                    "heading": _("Share your ideas for your library"),
                    "scan": _("Scan this with your phone’s camera, or go to"),
                    "code": _("Your code:"),
                    "no_email": _("You do not need an email address."),
                }
            )
    return words


@bp.route("/staff/join-codes/<int:join_code_id>/end", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def end(join_code_id: int):
    """Ask whether to end a code now; the POST ends it."""
    join_code = _get_join_code(join_code_id)
    form = EndJoinCodeForm()
    if form.validate_on_submit():
        try:
            services.end_join_code(current_user, join_code)
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("“%(label)s” has ended: nobody else can join with it.", label=join_code.label))
            return redirect(url_for("joincodes.index"), code=303)
    return render(
        "joincodes/end.html",
        join_code=join_code,
        state=services.state_of(join_code),
        form=form,
        status=400 if form.errors or form.form_errors else 200,
    )


def _destination(join_code: JoinCode | None) -> str:
    """Where joining with a code leads: its consultation while open, else the start page."""
    consultation = services.open_consultation(join_code) if join_code else None
    if consultation is None:
        return url_for("ideas.index")
    return url_for("ideas.consultation", consultation_id=consultation.id)


def _not_working(join_code: JoinCode, state: CodeState):
    """The page for a code that has expired, is used up or was ended (410: gone for good)."""
    return render(
        "joincodes/not_working.html",
        join_code=join_code,
        message=services.NOT_WORKING[state],
        status=410,
    )


@bp.route("/join/<code>", methods=["GET", "POST"])
def join(code: str):
    """Join with a code from the library: a pseudonym, a password and an age group."""
    join_code = services.find_join_code(code)
    if current_user.is_authenticated:
        return redirect(_destination(join_code), code=303)
    if join_code is None:
        return render("joincodes/not_found.html", typed=services.tidy_code(code), status=404)
    # A group's code opens its page in the group's language, unless the reader chose another.
    use_page_language(join_code.language)
    state = services.state_of(join_code)
    if state is not CodeState.ACTIVE:
        return _not_working(join_code, state)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = services.join_with_code(
                join_code, form.username.data, form.password.data, form.age_band.data
            )
        except CodeNotWorking as refusal:
            return _not_working(join_code, refusal.state)
        except RuleError as error:
            form[error.field or "username"].errors.append(error.message)
        else:
            sessions.start_sign_in(user)
            flash(_("Welcome, %(name)s! You can now share ideas and vote.", name=user.username))
            if about_you.asks_on_joining(join_code, user):
                # Remembered for this session only: the account never records the code. The
                # person's id, so someone signing in next on a shared computer is not offered.
                session[about_you.OFFER_KEY] = user.id
                return redirect(
                    url_for("account.ask_about_you", next=_destination(join_code)), code=303
                )
            return redirect(_destination(join_code), code=303)
    return join_page(
        "joincodes/join.html",
        form,
        join_code=join_code,
        code=services.display_code(join_code.code),
    )
