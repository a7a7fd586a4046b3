"""Greedy batching of single posts: a worker running one post's job also takes other posts
still waiting on the high-priority queue, so a backlog is analysed and committed in batches.

Every post still gets its own RQ job (its id, on the high queue). A worker running such a job
atomically removes up to N more `moderate-<id>` jobs from the queue and marks them `started`
(one Lua call), decides all posts in one pass, then marks those jobs finished. If it dies in
between, the jobs look stalled (started long ago) and the sweeper queues the posts again, as it
does for any job whose worker died.
"""

from __future__ import annotations

from datetime import UTC, datetime

from redis import Redis
from rq.job import Job
from rq.utils import utcformat

from moderation.queue.enqueue import HIGH, RESULT_TTL, queue

PREFIX = "moderate-"
BATCH_PREFIX = "moderate-batch-"

#: KEYS[1] queue list; ARGV: limit, job key prefix, started_at, id prefix, batch id prefix.
_CLAIM = """
local ids = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local claimed = {}
for _, id in ipairs(ids) do
  if string.sub(id, 1, #ARGV[4]) == ARGV[4] and string.sub(id, 1, #ARGV[5]) ~= ARGV[5] then
    if redis.call('LREM', KEYS[1], 1, id) == 1 then
      redis.call('HSET', ARGV[2] .. id, 'status', 'started', 'started_at', ARGV[3])
      table.insert(claimed, id)
    end
  end
end
return claimed
"""


def claim_waiting(redis: Redis, limit: int) -> list[str]:
    """Take up to `limit` single-post jobs off the high queue; returns their submission ids."""
    if limit <= 0:
        return []
    key_prefix = Job.key_for("")
    now = utcformat(datetime.now(UTC))
    script = redis.register_script(_CLAIM)
    raw = script(keys=[queue(redis, HIGH).key], args=[limit, key_prefix, now, PREFIX, BATCH_PREFIX])
    return [item.decode().removeprefix(PREFIX) for item in raw]


def finish(redis: Redis, submission_ids: list[str]) -> None:
    """Mark claimed jobs finished; they expire like jobs RQ finished itself."""
    if not submission_ids:
        return
    with redis.pipeline(transaction=False) as pipe:
        for submission_id in submission_ids:
            key = Job.key_for(PREFIX + submission_id)
            pipe.hset(key, "status", "finished")
            pipe.expire(key, RESULT_TTL)
        pipe.execute()
