"""Command-line tasks: `flask outcomes load` and `flask demo load`."""

import click
from flask import Flask
from flask.cli import AppGroup

from app.seed import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    load_demo_data,
    load_national_partners,
    load_outcome_frameworks,
)

outcomes_cli = AppGroup("outcomes", help="The outcome frameworks ideas are linked to.")
demo_cli = AppGroup("demo", help="Demo content for trying the platform out.")


@outcomes_cli.command("load")
def load_outcomes_command():
    """Write the outcome frameworks and the Promise's national partners (safe to run again)."""
    count = load_outcome_frameworks()
    partners = load_national_partners()
    click.echo(f"Outcome frameworks loaded: {count} outcomes; {partners} national partners added.")


@demo_cli.command("load")
def load_demo_command():
    """Add demo data if the database has no accounts yet."""
    if load_demo_data():
        click.echo(f"Demo data loaded. Accounts (password '{DEMO_PASSWORD}'):")
        for name, role, _band in DEMO_ACCOUNTS:
            click.echo(f"  {name:15} {role.value}")
    else:
        click.echo("The database already has accounts; demo data not loaded.")


def register_commands(app: Flask) -> None:
    """Attach the command groups to the application."""
    app.cli.add_command(outcomes_cli)
    app.cli.add_command(demo_cli)
