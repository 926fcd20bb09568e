"""Routes of the QLP practice guide: the page, and its download as one self-contained file."""

from pathlib import Path

from flask import current_app, make_response, render_template, request
from flask_login import current_user
from markupsafe import Markup

from app.audit import record
from app.codesign.services import today
from app.evidence import bp
from app.evidence.coverage import Scope
from app.evidence.disclosure import current_threshold
from app.evidence.filters import (
    chosen_library_services,
    offer_library_services,
    readable_library_services,
)
from app.evidence.forms import GuideFilterForm
from app.evidence.guide import Guide, practice_guide
from app.extensions import db
from app.web import render

# The guide's own stylesheet: linked from the page, written into the downloaded file.
STYLESHEET = Path("css") / "guide.css"


def _filter() -> tuple[GuideFilterForm, Scope | None]:
    """The filter form with the library services this person may choose, and its scope.

    The scope is None when the filter was not understood.
    """
    library_services, readable = readable_library_services(current_user)
    form = GuideFilterForm(request.args)
    offer_library_services(form.library_service, library_services)
    if not form.validate():
        return form, None
    ids = chosen_library_services(form.library_service.data, library_services, readable)
    return form, Scope(ids, start=form.start.data, end=form.end.data)


def _arguments(form: GuideFilterForm) -> dict:
    """The filter as address arguments, for the download's address."""
    return {
        "library_service": form.library_service.data,
        "start": form.start.data.isoformat() if form.start.data else None,
        "end": form.end.data.isoformat() if form.end.data else None,
    }


@bp.route("/guide")
def guide():
    """The practice guide: a case study of each delivered or mainstreamed service, to print."""
    form, scope = _filter()
    if scope is None:
        return render(
            "evidence/guide.html",
            form=form,
            guide=None,
            threshold=current_threshold(),
            status=400,
        )
    return render(
        "evidence/guide.html",
        form=form,
        guide=practice_guide(scope),
        threshold=current_threshold(),
        arguments=_arguments(form),
    )


def _stylesheet() -> Markup:
    """The guide's stylesheet as it is now, to write into the downloaded file.

    Our own file, which holds no "</": it cannot end the <style> element early.
    """
    return Markup((Path(current_app.static_folder) / STYLESHEET).read_text(encoding="utf-8"))


def _audited(guide: Guide) -> None:
    """Record who downloaded the guide, and what it held."""
    scope = guide.scope
    ids = scope.library_service_ids
    record(
        current_user,
        "evidence.guide_download",
        current_user,
        library_services=None if ids is None else sorted(ids),
        start=scope.start.isoformat() if scope.start else None,
        end=scope.end.isoformat() if scope.end else None,
        services=[case.service.id for case in guide.cases],
    )
    db.session.commit()


@bp.post("/guide/download")
def download_guide():
    """The guide as one HTML file, its styles written in, to share with other authorities."""
    form, scope = _filter()
    if scope is None:
        return render(
            "evidence/guide.html", form=form, guide=None, threshold=current_threshold(), status=400
        )
    guide = practice_guide(scope)
    html = render_template(
        "evidence/guide_download.html",
        guide=guide,
        threshold=current_threshold(),
        stylesheet=_stylesheet(),
        made_on=today(),
    )
    _audited(guide)
    response = make_response(html)
    response.content_type = "text/html; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="qlp-practice-guide-{today().isoformat()}.html"'
    )
    return response
