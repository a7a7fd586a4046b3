"""WSGI entry point: `gunicorn wsgi:app`."""

from moderation.app import create_app

app = create_app()
