"""Waking API requests that wait for a verdict: one short-lived Redis list per submission.

The worker pushes a token after the verdict is committed; a waiting request BLPOPs it. A list
(not pub/sub) cannot miss a verdict that lands before the request starts waiting.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis import Redis

KEY = "moderation:decided:{}"
#: Seconds a token stays for a request that starts waiting late.
TOKEN_TTL = 30


def _key(submission_id: str) -> str:
    return KEY.format(submission_id)


def notify_decided(redis: Redis, submission_ids: Iterable[str]) -> None:
    """Wake any request waiting on these submissions (call after the commit)."""
    with redis.pipeline(transaction=False) as pipe:
        for submission_id in submission_ids:
            key = _key(submission_id)
            pipe.rpush(key, b"1")
            pipe.expire(key, TOKEN_TTL)
        pipe.execute()


def wait_decided(redis: Redis, submission_id: str, timeout: float) -> bool:
    """Block up to `timeout` seconds for the submission's verdict; True when it arrived."""
    if timeout <= 0:
        return False
    key = _key(submission_id)
    got = redis.blpop([key], timeout=max(timeout, 0.01))
    if got is None:
        return False
    # Put the token back so another request waiting on the same post also wakes.
    with redis.pipeline(transaction=False) as pipe:
        pipe.rpush(key, b"1")
        pipe.expire(key, TOKEN_TTL)
        pipe.execute()
    return True
