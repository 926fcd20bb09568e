"""Routes for staff: the queue, one idea's decisions and outcome links, consultation phases.

Staff see and act only in the library services they belong to: each route that loads one idea,
outcome link or consultation answers 403 to anyone else (admins act everywhere).
"""

from dataclasses import dataclass, replace

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from app.access import may_read_idea, member_library_service_ids, require_member
from app.extensions import db
from app.fields import library_service_choices
from app.i18n import _, _l, ngettext
from app.ideas.services import staff_next_statuses
from app.labels import DECISION_LABELS
from app.live import events as live
from app.live import streams
from app.models import Consultation, Idea, IdeaStatus, IdeaStatusChange, OutcomeLink
from app.models.types import ROW_ID_MAX
from app.moderation import bp, merging, picking, services
from app.moderation.forms import (
    ConsultationForm,
    DecisionForm,
    MergeForm,
    OutcomeLinkForm,
    PhaseForm,
    RedactForm,
    SharedGroupsSelect,
    TranslationForm,
)
from app.outcomes import all_frameworks
from app.pagination import Cursor, Listing, cursor_from_request
from app.rules import RuleError
from app.web import after_post, is_htmx, render, render_listing


@dataclass(frozen=True)
class QueueCard:
    """An idea waiting for a decision, with its card's form and the outcomes it offers."""

    idea: Idea
    form: DecisionForm
    picker: picking.OutcomePicker


def _get_idea(idea_id: int) -> Idea:
    """The idea with everything its staff page shows, loaded in a fixed number of queries.

    404 if there is none; 403 unless the signed-in person acts in its library service.
    """
    idea = db.session.execute(
        select(Idea)
        .where(Idea.id == idea_id)
        .options(
            joinedload(Idea.author),
            joinedload(Idea.consultation),
            selectinload(Idea.history).joinedload(IdeaStatusChange.actor),
            selectinload(Idea.outcome_links).joinedload(OutcomeLink.outcome),
            selectinload(Idea.outcome_links).joinedload(OutcomeLink.linked_by),
        )
    ).scalar_one_or_none()
    if idea is None:
        abort(404)
    require_member(idea.consultation.library_service_id)
    return idea


def _get_outcome_link(link_id: int) -> OutcomeLink:
    """An outcome link with its idea: 404 if none, 403 outside the person's library services."""
    link = db.session.execute(
        select(OutcomeLink)
        .where(OutcomeLink.id == link_id)
        .options(
            joinedload(OutcomeLink.outcome),
            joinedload(OutcomeLink.idea).joinedload(Idea.consultation),
        )
    ).scalar_one_or_none()
    if link is None:
        abort(404)
    require_member(link.idea.consultation.library_service_id)
    return link


def _get_consultation(consultation_id: int) -> Consultation:
    """A consultation: 404 if none, 403 outside the person's library services."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        abort(404)
    require_member(consultation.library_service_id)
    return consultation


# The decisions a queue card offers, as buttons; the idea's own page offers every decision.
QUEUE_DECISIONS = (IdeaStatus.PUBLISHED, IdeaStatus.CHANGES_REQUESTED, IdeaStatus.REJECTED)


def _show_all_outcomes() -> bool:
    """Staff asked to be offered every outcome, the early years' too (or sent one: a POST)."""
    return request.method == "POST" or request.args.get("outcomes") == "all"


def _outcome_field_choices(picker: picking.OutcomePicker, blank: str) -> list[SelectChoice]:
    """A grouped select's choices: a blank first one, then the picker's outcomes."""
    return [SelectChoice("", blank), *picker.choices()]


def _forms_for(idea: Idea) -> tuple[DecisionForm, OutcomeLinkForm]:
    """The decision and outcome-link forms, with the choices this idea allows."""
    decision = DecisionForm(prefix="decision")
    decision.offer_languages(idea.author)
    # A blank first choice, so no decision is ever made by leaving the default.
    decision.decision.choices = [
        SelectChoice("", _l("Choose a decision")),
        *[
            SelectChoice(status.value, DECISION_LABELS[status])
            for status in staff_next_statuses(idea)
        ],
    ]
    picker = picking.outcome_picker(idea, show_all=_show_all_outcomes())
    decision.outcome.choices = _outcome_field_choices(picker, _l("No outcome for now"))
    link = OutcomeLinkForm(prefix="link")
    link.outcome.choices = _outcome_field_choices(picker, _l("Choose an outcome"))
    return decision, link


