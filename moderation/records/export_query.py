"""Which evidence records an export covers: filters, validation, and a streaming query."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.models.records import CaseLink, EvidenceRecord
from moderation.records.evidence import author_index


class ExportError(ValueError):
    """An export request is invalid (names the field) or cannot be produced."""


@dataclass(frozen=True)
class ExportFilters:
    """What to export. Dates are inclusive days (UTC); `author` is the plain author id."""

    tenant_id: str
    date_from: str | None = None
    date_to: str | None = None
    category: str | None = None
    author: str | None = None
    case: str | None = None

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None:
                parse_day(value, name)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ExportError("date_from must not be after date_to")

    def to_manifest(self) -> dict[str, Any]:
        """The filters as recorded in the manifest (the author as its blind index, not plain)."""
        data = asdict(self)
        data["author"] = author_index(self.tenant_id, self.author) if self.author else None
        return data


def parse_day(value: str, name: str = "date") -> date:
    """A YYYY-MM-DD day, or ExportError naming the field."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ExportError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None


def _bounds(filters: ExportFilters) -> tuple[datetime | None, datetime | None]:
    start = end = None
    if filters.date_from:
        start = datetime.combine(parse_day(filters.date_from), datetime.min.time(), UTC)
    if filters.date_to:
        end = datetime.combine(parse_day(filters.date_to), datetime.min.time(), UTC)
        end += timedelta(days=1)
    return start, end


def _where(query: Any, filters: ExportFilters, last_seq: int) -> Any:
    table = EvidenceRecord.__table__
    query = query.where(table.c.tenant_id == filters.tenant_id, table.c.seq <= last_seq)
    start, end = _bounds(filters)
    if start is not None:
        query = query.where(table.c.decided_at >= start)
    if end is not None:
        query = query.where(table.c.decided_at < end)
    if filters.category:
        query = query.where(table.c.categories.like(f"%,{filters.category},%"))
    if filters.author:
        query = query.where(table.c.author_hash == author_index(filters.tenant_id, filters.author))
    if filters.case:
        linked = select(CaseLink.record_id).where(
            CaseLink.case_ref == filters.case, CaseLink.tenant_id == filters.tenant_id
        )
        query = query.where(table.c.id.in_(linked))
    return query


def count(session: Session, filters: ExportFilters, last_seq: int) -> tuple[int, int | None]:
    """(number of matching records, their lowest seq)."""
    table = EvidenceRecord.__table__
    query = _where(select(func.count(), func.min(table.c.seq)), filters, last_seq)
    total, first = session.execute(query).one()
    return int(total), first


def stream(session: Session, filters: ExportFilters, last_seq: int) -> Iterator[Any]:
    """Matching record rows in chain order, fetched in batches (bounded memory)."""
    table = EvidenceRecord.__table__
    query = _where(select(table), filters, last_seq).order_by(table.c.seq)
    yield from session.execute(query.execution_options(yield_per=500))


def stream_segment(session: Session, tenant_id: str, first: int, last: int) -> Iterator[Any]:
    """(seq, body) of every record of the tenant's chain in [first, last], in order."""
    table = EvidenceRecord.__table__
    query = (
        select(table.c.seq, table.c.body)
        .where(table.c.tenant_id == tenant_id, table.c.seq.between(first, last))
        .order_by(table.c.seq)
    )
    yield from session.execute(query.execution_options(yield_per=2000))


def prev_hash_at(session: Session, tenant_id: str, seq: int) -> str:
    """The prev_hash of the record at `seq` (the anchor of an exported segment)."""
    value = session.scalar(
        select(EvidenceRecord.prev_hash).where(
            EvidenceRecord.tenant_id == tenant_id, EvidenceRecord.seq == seq
        )
    )
    if value is None:
        raise ExportError(f"the chain has no record at seq {seq}")
    return value
