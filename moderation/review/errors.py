"""Errors raised by the review services; the web and API layers turn them into responses."""

from __future__ import annotations


class ReviewError(ValueError):
    """A review operation cannot be done; the message says why."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(ReviewError):
    """The item, post or account does not exist in this tenant."""

    status = 404


class Conflict(ReviewError):
    """Someone else holds the item, or it was already decided."""

    status = 409


class Forbidden(ReviewError):
    """The account's role or relation to the item does not allow this."""

    status = 403
