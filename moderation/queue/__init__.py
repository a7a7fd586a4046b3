"""RQ queues, jobs and workers.

- `enqueue`: queue names (`moderation-high` single posts, `moderation-batch` batches and
  directive sweeps, `moderation-webhooks`, `moderation-records` exports) and enqueue helpers;
  jobs take ids only and use RQ's JSON serializer.
- `jobs`: the job functions (idempotent: a verdict is written once).
- `notify`: waking API requests that `wait` for a verdict (a per-post Redis list).
- `sweeper`: re-queues lost, failed or stalled work and due webhook retries.
- `worker`, `context`: worker bootstrap; the engine is loaded once per process.
"""
