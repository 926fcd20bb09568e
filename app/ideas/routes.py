"""Routes for young people: consultations, ideas, votes, co-design offers, what ideas became."""

from flask import (
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import joinedload, selectinload

from app.access import YOUNG_PERSON_ROLES, may_read_consultation, may_read_idea, roles_required
from app.extensions import db
from app.i18n import _
from app.ideas import bp, finding, services
from app.ideas.forms import (
    CodesignCreditForm,
    CodesignOfferForm,
    IdeaFilterForm,
    IdeaForm,
)
from app.ideas.languages import confirmed_language, detect, page_language
from app.ideas.own_votes import own_votes
from app.live import events as live
from app.live import streams
from app.models import (
    CodesignVolunteer,
    Consultation,
    Idea,
    IdeaStatus,
    Outcome,
    OutcomeGroup,
    OutcomeLink,
    Phase,
    Role,
)
from app.models.types import ROW_ID_MAX
from app.outcomes import all_frameworks
from app.pagination import Listing, cursor_from_request
from app.rules import RuleError
from app.web import after_post, is_htmx, local_path, render, render_listing


def _get_consultation(consultation_id: int) -> Consultation:
    """The consultation, or 404 if it does not exist or is a draft the viewer may not read."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or not may_read_consultation(current_user, consultation):
        abort(404)
    return consultation


def _get_idea(
    idea_id: int, *options, to_its_voters: bool = False, follow_merge: bool = False
) -> Idea:
    """The idea and its consultation, or 404 unless the viewer may read it (app.access).

    `options` load more with it in the same go (its author, history or outcome links).
    `to_its_voters` lets someone who voted for it reach it too (to take the vote back).
    `follow_merge` sends others on to the idea a merged one joined, so old links still work,
    where they may read that one; else the old link is not found, like any other.
    """
    idea = _load_idea(idea_id, *options)
    if idea is None:
        abort(404)
    if may_read_idea(current_user, idea):
        return idea
    if follow_merge and idea.merged_into_id is not None:
        joined = _load_idea(idea.merged_into_id)
        if may_read_idea(current_user, joined):
            abort(redirect(url_for("ideas.idea", idea_id=joined.id)))
    if not (to_its_voters and services.has_voted(current_user, idea)):
        abort(404)
    return idea


# Built once: votes and most idea routes start with it.
_IDEA = select(Idea).where(Idea.id == bindparam("idea_id")).options(joinedload(Idea.consultation))


def _load_idea(idea_id: int, *options) -> Idea | None:
    """The idea with its consultation, and whatever `options` load with it in the same go."""
    statement = _IDEA.options(*options) if options else _IDEA
    return db.session.execute(statement, {"idea_id": idea_id}).scalar_one_or_none()


@bp.route("/")
def index():
    """The consultations young people can take part in; below them, those that are over."""
    listing = Listing(
        services.open_consultations(cursor_from_request()),
        id="consultations",
        items="ideas/_consultation_items.html",
        url=url_for("ideas.index"),
        more_label=_("Show more questions"),
        empty=_("There are no questions open right now. Please come back soon."),
    )
    return render_listing("ideas/index.html", listing, closed=_closed_listing(None))


@bp.route("/consultations/closed")
def closed_questions():
    """The consultations that are over, a page at a time (the home page shows the first)."""
    return render_listing("ideas/closed.html", _closed_listing(cursor_from_request()))


def _closed_listing(cursor) -> Listing:
    """A page of the consultations that are over, with "Show more" from their own address."""
    return Listing(
        services.closed_consultations(cursor),
        id="closed-consultations",
        items="ideas/_consultation_items.html",
        url=url_for("ideas.closed_questions"),
        more_label=_("Show more closed questions"),
        empty=_("No question has closed yet."),
    )


@bp.route("/consultations/<int:consultation_id>")
def consultation(consultation_id: int):
    """A consultation's question and its public ideas, searched, narrowed and ordered as the
    address asks, a page at a time, with votes; once closed, what became of them first."""
    consultation = _get_consultation(consultation_id)
    outcomes = finding.outcome_choices(consultation)
    parsed = finding.parse_filters(request.args, [code for code, _label in outcomes])
    filters = parsed.filters
    ideas = finding.find_ideas(consultation, current_user, filters, cursor_from_request())
    listing = Listing(
        ideas,
        id="ideas",
        items="ideas/_idea_items.html",
        url=url_for("ideas.consultation", consultation_id=consultation.id, **filters.args()),
        more_label=_("Show more ideas"),
        empty=_("No ideas match. Try other words or choices.")
        if filters.narrowed
        else _("No ideas have been published yet."),
    )
    closed = consultation.phase == Phase.CLOSED
    mine = own_votes(current_user, consultation, ideas.items)
    return render(
        "ideas/consultation.html",
        "_more.html" if ideas.continues else "ideas/_found.html",
        listing=listing,
        consultation=consultation,
        filters=filters,
        filter_form=IdeaFilterForm.showing(
            filters,
            filters.sort_for(consultation),
            outcomes,
            parsed.problems,
            finding.status_filters_found(consultation, filters.status),
        ),
        found=finding.count_found(consultation, filters),
        summary=finding.closed_summary(consultation) if closed else None,
        voted=mine.voted,
        votes_left=mine.votes_left,
        voted_for=mine.voted_for,
        hidden_votes=mine.hidden,
    )


@bp.route("/consultations/<int:consultation_id>/propose", methods=["GET", "POST"])
@roles_required(*YOUNG_PERSON_ROLES)
def propose(consultation_id: int):
    """Propose an idea; it waits for staff to check it.

    "Send my idea" always sends a valid idea: similar ideas are advice, shown under the title as
    it is typed, on the form sent back with a mistake, and on the idea's page once it is sent
    (for those without JavaScript), never a step in the way.
    """
    consultation = _get_consultation(consultation_id)
    form = IdeaForm()
    if form.validate_on_submit():
        try:
            idea = services.propose_idea(
                current_user,
                consultation,
                form.title.data,
                form.description.data,
                _language_of(form),
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(
                _("Thank you! Library staff will check your idea before it is shown to others."),
                "celebrate",
            )
            return redirect(url_for("ideas.idea", idea_id=idea.id), code=303)
    sent_back = form.errors or form.form_errors
    if sent_back and not form.language.errors:
        form.language.data = form.language_suggested.data = _language_of(form)
    return render(
        "ideas/propose.html",
        consultation=consultation,
        form=form,
        similar=_similar_to(consultation, form) if sent_back else [],
        status=400 if sent_back else 200,
    )


def _language_of(form: IdeaForm) -> str:
    """The language of the idea on the form: the author's choice, or guessed from its words."""
    words = f"{form.title.data or ''}\n{form.description.data or ''}"
    return confirmed_language(form.language.data, form.language_suggested.data, words)


def _similar_to(consultation: Consultation, form: IdeaForm) -> list[Idea]:
    """Published ideas like the one sent back with a mistake, as the page shows them while
    typing (for those without JavaScript); none where no idea could be sent anyway."""
    if not consultation.accepts_proposals():
        return []
    title = (form.title.data or "")[: services.TITLE_MAX]
    description = (form.description.data or "")[: services.DESCRIPTION_MAX]
    return finding.similar_ideas(consultation, title, description)


@bp.route("/consultations/<int:consultation_id>/similar")
@roles_required(*YOUNG_PERSON_ROLES)
def similar(consultation_id: int):
    """Up to three public ideas like the title being typed on the propose page.

    Not rate-limited, like every read (app/limits.py): one query on one consultation's
    ideas, as cheap as a search of the consultation page, and the page asks at most once
    per pause in typing.
    """
    consultation = _get_consultation(consultation_id)
    title = request.args.get("title", "")[: services.TITLE_MAX]
    description = request.args.get("description", "")[: services.DESCRIPTION_MAX]
    return render(
        "ideas/similar.html",
        "ideas/_similar_response.html",
        consultation=consultation,
        similar=finding.similar_ideas(consultation, title),
        # The language the words seem to be in, for the page's language select.
        language_guess=detect(f"{title}\n{description}", page_language()),
    )


@bp.route("/ideas/<int:idea_id>")
def idea(idea_id: int):
    """One idea: what it is, its votes, its history and the outcomes it serves."""
    idea = _get_idea(
        idea_id,
        joinedload(Idea.author),
        joinedload(Idea.codesign_service),
        selectinload(Idea.history),
        selectinload(Idea.outcome_links)
        .joinedload(OutcomeLink.outcome)
        .joinedload(Outcome.group)
        .joinedload(OutcomeGroup.framework),
        follow_merge=True,
    )
    service = idea.codesign_service
    steps = services.latest_service_steps([service.id]) if service else {}
    is_author = current_user.is_authenticated and idea.author_id == current_user.id
    return render(
        "ideas/idea.html",
        voted=services.has_voted(current_user, idea),
        votes_left=services.votes_left(current_user, idea.consultation),
        is_author=is_author,
        # While it waits for staff, its author sees the published ideas like it (advice only).
        similar=finding.similar_ideas(idea.consultation, idea.title, idea.description)
        if is_author and idea.status == IdeaStatus.PENDING
        else [],
        service=service,
        service_step=steps.get(service.id) if service else None,
        **_codesign_context(idea, services.offer_of(current_user, idea)),
    )


@bp.app_template_global()
def ideas_voted_for(consultation: Consultation) -> list[Idea]:
    """The ideas holding the signed-in person's votes: "Your votes" (ideas/_votes_left.html)."""
    return services.ideas_voted_for(current_user, consultation)


def _blocks_turned(idea: Idea, ballot: services.Ballot, refused: bool) -> list[Idea] | None:
    """The other ideas on the page whose vote block changes with this answer, or None.

    They change when the person's last vote was just used (or a refusal finds it used) or one
    was just freed: each swaps between its button and the note. htmx names the ideas the page
    shows (`shown`), so the answer stays within them.
    """
    left = ballot.votes_left
    if not (left == 0 or (left == 1 and not ballot.voted and not refused)):
        return None
    shown = {int(n) for n in request.form.getlist("shown") if n.isdecimal() and len(n) < 20}
    ids = sorted(n for n in shown - {idea.id} if 0 < n <= ROW_ID_MAX)[: services.COUNTS_MAX]
    return services.vote_counts(idea.consultation, ids)


def _vote_action(idea_id: int, action, done_message: str, to_its_voters: bool = False):
    """Cast or take back a vote; the vote block and count for htmx, else back to the page.

    Either way the answer, and above all a refusal, shows beside the button that was tapped:
    without JavaScript the message is flashed for this idea alone (ideas/_vote.html shows it
    there) and the page opens at the idea's vote. The status region says it as well.
    """
    idea = _get_idea(idea_id, to_its_voters=to_its_voters)
    back = local_path(request.form.get("next"), url_for("ideas.idea", idea_id=idea.id))
    refusal = None
    try:
        ballot = action(current_user, idea)
        message = done_message
    except RuleError as error:
        message = refusal = str(error.message)
        ballot = services.ballot(current_user, idea)
    # A vote just cast is celebrated: a star beside the words that say so (base.html) and
    # beside the vote, found by the flash's category without JavaScript (ideas/_vote.html).
    celebrate = ballot.voted and refusal is None
    if not is_htmx():
        category = f"vote-cast-{idea.id}" if celebrate else "message"
        flash(message, f"vote-refused-{idea.id}" if refusal else category)
    others = _blocks_turned(idea, ballot, refused=refusal is not None)
    return after_post(
        f"{back.partition('#')[0]}#vote-{idea.id}",
        "ideas/_vote_response.html",
        idea=idea,
        voted=ballot.voted,
        votes_left=ballot.votes_left,
        next=back,
        message=message,
        refusal=refusal,
        celebrate=celebrate,
        others=others,
        others_voted=services.voted_idea_ids(current_user, others or []),
    )


@bp.route("/ideas/<int:idea_id>/vote", methods=["POST"])
@roles_required(*YOUNG_PERSON_ROLES)
def vote(idea_id: int):
    """Support an idea."""
    return _vote_action(idea_id, services.cast_vote, _("Your vote is counted."))


@bp.route("/ideas/<int:idea_id>/unvote", methods=["POST"])
@roles_required(*YOUNG_PERSON_ROLES)
def unvote(idea_id: int):
    """Take a vote back, also from an idea staff have hidden since (it still spends a vote)."""
    return _vote_action(
        idea_id, services.withdraw_vote, _("Your vote is taken back."), to_its_voters=True
    )


@bp.route("/ideas/<int:idea_id>/withdraw", methods=["POST"])
@roles_required(*YOUNG_PERSON_ROLES)
def withdraw(idea_id: int):
    """The author withdraws their idea."""
    idea = _get_idea(idea_id)
    try:
        services.withdraw_idea(idea, current_user)
        flash(_("Your idea is withdrawn."))
    except RuleError as error:
        flash(error.message)
    return redirect(url_for("ideas.idea", idea_id=idea.id), code=303)


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@roles_required(*YOUNG_PERSON_ROLES)
def edit(idea_id: int):
    """Change an idea staff asked about, and send it back to them."""
    idea = _get_idea(idea_id)
    if idea.author_id != current_user.id or idea.status != IdeaStatus.CHANGES_REQUESTED:
        abort(403)
    form = IdeaForm(obj=idea)
    if form.validate_on_submit():
        try:
            services.resubmit_idea(
                idea, current_user, form.title.data, form.description.data, form.language.data
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Thank you! Your changed idea is back with library staff."))
            return redirect(url_for("ideas.idea", idea_id=idea.id), code=303)
    failed = form.errors or form.form_errors
    return render("ideas/edit.html", idea=idea, form=form, status=400 if failed else 200)


@bp.route("/my-ideas")
@roles_required(*YOUNG_PERSON_ROLES)
def my_ideas():
    """Everything I have proposed and what has happened to it, newest first."""
    ideas = services.ideas_by_author(current_user, cursor_from_request())
    listing = Listing(
        ideas,
        id="my-ideas",
        items="ideas/_my_idea_items.html",
        url=url_for("ideas.my_ideas"),
        more_label=_("Show more of my ideas"),
        empty=_("You have not shared any ideas yet."),
    )
    return render_listing("ideas/my_ideas.html", listing, latest=services.latest_steps(ideas.items))


def _codesign_context(idea: Idea, offer: CodesignVolunteer | None) -> dict:
    """What `ideas/_codesign_offer.html` needs: the idea, the viewer's offer, and its forms."""
    return {
        "idea": idea,
        "offer": offer,
        "codesign_open": services.open_for_codesigners(idea),
        "offer_form": CodesignOfferForm(formdata=None),
        "credit_form": CodesignCreditForm(
            formdata=None, credit_publicly=bool(offer and offer.credit_publicly)
        ),
    }


def _offer_action(idea_id: int, action, done_message: str):
    """Run one change to the viewer's offer; the offer in place for htmx, else back to the idea."""
    idea = _get_idea(idea_id)
    try:
        action(idea)
        message = done_message
    except RuleError as error:
        message = str(error.message)
    if not is_htmx():
        flash(message)
    return after_post(
        url_for("ideas.idea", idea_id=idea.id),
        "ideas/_codesign_offer_response.html",
        message=message,
        **_codesign_context(idea, services.offer_of(current_user, idea)),
    )


def _own_offer(idea: Idea) -> CodesignVolunteer:
    """The viewer's offer for this idea, or a refusal saying there is none."""
    offer = services.offer_of(current_user, idea)
    if offer is None:
        raise RuleError(_("You have not offered to help design this idea."))
    return offer


@bp.route("/ideas/<int:idea_id>/codesign", methods=["POST"])
@roles_required(*YOUNG_PERSON_ROLES)
def offer_to_codesign(idea_id: int):
    """Offer to help design an accepted idea, choosing whether to be named for it."""
    form = CodesignOfferForm()
    return _offer_action(
        idea_id,
        lambda idea: services.offer_to_codesign(idea, current_user, form.credit_publicly.data),
        _("Thank you for offering! Library staff will let you know."),
    )


@bp.route("/ideas/<int:idea_id>/codesign/withdraw", methods=["POST"])
@roles_required(*YOUNG_PERSON_ROLES)
def withdraw_codesign_offer(idea_id: int):
    """Take back an offer to help design an idea."""
    return _offer_action(
        idea_id,
        lambda idea: services.withdraw_offer(_own_offer(idea), current_user),
        _("Your offer is taken back."),
    )


@bp.route("/ideas/<int:idea_id>/codesign/credit", methods=["POST"])
@roles_required(*YOUNG_PERSON_ROLES)
def set_codesign_credit(idea_id: int):
    """Choose whether one's pseudonym is shown as a co-designer of the idea."""
    form = CodesignCreditForm()
    return _offer_action(
        idea_id,
        lambda idea: services.set_credit(_own_offer(idea), current_user, form.credit_publicly.data),
        _("Your choice is saved."),
    )


@bp.route("/you-said-we-did")
def you_said_we_did():
    """What young people's ideas became: co-designed services, most recently changed first."""
    listing = Listing(
        services.you_said_we_did(cursor_from_request()),
        id="services",
        items="ideas/_service_items.html",
        url=url_for("ideas.you_said_we_did"),
        more_label=_("Show more services"),
        empty=_("No ideas have become services yet. Library staff will show them here."),
    )
    return render_listing("ideas/you_said_we_did.html", listing)


@bp.route("/services/<int:service_id>")
def service(service_id: int):
    """A co-designed service's public page: what it is, for whom, what happened, whose ideas."""
    found = services.public_service(service_id)
    if found is None:
        abort(404)
    return render("ideas/service.html", "ideas/_service.html", public=found, service=found.service)


@bp.route("/outcomes")
def outcomes():
    """Every outcome framework, group and outcome, in the source documents' words.

    Not paged: the list is fixed by the two source documents (52 outcomes), whatever the
    data, and it is read in three queries. Young people read each in plain words, with the full
    wording a link away; staff and QLP teams see the full wording and codes first.
    """
    reads_codes = current_user.is_authenticated and current_user.role != Role.YOUNG_PERSON
    wording = request.args.get("wording", "full" if reads_codes else "plain")
    return render("ideas/outcomes.html", frameworks=all_frameworks(), full=wording == "full")


@bp.route("/healthz")
def healthz():
    """Liveness and database status, for load balancers and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any failure to reach the database means it is unavailable
        db.session.rollback()
        database = "unavailable"
    healthy = database == "ok"
    body = {"status": "ok" if healthy else "degraded", "database": database}
    return jsonify(body), 200 if healthy else 503


# Live updates. Each stream sits beside its page and loads what the page loads, so it refuses
# exactly whom the page refuses. Vote counts and notices are the same for everyone who may see
# the page, so their events carry the rendered partial: a class voting at once costs no
# requests from the other phones. "My ideas" is one person's own, so its event only names the
# change and the page fetches its list with the person's own request.


@bp.route("/live/consultations/<int:consultation_id>")
def consultation_live(consultation_id: int):
    """The consultation page's stream: vote counts, and a notice when the ideas shown change."""
    consultation = _get_consultation(consultation_id)
    news = ("ideas", "ideas/_ideas_news.html", {"listed": True})
    page_url = url_for("ideas.consultation", consultation_id=consultation.id)
    translate = streams.counts_and_news(news, page_url)
    return streams.open_stream([live.consultation_channel(consultation.id)], translate)


@bp.route("/consultations/<int:consultation_id>/counts")
def vote_counts(consultation_id: int):
    """Fresh vote counts of the listed ideas, for a page whose stream was interrupted."""
    consultation = _get_consultation(consultation_id)
    wanted = {int(value) for value in request.args.getlist("idea") if value.isdecimal()}
    ids = sorted(n for n in wanted if 0 < n <= ROW_ID_MAX)[: services.COUNTS_MAX]
    ideas = services.vote_counts(consultation, ids)
    response = make_response(render_template("ideas/_vote_counts.html", ideas=ideas))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/live/ideas/<int:idea_id>")
def idea_live(idea_id: int):
    """The idea page's stream: its vote count, and a notice when staff move it on."""
    idea = _get_idea(idea_id)
    news = ("idea", "ideas/_idea_news.html", {"idea": idea.id})
    translate = streams.counts_and_news(news, url_for("ideas.idea", idea_id=idea.id), idea.id)
    return streams.open_stream([live.consultation_channel(idea.consultation_id)], translate)


@bp.route("/live/my-ideas")
@roles_required(*YOUNG_PERSON_ROLES)
def my_ideas_live():
    """The stream of "My ideas": it names a change, and the page fetches the person's list.

    A signed-in person's stream always listens on their own channel, where their ideas' news is.
    """
    return streams.open_stream([], streams.names_change("my-ideas", "my-ideas"))


@bp.route("/live/services/<int:service_id>")
def service_live(service_id: int):
    """A co-designed service's public page stream: it names a change, the page fetches itself.

    Services change seldom (a staff decision, a session logged), so fetching costs little.
    """
    if not services.service_exists(service_id):
        abort(404)
    translate = streams.names_change("service", "service", service=service_id)
    return streams.open_stream([live.SERVICES_CHANNEL], translate)
