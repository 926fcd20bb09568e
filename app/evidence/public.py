"""Evidence anyone may read: published Best Value packs, by their link."""

from flask import Blueprint, abort

from app.evidence.packs import pack_by_token
from app.web import render

bp = Blueprint("evidence_public", __name__)


@bp.route("/packs/<token>")
def pack(token: str):
    """A published pack, read-only, for whoever has its link."""
    pack = pack_by_token(token) or abort(404)
    return render("evidence/pack_public.html", pack=pack, contents=pack.snapshot)
