"""The Alembic migrations build exactly the schema the models describe."""

from datetime import UTC, datetime

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db
from app.models import compared_by_autogenerate
from app.pseudonyms import name_skeleton
from app.search_text import searchable


# SQLite cannot reflect an index on an expression (lower(username)); PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migration_on_empty_database_matches_the_models(empty_database_uri):
    """Upgrading an empty database leaves nothing for autogenerate to add or change."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_uri, "SECRET_KEY": "test"})
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_object": compared_by_autogenerate,
                },
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrading_gives_every_existing_account_its_name_skeleton(empty_database_uri):
    """Accounts from before name skeletons get theirs; names stay unique in any letter case."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_uri, "SECRET_KEY": "test"})
    names = ["Jane_Smith", "library_staff", "river-fox2", "12345"]
    with app.app_context():
        flask_migrate.upgrade(revision="422b476ece98")
        with db.engine.begin() as connection:
            for name in names:
                connection.execute(
                    text(
                        "INSERT INTO users (username, password_hash, role, language, active,"
                        " created_at) VALUES (:name, 'x', 'staff', 'en', true, :now)"
                    ),
                    {"name": name, "now": datetime.now(UTC)},
                )
        flask_migrate.upgrade()
        with db.engine.begin() as connection:
            rows = connection.execute(text("SELECT username, name_skeleton FROM users ORDER BY id"))
            assert rows.all() == [(name, name_skeleton(name)) for name in names]
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (username, name_skeleton, password_hash, role, language,"
                    " active, created_at) VALUES ('JANE_SMITH', 'x', 'x', 'staff', 'en', true,"
                    " :now)"
                ),
                {"now": datetime.now(UTC)},
            )
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrading_gives_every_existing_idea_its_searchable_words_and_english(empty_database_uri):
    """Ideas from before languages are in English, and are found however their letters are
    written: their searchable words are worked out by the app's own rule."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_uri, "SECRET_KEY": "test"})
    ideas = [("نَادِي الشِّطْرَنْج", "كتب"), ("КЛУБ шахів", "Для всіх"), ("Chess club", "Fridays")]
    now = {"now": datetime.now(UTC)}
    with app.app_context():
        flask_migrate.upgrade(revision="c7a4e2f19b63")
        with db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO library_services (name, created_at) VALUES ('Riverside', :now)"),
                now,
            )
            connection.execute(
                text(
                    "INSERT INTO consultations (library_service_id, question, description, phase,"
                    " created_at) VALUES (1, 'What next?', '', 'voting_open', :now)"
                ),
                now,
            )
            for title, description in ideas:
                connection.execute(
                    text(
                        "INSERT INTO ideas (consultation_id, title, description, status,"
                        " vote_count, vote_seq, held_for_personal_info, created_at, updated_at)"
                        " VALUES (1, :title, :description, 'published', 0, 0, false, :now, :now)"
                    ),
                    {"title": title, "description": description, **now},
                )
        flask_migrate.upgrade()
        with db.engine.begin() as connection:
            rows = connection.execute(text("SELECT search_text, language FROM ideas ORDER BY id"))
            assert rows.all() == [(searchable(f"{t}\n{d}"), "en") for t, d in ideas]
        assert searchable("نَادِي الشِّطْرَنْج") == "نادی الشطرنج"
        with db.engine.begin() as connection:  # early revisions want every idea's author
            for table in ("ideas", "consultations", "library_services"):
                connection.execute(text(f"DELETE FROM {table}"))
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()
