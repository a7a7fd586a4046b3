"""What the item page shows: highlighted text segments, masked findings, scores, history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.models.review import Appeal, Complaint, ReviewEvent, ReviewItem
from moderation.models.submission import Submission, Verdict
from moderation.review import complaints, events


@dataclass(frozen=True)
class Segment:
    """A run of the post's text: plain, a lexicon hit, or a (masked) detector finding."""

    text: str
    kind: str = "plain"  # plain | hit | finding
    category: str = ""
    term: str = ""
    severity: str = ""
    finding_index: int = -1


@dataclass
class ItemView:
    """Everything about one item, ready for the template."""

    item: ReviewItem
    post: Submission
    verdict: Verdict | None
    segments: list[Segment]
    hits: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    scores: list[dict[str, Any]]
    history: list[Submission]
    history_counts: dict[str, int]
    complaints: list[Complaint]
    events: list[ReviewEvent]
    appeal: Appeal | None
    categories: list[str] = field(default_factory=list)


def mask(value: str) -> str:
    """A masked form of personal data: keeps a little of each end when it is long."""
    if len(value) <= 4:
        return "•" * len(value)
    keep = 2 if len(value) < 11 else 3
    return value[:keep] + "•" * (len(value) - 2 * keep) + value[-keep:]


def segments_of(
    text: str, hits: list[dict[str, Any]], findings: list[dict[str, Any]]
) -> list[Segment]:
    """Split the text at hit and finding spans; findings win overlaps (they must stay masked)."""
    spans: list[tuple[int, int, int, dict[str, Any]]] = []
    for i, f in enumerate(findings):
        spans.append((int(f["start"]), int(f["end"]), i, f))
    taken = [(s, e) for s, e, _i, _f in spans]
    for h in hits:
        s, e = int(h["start"]), int(h["end"])
        if not any(s < te and ts < e for ts, te in taken):
            spans.append((s, e, -1, h))
            taken.append((s, e))
    spans.sort(key=lambda span: (span[0], -span[1]))
    out: list[Segment] = []
    pos = 0
    for start, end, index, data in spans:
        if start < pos or end > len(text) or start >= end:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        original = text[start:end]
        if index >= 0:
            out.append(
                Segment(
                    mask(original),
                    "finding",
                    str(data.get("category", "")),
                    str(data.get("kind", "")),
                    str(data.get("severity", "")),
                    index,
                )
            )
        else:
            out.append(
                Segment(
                    original,
                    "hit",
                    str(data.get("category", "")),
                    str(data.get("term", "")),
                    str(data.get("severity", "")),
                )
            )
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def build(session: Session, item: ReviewItem, categories: list[str]) -> ItemView:
    """Assemble the item page for a reviewer (personal data masked)."""
    post = session.get(Submission, item.submission_id)
    assert post is not None
    verdict = post.verdict
    hits = list(verdict.hits if verdict else []) + list(item.extra_hits or [])
    findings = list(verdict.findings if verdict else [])
    masked_findings = [{**f, "text": mask(str(f.get("text", "")))} for f in findings]
    history, counts = author_history(session, post)
    extra = sorted({str(h.get("category")) for h in hits} - set(categories))
    return ItemView(
        item=item,
        post=post,
        verdict=verdict,
        segments=segments_of(post.text or "", hits, findings),
        hits=hits,
        findings=masked_findings,
        scores=sorted(verdict.categories if verdict else [], key=lambda c: -float(c["score"])),
        history=history,
        history_counts=counts,
        complaints=complaints.for_submission(session, item.tenant_id, post.id),
        events=events.for_submission(session, item.tenant_id, post.id),
        appeal=session.scalar(select(Appeal).where(Appeal.item_id == item.id)),
        categories=[*categories, *extra],
    )


def author_history(
    session: Session, post: Submission, limit: int = 10
) -> tuple[list[Submission], dict[str, int]]:
    """The author's other posts on this tenant (newest first) and counts by action."""
    if not post.author_hash:
        return [], {}
    where = (
        Submission.tenant_id == post.tenant_id,
        Submission.author_hash == post.author_hash,
        Submission.id != post.id,
    )
    recent = list(
        session.scalars(
            select(Submission).where(*where).order_by(Submission.received_at.desc()).limit(limit)
        )
    )
    rows = session.execute(
        select(Submission.action, func.count(Submission.id))
        .where(*where)
        .group_by(Submission.action)
    ).all()
    return recent, {str(action or "pending"): int(n) for action, n in rows}


def revealed(session: Session, item: ReviewItem) -> dict[str, Any]:
    """The unmasked findings and author id of an item's post (the caller audits the read)."""
    post = session.get(Submission, item.submission_id)
    assert post is not None
    findings = post.verdict.findings if post.verdict else []
    return {
        "findings": [str(f.get("text", "")) for f in findings],
        "author": post.author_id,
        "kinds": sorted({str(f.get("kind", "")) for f in findings}),
    }
