"""Waking API requests that wait for a verdict: one short-lived Redis list per submission.

The worker pushes a token after the verdict is committed; a waiting request BLPOPs it. A list
(not pub/sub) cannot miss a verdict that lands before the request starts waiting. The token is
the post's API representation as JSON when the worker has it (the request then answers without
reading the database), else `1`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from redis import Redis

KEY = "moderation:decided:{}"
#: Seconds a token stays for a request that starts waiting late.
TOKEN_TTL = 30


def _key(submission_id: str) -> str:
    return KEY.format(submission_id)


def notify_decided(
    redis: Redis,
    submission_ids: Iterable[str],
    resources: Mapping[str, dict[str, Any]] | None = None,
) -> None:
    """Wake any request waiting on these submissions (call after the commit)."""
    resources = resources or {}
    with redis.pipeline(transaction=False) as pipe:
        for submission_id in submission_ids:
            key = _key(submission_id)
            resource = resources.get(submission_id)
            token = json.dumps(resource, ensure_ascii=False).encode() if resource else b"1"
            pipe.rpush(key, token)
            pipe.expire(key, TOKEN_TTL)
        pipe.execute()


def wait_decided(redis: Redis, submission_id: str, timeout: float) -> bytes | None:
    """Block up to `timeout` seconds for the submission's verdict; the token, or None."""
    if timeout <= 0:
        return None
    key = _key(submission_id)
    got = redis.blpop([key], timeout=max(timeout, 0.01))
    if got is None:
        return None
    raw = got[1]
    token = raw.encode() if isinstance(raw, str) else raw
    # Put the token back so another request waiting on the same post also wakes.
    with redis.pipeline(transaction=False) as pipe:
        pipe.rpush(key, token)
        pipe.expire(key, TOKEN_TTL)
        pipe.execute()
    return token


def decided_resource(token: bytes | None) -> bytes | None:
    """The JSON representation carried by a token, if it carries one."""
    return token if token and token.startswith(b"{") else None
