"""Command-line tasks: outcomes, demo data, `flask backup` and `restore`, `flask retention`."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from app.backup import BackupError, restore_backup, write_backup
from app.retention import count_unused_accounts, purge_unused_accounts, unused_since
from app.seed import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    load_demo_data,
    load_national_partners,
    load_outcome_frameworks,
)

outcomes_cli = AppGroup("outcomes", help="The outcome frameworks ideas are linked to.")
demo_cli = AppGroup("demo", help="Demo content for trying the platform out.")
retention_cli = AppGroup("retention", help="Deleting what is kept no longer.")


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


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@with_appcontext
def backup_command(path: Path, force: bool):
    """Write every table's rows to PATH (gzip'd JSON lines) for `flask restore`."""
    try:
        summary = write_backup(path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {path}: {summary.describe()}.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path):
    """Load a backup made by `flask backup` into an empty database at the same revision."""
    try:
        summary = restore_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {path}: {summary.describe()}.")


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted, and delete nothing.")
def purge_command(dry_run: bool):
    """Delete young people's accounts unused for RETENTION_MONTHS months, and lapsed sign-ins."""
    since = unused_since()
    if dry_run:
        count = count_unused_accounts()
        click.echo(f"Would delete {count} accounts unused since {since:%Y-%m-%d}.")
    else:
        count = purge_unused_accounts()
        click.echo(f"Deleted {count} accounts unused since {since:%Y-%m-%d}.")


def register_commands(app: Flask) -> None:
    """Attach the command groups to the application."""
    app.cli.add_command(outcomes_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
