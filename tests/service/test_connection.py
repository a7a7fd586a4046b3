"""Redis connections: blocking reads must outlast redis-py's 5-second default read timeout."""

from __future__ import annotations

import time

from moderation.config import Settings
from moderation.queue.connection import connect
from moderation.queue.notify import wait_decided


def test_it_waits_past_five_seconds_without_a_read_timeout(settings: Settings, runtime):  # type: ignore[no-untyped-def]
    client = connect(settings)
    started = time.monotonic()
    assert wait_decided(client, "no-such-submission", timeout=6) is None
    assert time.monotonic() - started >= 5.9
