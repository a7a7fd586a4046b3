"""The HTTP API under /v1."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """The API's blueprints, in registration order."""
    from moderation.api import (
        complaints,
        compliance,  # records domain: exports, evidence, incidents
        health,
        moderations,
        openapi,
    )

    return [moderations.bp, health.bp, openapi.bp, complaints.bp, compliance.bp]
