"""`report summary`: an HTML compliance report for a period, with inline SVG charts.

Volume by day, by category, by action, time to decision, plus evidence, incident and export
activity. Rows are streamed from the database; only counters are kept in memory.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html import escape
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.models.records import EvidenceRecord, ExportJob, IncidentReport
from moderation.models.submission import Submission, Verdict
from moderation.records.evidence import blocking_categories
from moderation.records.svg import column_chart, hbar_chart, page_start, table

BUCKETS = (
    (0.1, "<100 ms"),
    (0.5, "<500 ms"),
    (1, "<1 s"),
    (5, "<5 s"),
    (60, "<1 min"),
    (3600, "<1 h"),
    (86400, "<1 d"),
    (float("inf"), "≥1 d"),
)


@dataclass
class Summary:
    """Counters for one period."""

    start: date
    end: date
    tenant_id: str | None
    by_day: Counter[str] = field(default_factory=Counter)
    by_action: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    latency: Counter[str] = field(default_factory=Counter)
    seconds: array[float] = field(default_factory=lambda: array("d"))
    evidence: Counter[str] = field(default_factory=Counter)
    incidents: Counter[str] = field(default_factory=Counter)
    exports: int = 0

    def percentile(self, q: float) -> float | None:
        if not self.seconds:
            return None
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _range(start: date, end: date) -> tuple[datetime, datetime]:
    if end < start:
        raise ValueError("--to must not be before --from")
    return (
        datetime.combine(start, datetime.min.time(), UTC),
        datetime.combine(end + timedelta(days=1), datetime.min.time(), UTC),
    )


def collect(session: Session, start: date, end: date, tenant_id: str | None = None) -> Summary:
    """Count what happened between `start` and `end` (inclusive days, UTC)."""
    lo, hi = _range(start, end)
    summary = Summary(start, end, tenant_id)
    query = (
        select(
            Submission.received_at,
            Submission.decided_at,
            Verdict.action,
            Verdict.hits,
            Verdict.findings,
            Verdict.reasons,
            Verdict.categories,
        )
        .outerjoin(Verdict, Verdict.submission_id == Submission.id)
        .where(Submission.received_at >= lo, Submission.received_at < hi)
    )
    if tenant_id:
        query = query.where(Submission.tenant_id == tenant_id)
    for row in session.execute(query.execution_options(yield_per=2000)):
        summary.by_day[row.received_at.date().isoformat()] += 1
        summary.by_action[row.action or "pending"] += 1
        if row.action in ("block", "review"):
            verdict = SimpleNamespace(
                hits=row.hits, findings=row.findings, reasons=row.reasons, categories=row.categories
            )
            for code in blocking_categories(verdict):  # type: ignore[arg-type]
                summary.by_category[code] += 1
        if row.decided_at is not None:
            seconds = max(0.0, (row.decided_at - row.received_at).total_seconds())
            summary.seconds.append(seconds)
            summary.latency[next(label for limit, label in BUCKETS if seconds < limit)] += 1
    _collect_records(session, summary, lo, hi)
    return summary


def _collect_records(session: Session, summary: Summary, lo: datetime, hi: datetime) -> None:
    tenant = summary.tenant_id
    ev = select(EvidenceRecord.kind, func.count()).where(
        EvidenceRecord.decided_at >= lo, EvidenceRecord.decided_at < hi
    )
    inc = select(IncidentReport.status, func.count()).where(
        IncidentReport.created_at >= lo, IncidentReport.created_at < hi
    )
    exp = (
        select(func.count())
        .select_from(ExportJob)
        .where(ExportJob.created_at >= lo, ExportJob.created_at < hi)
    )
    if tenant:
        ev = ev.where(EvidenceRecord.tenant_id == tenant)
        inc = inc.where(IncidentReport.tenant_id == tenant)
        exp = exp.where(ExportJob.tenant_id == tenant)
    summary.evidence.update(
        {str(k): int(n) for k, n in session.execute(ev.group_by(EvidenceRecord.kind))}
    )
    summary.incidents.update(
        {str(k): int(n) for k, n in session.execute(inc.group_by(IncidentReport.status))}
    )
    summary.exports = int(session.scalar(exp) or 0)


def _days(summary: Summary) -> list[tuple[str, float]]:
    days, day = [], summary.start
    while day <= summary.end:
        days.append((day.isoformat(), float(summary.by_day.get(day.isoformat(), 0))))
        day += timedelta(days=1)
    return days


def _fmt_seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def render(summary: Summary, tenant_name: str | None = None) -> str:
    """The summary as one self-contained HTML page."""
    total = sum(summary.by_action.values())
    scope = escape(tenant_name or summary.tenant_id or "全部租户 all tenants")
    overview = [
        ["期间 Period", f"{summary.start} – {summary.end}"],
        ["范围 Scope", scope],
        ["提交总数 Submissions", str(total)],
        *[[f"处置 Action: {k}", str(v)] for k, v in sorted(summary.by_action.items())],
        ["决定时间中位数 Median time to decision", _fmt_seconds(summary.percentile(0.5))],
        ["决定时间 P95 time to decision", _fmt_seconds(summary.percentile(0.95))],
        *[[f"证据记录 Evidence: {k}", str(v)] for k, v in sorted(summary.evidence.items())],
        *[[f"事件报告 Incidents: {k}", str(v)] for k, v in sorted(summary.incidents.items())],
        ["证据导出 Exports", str(summary.exports)],
    ]
    latency = [(label, float(summary.latency.get(label, 0))) for _, label in BUCKETS]
    parts: list[Any] = [
        page_start("合规月度报告 Compliance summary"),
        "<h1>合规汇总报告 / Compliance summary report</h1>\n",
        "<h2>概览 / Overview</h2>\n",
        table(["项目 Item", "数值 Value"], overview),
        "\n<h2>每日提交量 / Volume by day</h2>\n",
        column_chart(_days(summary)),
        "\n<h2>按类别 / By category (block + review)</h2>\n",
        hbar_chart([(k, float(v)) for k, v in summary.by_category.most_common()]),
        "\n<h2>按处置 / By action</h2>\n",
        hbar_chart([(k, float(v)) for k, v in summary.by_action.most_common()]),
        "\n<h2>决定用时 / Time to decision</h2>\n",
        hbar_chart(latency),
        "\n</body></html>\n",
    ]
    return "".join(parts)