def _card_form(idea: Idea, frameworks: list, formdata=None, rendered=None) -> QueueCard:
    """A queue card's decision form, and the outcomes it offers; `rendered` holds the outcome
    groups already drawn for the other cards of the page."""
    picker = picking.outcome_picker(idea, frameworks, show_all=_show_all_outcomes())
    form = DecisionForm(prefix=f"idea-{idea.id}", formdata=formdata)
    form.offer_languages(idea.author)
    form.decision.choices = [SelectChoice(s.value, DECISION_LABELS[s]) for s in QUEUE_DECISIONS]
    form.outcome.choices = _outcome_field_choices(picker, _l("No outcome for now"))
    form.outcome.widget = SharedGroupsSelect({} if rendered is None else rendered)
    return QueueCard(idea, form, picker)


def _idea_page(
    idea: Idea,
    decision: DecisionForm,
    link: OutcomeLinkForm,
    status: int = 200,
    redact: RedactForm | None = None,
    translation: TranslationForm | None = None,
):
    """Render the staff page for one idea, with its possible personal details highlighted."""
    revisions, revision_count = services.recent_revisions(idea)
    return render(
        "moderation/idea.html",
        idea=idea,
        decision_form=decision,
        link_form=link,
        show_all_outcomes=_show_all_outcomes(),
        redact_form=redact or RedactForm(prefix="redact", formdata=None, obj=idea),
        translation_form=translation or _translation_form(idea),
        marked=services.marked_words(idea),
        revisions=revisions,
        revision_count=revision_count,
        status=status,
    )


def _pending(cursor: Cursor | None, failed: QueueCard | None = None) -> Listing:
    """The ideas waiting for a decision, a page at a time, each with its card's form.

    `failed` is a card sent back with mistakes: it takes its idea's place, or comes first.
    """
    page = services.moderation_queue(current_user, cursor)
    frameworks = all_frameworks() if page.items else []
    rendered: dict = {}
    page = page.map(lambda idea: _card_form(idea, frameworks, rendered=rendered))
    if failed is not None:
        cards = [failed if card.idea.id == failed.idea.id else card for card in page.items]
        if failed not in cards:
            cards.insert(0, failed)
        page = replace(page, items=cards)
    return Listing(
        page,
        id="pending",
        items="moderation/_pending_items.html",
        url=url_for("moderation.pending"),
        more_label=_("Show more ideas waiting"),
        empty=_("Nothing is waiting. Well done."),
    )


def _published(cursor: Cursor | None) -> Listing:
    """Published ideas with their outcome links, a page at a time."""
    return Listing(
        services.public_ideas_with_link_counts(current_user, cursor),
        id="published",
        items="moderation/_published_items.html",
        url=url_for("moderation.published"),
        more_label=_("Show more published ideas"),
        empty=_("No ideas are published yet."),
    )


def _queue_page(failed: QueueCard | None = None, status: int = 200):
    """The queue: ideas waiting for a decision, and the latest published ideas to link."""
    return render(
        "moderation/queue.html",
        "moderation/_queue.html",
        pending=_pending(None, failed),
        published=_published(None),
        waiting=services.waiting_count(current_user),
        no_membership=services.has_no_membership(current_user),
        status=status,
    )


@bp.route("/")
def queue():
    """The first ideas waiting for a decision, and the latest published ideas to link."""
    return _queue_page()


def _refused(form: DecisionForm, error: RuleError) -> None:
    """Show a rule's refusal beside the field it is about, or above the form."""
    errors = form[error.field].errors if error.field in form else form.form_errors
    errors.append(error.message)


def _decided_words(idea: Idea, link: OutcomeLink | None) -> str:
    """What staff are told once a decision (and perhaps a link) is saved."""
    said = _(
        "Decision saved: %(decision)s, “%(title)s”.",
        decision=DECISION_LABELS[idea.status],
        title=idea.title,
    )
    if link is not None:
        said += " " + _("Linked to %(code)s.", code=link.outcome.code)
    return said


