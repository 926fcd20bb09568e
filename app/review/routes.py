"""Routes for QLP teams: the QLP dashboard, ideas by outcome, and reviews of services."""

from flask import abort, flash, request, url_for
from flask_babel import format_date
from flask_login import current_user
from wtforms import SelectChoice

from app.access import REVIEWER_ROLES, readable_library_service_ids, require_reader, roles_required
from app.i18n import _
from app.labels import RATING_LABELS
from app.live import events as live
from app.live import streams
from app.models import CodesignService, QlpRating, QlpReview, ServiceStatus
from app.pagination import Cursor, Listing, cursor_from_request
from app.review import bp, services
from app.review.forms import (
    DashboardFilterForm,
    OverallForm,
    RatingForm,
    ResponseForm,
    StartReviewForm,
)
from app.rules import RuleError
from app.web import after_post, is_htmx, render, render_listing

# --- Ideas by outcome --------------------------------------------------------------------------


def _unlinked(cursor: Cursor | None) -> Listing:
    """Public ideas not yet linked to an outcome, a page at a time."""
    return Listing(
        services.unlinked_ideas(cursor),
        id="unlinked",
        items="review/_idea_items.html",
        url=url_for("review.unlinked"),
        more_label=_("Show more ideas not yet linked"),
        empty=_("Every published idea is linked to at least one outcome."),
        css="rows",
    )


@bp.route("/ideas")
def ideas_by_outcome():
    """How many ideas serve each QLP aim and outcome and each Promise outcome."""
    return render(
        "review/ideas.html",
        frameworks=services.outcome_counts(),
        unlinked=_unlinked(None),
        unlinked_count=services.unlinked_count(),
    )


@bp.route("/outcomes/<code>")
def outcome(code: str):
    """The ideas serving one outcome, most votes first, a page at a time."""
    outcome = services.find_outcome(code) or abort(404)
    listing = Listing(
        services.ideas_for_outcome(outcome, cursor_from_request()),
        id=f"outcome-{outcome.id}-ideas",
        items="review/_idea_items.html",
        url=url_for("review.outcome", code=outcome.code),
        more_label=_("Show more ideas for %(code)s", code=outcome.code),
        empty=_("No published ideas serve this outcome yet."),
        css="rows",
    )
    return render_listing("review/outcome.html", listing, outcome=outcome)


@bp.route("/unlinked")
def unlinked():
    """Public ideas not yet linked to any outcome, most votes first, a page at a time."""
    return render_listing(
        "review/unlinked.html",
        _unlinked(cursor_from_request()),
        unlinked_count=services.unlinked_count(),
    )


# --- The QLP dashboard -------------------------------------------------------------------------


def _dashboard_filter(form: DashboardFilterForm) -> tuple[services.DashboardFilter, bool]:
    """The filter asked for in the address, and whether all of it was understood.

    Values not in the lists (a library service the person may not see, a made-up status)
    are left out with an error on the field.
    """
    understood = form.validate()
    library_service_id = None if form.library_service.errors else form.library_service.data
    status = None if form.status.errors else form.status.data
    return services.DashboardFilter(
        library_service_id, ServiceStatus(status) if status else None
    ), understood


@bp.route("/live")
def dashboard_live():
    """The dashboard's stream: it names a change, and the page fetches its list again.

    Only changes to services in library services the viewer reads are named.
    """
    scope = readable_library_service_ids(current_user)
    translate = streams.names_change("services", "service", within=scope)
    return streams.open_stream([live.SERVICES_CHANNEL], translate)


@bp.route("/")
def dashboard():
    """Every participating library service's co-designed services, with their last review."""
    library_services = services.participating_library_services(current_user)
    form = DashboardFilterForm(request.args)
    form.library_service.choices = [
        SelectChoice("", _("Every library service")),
        *[SelectChoice(ls.id, ls.name) for ls in library_services],
    ]
    narrowed, understood = _dashboard_filter(form)
    cursor = cursor_from_request()
    listing = Listing(
        services.dashboard(current_user, narrowed, cursor),
        id="qlp-services",
        items="review/_dashboard_items.html",
        url=url_for(
            "review.dashboard",
            library_service=narrowed.library_service_id,
            status=narrowed.status.value if narrowed.status else None,
        ),
        more_label=_("Show more services"),
        empty=_("No co-designed services match.")
        if narrowed.library_service_id or narrowed.status
        else _("No co-designed services yet."),
    )
    # Items appended by "Show more" continue a library service's services under the heading
    # already shown; a page of its own starts with the heading.
    appended = cursor is not None and not cursor.backwards and is_htmx()
    after = cursor.values[1] if appended else None
    return render_listing(
        "review/dashboard.html",
        listing,
        status=200 if understood else 400,
        form=form,
        library_services=library_services,
        previous_library_service_id=after,
    )


