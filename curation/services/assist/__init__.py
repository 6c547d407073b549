"""Assist: model-proposed labels from a project's OpenAI-compatible endpoints (issue 17).

The work itself is the plain-Python ``curation.assist`` (client, tasks, job runner); this
package wires it to the database. Entry points:

* endpoints: ``save_endpoint`` (checked against ``STEPWISE_OUTBOUND_ALLOW``), ``try_endpoint``,
  ``forget_key``;
* jobs: ``plan_assist_job`` (the checked request and its cost estimate, nothing written: what
  the trace browser shows before a lead starts it), ``start_assist_job`` (the one way to start
  one: the row, then its task on the "assist" queue on commit), ``cancel_assist_job``,
  ``resume_assist_job``, ``requeue_assist_job`` / ``fail_lost_assist_job`` (the reaper's, for a
  job whose worker died), ``run_assist_job`` (what the task and ``manage.py assist`` run),
  ``estimate_cost`` / ``estimate_rollout_cost`` (before it starts);
* proposals: ``proposals_for_draft``, ``accept_proposal`` and ``reject_proposal`` (a person's
  decision, through the annotation edit path).
"""
from curation.assist import estimate_rollout_cost
from curation.services.assist.endpoints import (
    InvalidEndpoint, check_endpoint_url, endpoint_config, forget_key, outbound_allowlist,
    save_endpoint, try_endpoint,
)
from curation.services.assist.estimate import estimate_cost
from curation.services.assist.jobs import (
    InvalidJob, JobPlan, cancel_assist_job, create_assist_job, fail_lost_assist_job, plan_assist_job, requeue_assist_job,
    resume_assist_job, run_assist_job, start_assist_job, template_for,
)
from curation.services.assist.proposals import accept_proposal, proposals_for_draft, reject_proposal
from curation.services.assist.selection import ALL, WITHOUT_RESULTS, InvalidSelection

__all__ = [
    "ALL", "WITHOUT_RESULTS", "InvalidEndpoint", "InvalidJob", "InvalidSelection", "JobPlan",
    "accept_proposal", "cancel_assist_job", "check_endpoint_url", "create_assist_job",
    "endpoint_config", "estimate_cost", "estimate_rollout_cost", "fail_lost_assist_job", "forget_key",
    "outbound_allowlist", "plan_assist_job", "proposals_for_draft", "reject_proposal", "requeue_assist_job", "resume_assist_job",
    "run_assist_job", "save_endpoint", "start_assist_job", "template_for", "try_endpoint",
]