@bp.post("/queue/ideas/<int:idea_id>")
def decide_from_queue(idea_id: int):
    """Approve, ask for changes or reject from the idea's queue card; approving may link one
    outcome too. htmx swaps the card for what was decided; otherwise back to the queue."""
    idea = _get_idea(idea_id)
    card = _card_form(idea, all_frameworks(), formdata=request.form)
    form = card.form
    if form.validate():
        try:
            link = services.decide_in_place(
                idea,
                current_user,
                IdeaStatus(form.decision.data),
                form.message.data or "",
                form.outcome.data or "",
                form.rationale.data or "",
                form.message_language.data,
            )
        except RuleError as error:
            _refused(form, error)
        else:
            said = _decided_words(idea, link)
            if not is_htmx():
                flash(said)
            return after_post(
                url_for("moderation.queue"),
                "moderation/_decided.html",
                idea=idea,
                link=link,
                message=said,
                waiting=services.waiting_count(current_user),
            )
    if is_htmx():
        return render("moderation/queue.html", "moderation/_queue_card.html", status=400, card=card)
    return _queue_page(failed=card, status=400)


@bp.route("/live/queue")
def queue_live():
    """The queue's stream: it names a change, and the page fetches the lists the viewer may see.

    Staff listen to their own library services' queues, admins to every one.
    """
    scope = member_library_service_ids(current_user)
    channels = [live.queue_channel(None)] if scope is None else map(live.queue_channel, scope)
    return streams.open_stream(channels, streams.names_change("queue", "queue"))


@bp.route("/pending")
def pending():
    """Every idea waiting for a decision, oldest first, a page at a time."""
    return render_listing(
        "moderation/pending.html",
        _pending(cursor_from_request()),
        waiting=services.waiting_count(current_user),
        no_membership=services.has_no_membership(current_user),
    )


@bp.route("/published")
def published():
    """Every published idea, newest first, a page at a time, with its outcome links."""
    return render_listing(
        "moderation/published.html",
        _published(cursor_from_request()),
        no_membership=services.has_no_membership(current_user),
    )


@bp.route("/ideas/<int:idea_id>")
def idea(idea_id: int):
    """One idea, with what staff can decide and link."""
    idea = _get_idea(idea_id)
    return _idea_page(idea, *_forms_for(idea))


@bp.route("/ideas/<int:idea_id>/decision", methods=["POST"])
def decide(idea_id: int):
    """Approve, reject, ask for changes, or move an idea further along; approving a waiting
    idea may link one outcome too."""
    idea = _get_idea(idea_id)
    decision, link = _forms_for(idea)
    if decision.validate():
        try:
            linked = services.decide(
                idea,
                current_user,
                IdeaStatus(decision.decision.data),
                decision.message.data or "",
                decision.outcome.data or "",
                decision.rationale.data or "",
                decision.message_language.data,
            )
        except RuleError as error:
            _refused(decision, error)
        else:
            flash(_decided_words(idea, linked))
            return redirect(url_for("moderation.queue"), code=303)
    return _idea_page(idea, decision, link, status=400)


@bp.route("/ideas/<int:idea_id>/outcomes", methods=["POST"])
def link_outcome(idea_id: int):
    """Link the idea to an outcome, with a reason."""
    idea = _get_idea(idea_id)
    decision, link = _forms_for(idea)
    if link.validate():
        try:
            services.link_outcome(idea, link.outcome.data, current_user, link.rationale.data)
        except RuleError as error:
            link.form_errors.append(error.message)
        else:
            flash(_("Outcome linked."))
            return redirect(url_for("moderation.idea", idea_id=idea.id), code=303)
    return _idea_page(idea, decision, link, status=400)


def _said_after_redacting(held: bool) -> str:
    """What staff are told once an idea's words are changed."""
    if held:
        return _(
            "The words are saved. They still seem to include personal details, "
            "so the idea stays held."
        )
    return _("The words are saved. Nothing in them looks personal now.")


@bp.route("/ideas/<int:idea_id>/words", methods=["POST"])
def redact(idea_id: int):
    """Change an idea's words to take out personal details; the old words stay for staff."""
    idea = _get_idea(idea_id)
    form = RedactForm(prefix="redact")
    if form.validate():
        try:
            held = services.redact_idea(idea, current_user, form.title.data, form.description.data)
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_said_after_redacting(held))
            return redirect(url_for("moderation.idea", idea_id=idea.id), code=303)
    return _idea_page(idea, *_forms_for(idea), status=400, redact=form)


def _translation_form(idea: Idea) -> TranslationForm:
    """The translation form, holding the translation staff made so far, if any."""
    return TranslationForm(
        prefix="translation",
        formdata=None,
        data={"title": idea.translated_title, "description": idea.translated_description},
    )


