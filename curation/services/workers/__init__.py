"""Jobs that survive their worker: leases on imports, builds and assist jobs, and the reaper.

Entry points: ``claim_import`` / ``claim_build`` / ``claim_assist_job`` (what a task calls
before it runs a job: may this delivery of the message run it?), ``reap_stale_jobs`` (what the beat-scheduled task runs:
requeue or fail jobs whose heartbeat stopped, remove orphaned staging folders).
"""
from curation.services.workers.leases import (
    claim_assist_job, claim_build, claim_import, heartbeat_timeout,
)
from curation.services.workers.reaper import ReapReport, reap_stale_jobs

__all__ = ["ReapReport", "claim_assist_job", "claim_build", "claim_import", "heartbeat_timeout", "reap_stale_jobs"]
