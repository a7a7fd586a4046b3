"""A job that stays in flight long enough for a test to SIGKILL its worker mid-job."""

from __future__ import annotations

import time

from moderation.queue import jobs


def slow_moderate(submission_id: str) -> str:
    """Sleep, then do the real work (the worker is killed during the sleep)."""
    time.sleep(60)
    return jobs.moderate(submission_id)
