"""Delivering incident reports: to a folder (JSON + HTML) or an HTTP endpoint, with retries.

Every attempt, failed or not, is a `ReportDelivery` row. A successful delivery moves a draft to
"submitted". Targets: `folder:/path` (or a plain path) and `http(s)://...`; the default comes
from MODERATION_INCIDENT_DELIVERY, else the folder instance/incidents.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from moderation.models.base import utcnow
from moderation.models.records import IncidentReport, ReportDelivery
from moderation.records import incidents
from moderation.records.svg import page_start, table

TARGET_VAR = "MODERATION_INCIDENT_DELIVERY"


class DeliveryFailed(RuntimeError):
    """One attempt failed; `status_code` is the HTTP status when there was one."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class Delivery(Protocol):
    """Where reports go. `send` returns an HTTP status (or None) or raises DeliveryFailed."""

    attempts: int

    @property
    def target(self) -> str: ...

    def send(self, document: dict[str, Any], html: str) -> int | None: ...


@dataclass
class FolderDelivery:
    """Writes `<id>.json` and `<id>.html` into a folder (e.g. a share an officer uploads from)."""

    folder: Path
    attempts: int = 1

    @property
    def target(self) -> str:
        return f"folder:{self.folder}"

    def send(self, document: dict[str, Any], html: str) -> int | None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for suffix, data in (
                (".json", json.dumps(document, ensure_ascii=False, indent=2)),
                (".html", html),
            ):
                path = self.folder / f"incident-{document['id']}{suffix}"
                tmp = path.with_name(path.name + ".tmp")
                tmp.write_text(data, encoding="utf-8")
                tmp.replace(path)
        except OSError as exc:
            raise DeliveryFailed(f"cannot write to {self.folder}: {exc}") from None
        return None


@dataclass
class HttpDelivery:
    """POSTs the JSON document; 2xx is success, anything else is retried."""

    url: str
    attempts: int = 5
    timeout: float = 10.0

    @property
    def target(self) -> str:
        return self.url

    def send(self, document: dict[str, Any], html: str) -> int | None:
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            raise DeliveryFailed(f"HTTP {exc.code} from {self.url}", exc.code) from None
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryFailed(f"cannot reach {self.url}: {exc}") from None


def delivery_for(target: str | None, instance_dir: Path) -> Delivery:
    """The delivery for a target string (or the configured default)."""
    target = target or os.environ.get(TARGET_VAR) or f"folder:{instance_dir / 'incidents'}"
    if target.startswith(("http://", "https://")):
        return HttpDelivery(target)
    return FolderDelivery(Path(target.removeprefix("folder:")))


def render_html(document: dict[str, Any]) -> str:
    """The report as a bilingual HTML page."""
    poster = document.get("poster") or {}
    rows = [
        ["编号 Report id", document["id"]],
        ["状态 Status", document["status"]],
        ["类别 Category", document["category"]],
        ["平台 Platform", str(document["platform"].get("name"))],
        ["发布位置 Where", json.dumps(poster.get("context") or {}, ensure_ascii=False)],
        ["发布时间 Occurred at", document.get("occurred_at") or "—"],
        ["处置时间 Decided at", document.get("decided_at") or "—"],
        ["发布者 Posted by", str(poster.get("author_id"))],
        ["IP / 设备 Device", f"{poster.get('author_ip')} / {poster.get('author_device_id')}"],
        ["已采取措施 Actions taken", "；".join(document["actions_taken"])],
        ["证据记录 Evidence records", ", ".join(document["evidence_record_ids"])],
    ]
    return (
        page_start("违法信息报告 Incident report")
        + "<h1>违法信息报告 / Incident report</h1>\n<h2>概要 / Details</h2>\n"
        + table(["项目 Item", "内容 Value"], rows)
        + "\n<h2>内容 / Content</h2>\n<pre>"
        + escape(document.get("content") or "（已删除 / deleted）")
        + "</pre>\n</body></html>\n"
    )


def deliver(
    session: Session,
    report_id: str,
    delivery: Delivery,
    *,
    actor: str = "system",
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[IncidentReport, bool]:
    """Try to deliver, retrying with exponential backoff; every attempt is recorded.

    Returns (report, delivered). The caller commits in both cases, so failures stay on record.
    """
    report = incidents.get(session, report_id)
    document = incidents.document(session, report, actor=actor)
    html = render_html(document)
    for attempt in range(1, delivery.attempts + 1):
        row = ReportDelivery(report_id=report.id, attempt=attempt, target=delivery.target)
        session.add(row)
        try:
            row.status_code = delivery.send(document, html)
            row.ok = True
        except DeliveryFailed as exc:
            row.error, row.status_code = str(exc), exc.status_code
        session.flush()
        if row.ok:
            if report.status == "draft":
                report.status, report.submitted_at = "submitted", utcnow()
            return report, True
        if attempt < delivery.attempts:
            sleep(backoff * 2 ** (attempt - 1))
    return report, False