@bp.route("/ideas/<int:idea_id>/translation", methods=["POST"])
def translate(idea_id: int):
    """Add or change the English translation of an idea written in another language."""
    idea = _get_idea(idea_id)
    form = TranslationForm(prefix="translation")
    if form.validate():
        try:
            services.translate_idea(idea, current_user, form.title.data, form.description.data)
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("The translation is saved."))
            return redirect(url_for("moderation.idea", idea_id=idea.id), code=303)
    return _idea_page(idea, *_forms_for(idea), status=400, translation=form)


@bp.route("/ideas/<int:idea_id>/remove-personal-info", methods=["POST"])
def remove_personal_info(idea_id: int):
    """Replace each possible personal detail in an idea with "[removed]"."""
    idea = _get_idea(idea_id)
    try:
        held = services.remove_personal_info(idea, current_user)
    except RuleError as error:
        flash(error.message)
    else:
        flash(_said_after_redacting(held))
    return redirect(url_for("moderation.idea", idea_id=idea.id), code=303)


@bp.route("/ideas/<int:idea_id>/revisions")
def revisions(idea_id: int):
    """Every earlier version of an idea's words, newest first, a page at a time; staff only."""
    idea = _get_idea(idea_id)
    listing = Listing(
        services.revisions_of(idea, cursor_from_request()),
        id="revisions",
        items="moderation/_revision_items.html",
        url=url_for("moderation.revisions", idea_id=idea.id),
        more_label=_("Show more earlier versions"),
        empty=_("The words of this idea have not been changed."),
    )
    return render_listing("moderation/revisions.html", listing, idea=idea)


@bp.route("/outcome-links/<int:link_id>/remove", methods=["POST"])
def unlink_outcome(link_id: int):
    """Remove an outcome link."""
    link = _get_outcome_link(link_id)
    idea_id = link.idea_id
    try:
        services.unlink_outcome(link, current_user)
    except RuleError as error:
        flash(error.message)
    else:
        flash(_("Outcome link removed."))
    return redirect(url_for("moderation.idea", idea_id=idea_id), code=303)


@bp.route("/consultations")
def consultations():
    """Every consultation and its phase, newest first, a page at a time."""
    page = services.all_consultations(current_user, cursor_from_request()).map(
        lambda c: (c, PhaseForm(prefix=f"c{c.id}", phase=c.phase))
    )
    listing = Listing(
        page,
        id="consultations",
        items="moderation/_consultation_items.html",
        url=url_for("moderation.consultations"),
        more_label=_("Show more consultations"),
        empty=_("There are no consultations yet."),
    )
    return render_listing(
        "moderation/consultations.html",
        listing,
        no_membership=services.has_no_membership(current_user),
    )


def _consultation_form(consultation: Consultation | None) -> ConsultationForm:
    """The consultation form, filled from the consultation (or for a new one), with choices.

    The choices are the library services the signed-in person acts in, and their libraries.
    """
    library_services = services.library_services_of(current_user)
    if consultation is not None:
        form = ConsultationForm(
            library_service=consultation.library_service_id,
            branch=consultation.branch_id,
            question=consultation.question,
            description=consultation.description,
            opens_at=consultation.opens_at,
            closes_at=consultation.closes_at,
            vote_budget=consultation.vote_budget,
            colour=consultation.colour,
            picture=consultation.picture,
        )
    else:
        # With a single library service there is nothing to choose.
        only = library_services[0].id if len(library_services) == 1 else None
        form = ConsultationForm(library_service=only)
    form.library_service.choices = library_service_choices(library_services)
    form.branch.choices = [
        SelectChoice("", _l("The whole library service")),
        *[
            SelectChoice(branch.id, branch.name, optgroup=service.name)
            for service in library_services
            for branch in service.branches
        ],
    ]
    return form