# --- Reviews of a service ----------------------------------------------------------------------


def _service(service_id: int) -> CodesignService:
    """The service, if the signed-in person may read its reviews (else 404 or 403)."""
    service = services.find_service(service_id) or abort(404)
    require_reader(service.library_service_id)
    return service


def _service_page(service: CodesignService, form: StartReviewForm | None = None, status=200):
    """A service's reviews: timeline and ratings table, and the form to start one."""
    reviews = services.service_reviews(service, cursor_from_request())
    return render_listing(
        "review/service.html",
        reviews.listing,
        status=status,
        service=service,
        service_reviews=reviews,
        may_review=services.may_review(current_user),
        start_form=form or StartReviewForm(formdata=None),
    )


@bp.get("/services/<int:service_id>")
def service_reviews(service_id: int):
    """A co-designed service's QLP reviews, newest first, and its ratings over time."""
    return _service_page(_service(service_id))


@bp.post("/services/<int:service_id>/reviews")
@roles_required(*REVIEWER_ROLES)
def start_review(service_id: int):
    """Start a draft review of the service for a period."""
    service = _service(service_id)
    form = StartReviewForm()
    if form.validate():
        try:
            review = services.start_review(
                service, current_user, form.period_start.data, form.period_end.data
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Review started. Rate each aim and outcome, then sign it."))
            return after_post(url_for("review.review", review_id=review.id))
    return _service_page(service, form, status=400)


# --- One review --------------------------------------------------------------------------------


def _review(review_id: int) -> QlpReview:
    """The review with everything its page shows, if the signed-in person may read it."""
    review = services.find_review(review_id) or abort(404)
    require_reader(review.service.library_service_id)
    return review


def _rating_form(rating: QlpRating, choices, submitted: bool = False):
    """The form for one rating: as sent when `submitted`, else filled from the rating."""
    values = {}
    if not submitted:
        values = {
            "formdata": None,
            "rating": rating.rating,
            "evidence": rating.evidence,
            "sessions": [s.id for s in rating.sessions],
            "skills": [s.id for s in rating.skills],
        }
    form = RatingForm(prefix=f"r{rating.id}", **values)
    sessions, skills = choices
    form.sessions.choices = [
        SelectChoice(
            s.id, _("%(date)s, %(place)s", date=format_date(s.held_on, "d MMM yyyy"), place=s.place)
        )
        for s in sessions
    ]
    form.skills.choices = [
        SelectChoice(s.id, _("%(skill)s (%(name)s)", skill=s.skill, name=s.staff.username))
        for s in skills
    ]
    item = _item(rating)
    form.rating.label.text = _("Rating for %(item)s", item=item)
    form.evidence.label.text = _("Evidence for %(item)s", item=item)
    form.submit.label.text = _("Save rating for %(item)s", item=item)
    return form


def _item(rating: QlpRating) -> str:
    """How people call the aim or outcome a rating is for."""
    return services.item_label(rating.outcome)


def _editable(review: QlpReview) -> bool:
    """True if the signed-in person may change this review now."""
    return not review.is_signed and services.may_review(current_user)


def _review_context(
    review: QlpReview,
    *,
    rating_form: tuple[QlpRating, RatingForm] | None = None,
    overall_form: OverallForm | None = None,
    response_form: ResponseForm | None = None,
    errors: list | None = None,
) -> dict:
    """What the review page and its partials show; a form sent with mistakes is kept as sent."""
    outcomes = services.qlp_outcomes()
    ratings = services.ordered_ratings(review, outcomes)
    editable = _editable(review)
    forms = {}
    if editable:
        choices = (services.evidence_sessions(review), services.evidence_skills(review))
        forms = {rating.id: _rating_form(rating, choices) for rating in ratings}
        if rating_form is not None:
            forms[rating_form[0].id] = rating_form[1]
    answering = (
        review.is_signed
        and review.response is None
        and services.is_quality_leader(current_user, review.service)
    )
    return {
        "review": review,
        "ratings": ratings,
        "labels": {rating.id: _item(rating) for rating in ratings},
        "editable": editable,
        "rating_forms": forms,
        "overall_form": overall_form
        or OverallForm(
            prefix="overall",
            formdata=None,
            comment=review.overall_comment,
            recommendation=review.recommendation,
        ),
        "missing": [] if review.is_signed else services.missing_for_signing(review, outcomes),
        "errors": errors or [],
        "response_form": (response_form or ResponseForm(prefix="response", formdata=None))
        if answering
        else None,
    }


@bp.get("/reviews/<int:review_id>")
def review(review_id: int):
    """One review: its ratings and evidence, overall comment, signature and answer.

    A draft is a set of small forms for QLP reviewers; everyone else, and every signed
    review, is read-only.
    """
    return render("review/review.html", **_review_context(_review(review_id)))


def _review_page(review: QlpReview, status: int = 400, **forms):
    """The whole review page, with a refusal or a form sent with mistakes."""
    return render("review/review.html", status=status, **_review_context(review, **forms))


def _saved(review_id: int, anchor: str, message: str, partial: str, **context):
    """A saved change: the partial with a message for htmx, else a 303 back to its place."""
    if is_htmx():
        return render(
            "review/review.html",
            partial,
            message=message,
            **context,
            **_review_context(_review(review_id)),
        )
    flash(message)
    return after_post(url_for("review.review", review_id=review_id, _anchor=anchor))


def _refused_signed(review: QlpReview):
    """A change sent to a signed review: the read-only page, with the reason."""
    return _review_page(review, errors=[services.SIGNED_MESSAGE])


def _find_rating(review: QlpReview, rating_id: int) -> QlpRating:
    """One of the review's ratings, or 404."""
    return next((r for r in review.ratings if r.id == rating_id), None) or abort(404)


@bp.post("/reviews/<int:review_id>/ratings/<int:rating_id>")
@roles_required(*REVIEWER_ROLES)
def rate(review_id: int, rating_id: int):
    """Save one rating of a draft review, with its evidence and what it points at."""
    review = _review(review_id)
    rating = _find_rating(review, rating_id)
    if review.is_signed:
        return _refused_signed(review)
    choices = (services.evidence_sessions(review), services.evidence_skills(review))
    form = _rating_form(rating, choices, submitted=True)
    if form.validate():
        try:
            saved = services.rate(
                review,
                current_user,
                rating.outcome.code,
                form.rating.data,
                form.evidence.data or "",
                form.sessions.data or [],
                form.skills.data or [],
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            label = RATING_LABELS[saved.rating]
            message = _("Saved %(item)s: %(rating)s.", item=_item(rating), rating=label)
            return _saved(
                review_id,
                f"rating-{rating_id}",
                message,
                "review/_rating_response.html",
                rating=_find_rating(_review(review_id), rating_id),
            )
    return render(
        "review/review.html",
        "review/_rating_response.html",
        status=400,
        rating=rating,
        message=_("%(item)s was not saved. Please check it.", item=_item(rating)),
        **_review_context(review, rating_form=(rating, form)),
    )


@bp.post("/reviews/<int:review_id>/overall")
@roles_required(*REVIEWER_ROLES)
def save_overall(review_id: int):
    """Save a draft review's overall comment and recommendation."""
    review = _review(review_id)
    if review.is_signed:
        return _refused_signed(review)
    form = OverallForm(prefix="overall")
    if form.validate():
        try:
            services.save_overall(
                review, current_user, form.comment.data or "", form.recommendation.data
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            return _saved(
                review_id,
                "overall",
                _("Overall comment and recommendation saved."),
                "review/_overall_response.html",
            )
    return render(
        "review/review.html",
        "review/_overall_response.html",
        status=400,
        message=_("The overall comment was not saved. Please check it."),
        **_review_context(review, overall_form=form),
    )


@bp.post("/reviews/<int:review_id>/sign")
@roles_required(*REVIEWER_ROLES)
def sign(review_id: int):
    """Sign a complete draft review; it is read-only from then on."""
    review = _review(review_id)
    try:
        services.sign_review(review, current_user)
    except RuleError as error:
        return _review_page(_review(review_id), errors=[error.message])
    flash(_("Review signed. It can no longer be changed."))
    return after_post(url_for("review.review", review_id=review_id))


@bp.post("/reviews/<int:review_id>/response")
def respond(review_id: int):
    """The service's Quality Leader answers a signed review, once."""
    review = _review(review_id)
    if not services.is_quality_leader(current_user, review.service):
        abort(403)
    form = ResponseForm(prefix="response")
    if form.validate():
        try:
            services.respond_to_review(review, current_user, form.text.data)
        except RuleError as error:
            return _review_page(_review(review_id), response_form=form, errors=[error.message])
        flash(_("Your answer is saved beside the review."))
        return after_post(url_for("review.review", review_id=review_id, _anchor="response"))
    return _review_page(review, response_form=form)
