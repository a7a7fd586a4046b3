"""One delivery attempt: sign, POST, record the attempt, schedule the next on failure."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from moderation.config import Settings
from moderation.models.base import utcnow
from moderation.models.tenant import Tenant
from moderation.models.webhook import WebhookAttempt, WebhookDelivery
from moderation.webhooks import address, signing

MAX_BACKOFF_SECONDS = 3600.0
USER_AGENT = "moderation-webhooks/1"


@dataclass(frozen=True)
class Response:
    """What one HTTP attempt produced."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact JSON, keys sorted, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def backoff(settings: Settings, attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based): doubling, capped."""
    return float(min(settings.webhook_backoff_seconds * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other: not followed (it would turn the POST into GET)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Response:
    """POST `body`; never raises for network or HTTP errors (3xx counts as a failure)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=timeout) as response:
            code, error = int(response.status), None
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        code, error = None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    return Response(code, error, int((time.monotonic() - started) * 1000))


def deliver(sessions: sessionmaker[Session], settings: Settings, delivery_id: str) -> str:
    """Attempt the delivery once if it is still pending and due; returns what happened."""
    with sessions() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status != "pending":
            return "nothing to do"
        if delivery.next_attempt_at > utcnow() + timedelta(seconds=1):
            return "not due yet"
        tenant = session.get(Tenant, delivery.tenant_id)
        secret = tenant.webhook_secret if tenant is not None else ""
        url, payload, number = delivery.url, delivery.payload, delivery.attempts + 1
        event_name = delivery.event
    body = body_of(payload)
    signature = signing.sign(secret, body)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.HEADER: signature,
        "X-Moderation-Event": event_name,
        "X-Moderation-Delivery": delivery_id,
        "X-Moderation-Attempt": str(number),
    }
    started_at = utcnow()
    refused = address.refusal(url, settings.webhook_allow_private_networks)
    if refused:
        result = Response(None, refused, 0)
    else:
        result = post(url, body, headers, settings.webhook_timeout_seconds)
    return _record(sessions, settings, delivery_id, number, started_at, signature, result)


def _record(
    sessions: sessionmaker[Session],
    settings: Settings,
    delivery_id: str,
    number: int,
    started_at: Any,
    signature: str,
    result: Response,
) -> str:
    """Store the attempt and move the delivery on: delivered, retry later, or failed."""
    now = utcnow()
    values: dict[str, Any] = {"attempts": number, "last_error": result.error}
    if result.ok:
        values.update(status="delivered", delivered_at=now)
        outcome = "delivered"
    elif number >= settings.webhook_max_attempts:
        values.update(status="failed")
        outcome = f"failed after {number} attempts"
    else:
        delay = backoff(settings, number)
        values.update(next_attempt_at=now + timedelta(seconds=delay))
        outcome = f"attempt {number} failed ({result.error}); next in {delay:g}s"
    with sessions() as session:
        session.add(
            WebhookAttempt(
                delivery_id=delivery_id,
                number=number,
                started_at=started_at,
                duration_ms=result.duration_ms,
                status_code=result.status_code,
                error=result.error,
                signature=signature,
            )
        )
        # Only the attempt that saw `number - 1` moves the delivery on (concurrent duplicates).
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.attempts == number - 1)
            .values(**values)
        )
        session.commit()
    return outcome
