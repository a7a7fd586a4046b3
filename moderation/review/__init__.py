"""The reviewer workspace (web UI) and review services."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """The workspace's blueprints, in registration order."""
    from moderation.review.web import make_blueprint

    return [make_blueprint()]
