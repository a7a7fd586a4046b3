"""The reviewer workspace (web UI under /review) and the review services.

Services take the database session as an argument and never commit (the caller does):

- `queue`: items enter from `review` verdicts (`enqueue_from_verdict`, called by
  `moderation.effects.on_verdict`), complaints, appeals, escalations and directive sweeps;
  one open item per post; priority = category severity + complaints + author's prior
  violations + source bonus, then age; SLA from `Settings.review_sla_minutes`.
- `leases`: claim / claim_next / renew / release / expire_leases with conditional UPDATEs.
- `decisions`: approve / remove / escalate, bulk for seniors; event log, statement of reasons,
  `moderation.effects.on_review_decision` (evidence, incident report, signed webhook);
  `latest_statement(session, submission_id)` for the verdict API.
- `complaints`, `appeals`: Art. 49 intake (API in `moderation.api.complaints`).
- `directives`, `jobs`, `tenant_engines`: Art. 50 directives, their sweep as an RQ job, and
  per-tenant engines so workers include active directive terms.
- `accounts`: Argon2id passwords, lockout; roles reviewer / senior / compliance / admin.
- `dashboard`, `charts`, `itemview`, `events`: what the pages show; the append-only log.
"""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """The workspace's blueprints, in registration order."""
    from moderation.review.web import make_blueprint

    return [make_blueprint()]
