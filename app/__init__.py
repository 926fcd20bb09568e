"""The application factory: settings, extensions, blueprints, commands and error pages."""

from pathlib import Path

from flask import Flask
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from app.config import Config, disclosure_threshold, public_url
from app.extensions import babel, compress, csrf, db, login_manager, migrate
from app.i18n import _l, init_template_translations
from app.instance import private_folder, private_sqlite_file, secret_key
from app.languages import check_catalogues, init_languages, offered_languages, select_locale
from app.limits import init_limits
from app.models.types import ROW_ID_MAX

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Sent with every response, pages and static files alike.
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides settings (tests use it)."""
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
        instance_path=str(root / "instance"),
    )
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    _default_settings(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(root / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_template_translations(app)
    init_languages(app)
    compress.init_app(app)

    from app.assets import init_static_files
    from app.live import init_live

    init_live(app)

    headers = _security_headers(app)
    init_static_files(app, headers)
    _register_blueprints(app)
    init_limits(app)
    _register_template_helpers(app)
    _register_security_headers(app, headers)
    from app.web import refuse_unusable_input

    app.before_request(refuse_unusable_input)

    from app.cli import register_commands
    from app.errors import register_error_handlers

    register_error_handlers(app)
    register_commands(app)
    return app


def _default_settings(app: Flask) -> None:
    """Fill in what is not set: an embedded database, a secret key, HTTPS-only cookie names;
    check the public address and the disclosure threshold.

    The instance folder, the embedded database and the secret key are kept from other
    accounts on the machine (app/instance.py).
    """
    private_folder(Path(app.instance_path))
    if not isinstance(app.config["LANGUAGES"], dict):
        app.config["LANGUAGES"] = offered_languages(app.config["LANGUAGES"])
    check_catalogues(app)
    app.config["PUBLIC_URL"] = public_url(app.config["PUBLIC_URL"])
    app.config["DISCLOSURE_THRESHOLD"] = disclosure_threshold(app.config["DISCLOSURE_THRESHOLD"])
    if app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_NAME"] == "session":
        # Behind HTTPS the cookie's name asks browsers to take it only from this very host,
        # over HTTPS, for every path: no other site or subdomain can set or shadow it.
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
        app.config["REMEMBER_COOKIE_SECURE"] = True
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'app.db'}"
    private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"], Path(app.instance_path))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Waiting for SQLite's write lock beats failing a vote with "database is locked".
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "connect_args": {"timeout": 30},
        }
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secret_key(Path(app.instance_path))


class RowIdConverter(IntegerConverter):
    """`<int:...>` in routes stops at the largest database integer: a huge id is not found."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(url_map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    """Attach one blueprint per area of the platform."""
    app.url_map.converters["int"] = RowIdConverter
    from app.account import bp as account_bp
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.codesign import bp as codesign_bp
    from app.evidence import bp as evidence_bp
    from app.evidence.public import bp as evidence_public_bp
    from app.ideas import bp as ideas_bp
    from app.joincodes import bp as joincodes_bp
    from app.moderation import bp as moderation_bp
    from app.notices import bp as notices_bp
    from app.reports import bp as reports_bp
    from app.review import bp as review_bp
    from app.safeguarding import bp as safeguarding_bp
    from app.wording import bp as wording_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(ideas_bp)
    app.register_blueprint(moderation_bp, url_prefix="/staff")
    # Young people report at /ideas/<id>/report; staff decide under /staff/reports.
    app.register_blueprint(reports_bp)
    app.register_blueprint(review_bp, url_prefix="/review")
    app.register_blueprint(evidence_bp, url_prefix="/evidence")
    # What anyone may read lives outside /evidence: "Our year in numbers" and published packs.
    app.register_blueprint(evidence_public_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(codesign_bp, url_prefix="/codesign")
    app.register_blueprint(safeguarding_bp, url_prefix="/safeguarding")
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(notices_bp, url_prefix="/notices")
    app.register_blueprint(joincodes_bp)  # staff pages under /staff/join-codes; /join/<code>
    # Readers suggest wording at /wording/suggest; admins read them under /admin/wording.
    app.register_blueprint(wording_bp)

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"


def _register_template_helpers(app: Flask) -> None:
    """Give every template the labels, the vote rule, page links, plain words and the language."""

    from app import labels
    from app.access import acts_in
    from app.dates import opening_words
    from app.ideas.journey import idea_journey
    from app.ideas.languages import name_in_english, name_in_itself, reading
    from app.ideas.services import can_vote_on
    from app.languages import bcp47
    from app.outcome_plain_words import plain_words
    from app.pagination import page_url
    from app.web import is_wide_page

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        {name: value for name, value in vars(labels).items() if name.endswith("_LABELS")},
        acts_in=acts_in,
        can_vote_on=can_vote_on,
        idea_journey=idea_journey,
        opening_words=opening_words,
        page_url=page_url,
        is_wide_page=is_wide_page,
        language_name=name_in_itself,
        language_name_in_english=name_in_english,
        reading=reading,
    )
    app.jinja_env.filters["plain_words"] = plain_words
    app.jinja_env.filters["bcp47"] = bcp47


def _security_headers(app: Flask) -> dict[str, str]:
    """The headers every response carries; behind HTTPS, browsers are told to keep to it."""
    if not app.config["SESSION_COOKIE_SECURE"]:
        return SECURITY_HEADERS
    return {**SECURITY_HEADERS, "Strict-Transport-Security": "max-age=31536000"}


def _register_security_headers(app: Flask, headers: dict[str, str]) -> None:
    """Every response forbids inline script and any request to another site."""

    @app.after_request
    def add_headers(response):
        """Security headers on every response; signed-in pages are never cached."""
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if current_user and current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response
