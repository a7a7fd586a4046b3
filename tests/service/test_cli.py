"""The service commands: tenants and keys (shown once, stored hashed), db upgrade, worker,
and `moderation serve` with nothing configured answering a real HTTP request."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from moderation.cli import main
from moderation.models.tenant import ApiKey, Tenant
from moderation.tenancy import authenticate, hash_key
from tests.service.conftest import ROOT, wait_until, worker_env

KEY = re.compile(r"mod_[A-Za-z0-9_-]{20,}")


@pytest.fixture
def cli(runtime):  # type: ignore[no-untyped-def]
    env = worker_env(runtime.settings)

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    def fail(*args: str) -> str:
        result = CliRunner().invoke(main, list(args), env=env)
        assert result.exit_code != 0
        return result.output

    run.fail = fail  # type: ignore[attr-defined]
    return run


def test_it_creates_a_tenant_and_shows_its_key_once(cli, session):
    output = cli("tenant", "create", "acme", "--webhook-url", "https://acme.example/hook")
    [key] = KEY.findall(output)
    tenant = session.scalar(select(Tenant).where(Tenant.name == "acme"))
    assert tenant is not None and tenant.webhook_url == "https://acme.example/hook"
    stored = session.scalar(select(ApiKey).where(ApiKey.tenant_id == tenant.id))
    assert (
        stored is not None
        and stored.key_hash == hash_key(key)
        and key not in output.replace(key, "", 1)
    )
    assert "already exists" in cli.fail("tenant", "create", "acme")  # type: ignore[attr-defined]


def test_it_creates_and_revokes_keys(cli, session):
    cli("tenant", "create", "acme")
    output = cli("key", "create", "acme", "--role", "compliance")
    [key] = KEY.findall(output)
    found = authenticate(session, key)
    assert found is not None and found.role == "compliance"
    cli("key", "revoke", key[:12])
    session.expire_all()
    assert authenticate(session, key) is None
    assert "no tenant" in cli.fail("key", "create", "nobody")  # type: ignore[attr-defined]
    assert "no API key" in cli.fail("key", "revoke", "mod_nothing")  # type: ignore[attr-defined]


def test_it_names_a_bad_setting(cli, runtime):
    result = CliRunner().invoke(
        main,
        ["tenant", "create", "x"],
        env={**worker_env(runtime.settings), "MODERATION_MAX_BATCH": "lots"},
    )
    assert result.exit_code != 0 and "MODERATION_MAX_BATCH='lots'" in result.output


def test_it_upgrades_an_empty_database(tmp_path, runtime):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    env = {**worker_env(runtime.settings), "MODERATION_DATABASE_URL": url}
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env, catch_exceptions=False)
    assert result.exit_code == 0 and "database at head" in result.output
    result = CliRunner().invoke(main, ["tenant", "create", "fresh"], env=env)
    assert result.exit_code == 0, result.output


def test_it_works_the_queues_in_burst_mode(client, make_tenant, runtime):
    acme = make_tenant()
    sid = client.post(
        "/v1/moderations", json={"text": "你好，今天天气不错"}, headers=acme.headers
    ).get_json()["id"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "worker.py"), "--burst", "--no-sweeper"],
        env=worker_env(runtime.settings),
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert (
        client.get(f"/v1/moderations/{sid}", headers=acme.headers).get_json()["action"] == "allow"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _http(method: str, url: str, body: dict | None = None, key: str = "") -> tuple[int, dict]:  # type: ignore[type-arg]
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    with urllib.request.urlopen(request, timeout=15) as response:
        return response.status, json.loads(response.read())


@pytest.mark.slow
def test_it_serves_embedded_with_nothing_configured(tmp_path: Path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    env["MODERATION_INSTANCE_DIR"] = str(tmp_path / "instance")
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "moderation"), "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: KEY.search(log.read_text()), timeout=60, step=0.2)
        key = KEY.search(log.read_text()).group(0)  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}/v1"
        wait_until(lambda: _try_health(base), timeout=60, step=0.2)
        status, body = _http("POST", f"{base}/moderations", {"text": "出售冰毒", "wait": 10}, key)
        assert status == 200 and body["verdict"]["action"] == "block", body
        assert (tmp_path / "instance" / "moderation.db").exists()
        assert (tmp_path / "instance" / "redis.sock").exists()
        assert (tmp_path / "instance" / "evidence_signing_key.pem").exists()
    finally:
        server.terminate()
        server.wait(timeout=60)
    workers = [
        pid for pid in os.listdir("/proc") if pid.isdigit() and str(tmp_path) in _environ(int(pid))
    ]
    assert workers == [], "worker processes outlived `moderation serve`"
    servers = [
        pid for pid in os.listdir("/proc") if pid.isdigit() and str(tmp_path) in _cmdline(pid)
    ]
    assert servers == [], "the embedded Redis server outlived `moderation serve`"


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def _environ(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def _try_health(base: str) -> bool:
    try:
        return _http("GET", f"{base}/health")[0] == 200
    except OSError:
        return False


def test_it_refuses_an_invalid_default_policy(runtime):
    env = {**worker_env(runtime.settings), "MODERATION_DEFAULT_POLICY": '{"block": 1}'}
    result = CliRunner().invoke(main, ["tenant", "create", "x"], env=env)
    assert result.exit_code != 0 and "MODERATION_DEFAULT_POLICY" in result.output
    assert "unknown policy key 'block'" in result.output


def test_it_sets_a_validated_tenant_policy(cli, session):
    cli("tenant", "create", "acme")
    output = cli("tenant", "update", "acme", "--policy", '{"fail_closed": false}')
    assert '"fail_closed": false' in output
    tenant = session.scalar(select(Tenant).where(Tenant.name == "acme"))
    assert tenant is not None and tenant.policy == {"fail_closed": False}
    bad = cli.fail("tenant", "update", "acme", "--policy", '{"fail": 1}')  # type: ignore[attr-defined]
    assert "unknown policy key 'fail'" in bad
    assert "Expecting" in cli.fail("tenant", "update", "acme", "--policy", "{")  # type: ignore[attr-defined]


def test_it_requires_shared_secrets_with_a_shared_database(tmp_path):
    env = {
        "MODERATION_INSTANCE_DIR": str(tmp_path),
        "MODERATION_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1/none",
    }
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code != 0 and "MODERATION_FIELD_KEYS" in result.output
    assert "moderation secrets" in result.output
    lines = CliRunner().invoke(main, ["secrets"]).output.split()
    env.update(line.split("=", 1) for line in lines)  # type: ignore[arg-type]
    from moderation.config import Settings

    settings = Settings.from_env(env)
    assert len(settings.field_keys["k1"]) == 32 and len(settings.blind_index_key) == 32