def _save_consultation(consultation: Consultation | None):
    """Show the consultation form, or save it and go back to the list."""
    form = _consultation_form(consultation)
    if form.validate_on_submit():
        try:
            saved = services.save_consultation(
                current_user,
                consultation,
                library_service_id=form.library_service.data,
                branch_id=form.branch.data,
                question=form.question.data,
                description=form.description.data or "",
                opens_at=form.opens_at.data,
                closes_at=form.closes_at.data,
                vote_budget=form.vote_budget.data,
                colour=form.colour.data,
                picture=form.picture.data,
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Consultation saved: %(question)s", question=saved.question))
            return redirect(url_for("moderation.consultations"), code=303)
    failed = form.errors or form.form_errors
    return render(
        "moderation/consultation_form.html",
        consultation=consultation,
        form=form,
        no_membership=services.has_no_membership(current_user),
        status=400 if failed else 200,
    )


@bp.route("/consultations/new", methods=["GET", "POST"])
def new_consultation():
    """Put a new question to young people; it starts as a draft only staff can see."""
    return _save_consultation(None)


@bp.route("/consultations/<int:consultation_id>/edit", methods=["GET", "POST"])
def edit_consultation(consultation_id: int):
    """Change a consultation's question, place, times or vote budget."""
    return _save_consultation(_get_consultation(consultation_id))


@bp.route("/consultations/<int:consultation_id>/phase", methods=["POST"])
def set_phase(consultation_id: int):
    """Move a consultation to another phase."""
    consultation = _get_consultation(consultation_id)
    form = PhaseForm(prefix=f"c{consultation.id}")
    if not form.validate():
        flash(_("Please choose a phase from the list."))
    else:
        try:
            services.set_phase(consultation, current_user, form.phase.data)
            flash(_("Phase changed."))
        except RuleError as error:
            flash(error.message)
    return redirect(url_for("moderation.consultations"), code=303)


# Merging duplicate ideas -----------------------------------------------------------------------


@bp.app_template_global()
def merge_credit(idea: Idea) -> merging.MergeCredit:
    """Who else suggested an idea, or what a merged idea joined: its pages show it.

    The idea joined is named only to those who may read it (it may be hidden since).
    """
    credit = merging.merge_credit(idea)
    if credit.joined is not None and not may_read_idea(current_user, credit.joined):
        return replace(credit, joined=None)
    return credit


def _idea_asked_for(name: str) -> Idea | None:
    """The idea whose number the request gives under `name`, with its consultation; else None."""
    value = request.values.get(name, "")
    if not value.isdecimal() or not 0 < int(value) <= ROW_ID_MAX:
        return None
    return db.session.execute(
        select(Idea).where(Idea.id == int(value)).options(joinedload(Idea.consultation))
    ).scalar_one_or_none()


def _choose_page(duplicate: Idea, error: str | None = None):
    """Find the idea the duplicate joins: the most supported, or those a search finds."""
    search = request.args.get("q", "")[: merging.SEARCH_MAX]
    refusal = merging.duplicate_refusal(duplicate)
    return render(
        "moderation/merge.html",
        "moderation/_merge_candidates.html",
        idea=duplicate,
        search=search,
        candidates=[] if refusal else merging.candidates(duplicate, search),
        refusal=refusal,
        error=error,
        status=400 if error else 200,
    )


def _confirm_page(plan: merging.MergePlan, form: MergeForm, status: int = 200):
    """Both ideas side by side, and what merging does to their votes, before staff confirm."""
    return render("moderation/merge_confirm.html", plan=plan, form=form, status=status)


@bp.get("/ideas/<int:idea_id>/merge")
def merge(idea_id: int):
    """Choose the idea a duplicate joins (`?into=` its number), then see what merging does."""
    duplicate = _get_idea(idea_id)
    if "into" not in request.args:
        return _choose_page(duplicate)
    kept = _idea_asked_for("into")
    if kept is None:
        return _choose_page(duplicate, _("Please choose the idea that stays from the list."))
    try:
        plan = merging.plan_merge(duplicate, kept, current_user)
    except RuleError as error:
        return _choose_page(duplicate, error.message)
    form = MergeForm(formdata=None, into=kept.id)
    form.offer_languages(duplicate.author)
    return _confirm_page(plan, form)


@bp.post("/ideas/<int:idea_id>/merge")
def merge_into(idea_id: int):
    """Merge the duplicate into the idea that stays: votes move, both proposers are told."""
    duplicate = _get_idea(idea_id)
    form = MergeForm()
    form.offer_languages(duplicate.author)
    kept = _idea_asked_for("into") if form.validate() else None
    if kept is None:
        return _choose_page(duplicate, _("Please choose the idea that stays from the list."))
    try:
        done = merging.merge_ideas(
            duplicate, kept, current_user, form.message.data or "", form.message_language.data
        )
    except RuleError as error:
        (form[error.field].errors if error.field else form.form_errors).append(error.message)
        try:
            plan = merging.plan_merge(duplicate, kept, current_user)
        except RuleError as still:
            return _choose_page(duplicate, still.message)
        return _confirm_page(plan, form, status=400)
    flash(
        ngettext(
            "Merged. %(num)s vote moved to the idea that stays.",
            "Merged. %(num)s votes moved to the idea that stays.",
            done.moving,
        )
    )
    return redirect(url_for("moderation.idea", idea_id=kept.id), code=303)
