"""RQ worker entry point: `python worker.py` (same as `moderation worker`).

Loads the engine and classifier once, then works the queues; configure with MODERATION_*.
"""

from moderation.cli.service_cmds import worker_main

if __name__ == "__main__":
    worker_main()
