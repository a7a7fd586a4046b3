"""WSGI entry point: `gunicorn wsgi:app` (configure with MODERATION_* variables)."""

from moderation.app import create_app
from moderation.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # a clear message instead of a traceback
    raise SystemExit(f"configuration error: {exc}") from None
