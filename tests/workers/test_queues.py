"""Work-specific queues, and workers that load spaCy and the tokenizer only to segment (issue 16)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from webapp.celery import app

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("spacy", "transformers", "tokenizers", "torch")


@pytest.mark.parametrize(("task", "queue"), [
    ("curation.import_traces", "import"),
    ("curation.segment_chunk", "segment"),
    ("curation.build_dataset_version", "build"),
    ("curation.deliver_version", "deliver"),
    ("curation.feed_followers", "deliver"),
    ("curation.compute_agreement", "quality"),
    ("curation.run_assist_job", "assist"),
    ("curation.reap_stale_jobs", "celery"),
    ("curation.assist.suggest_steps", "assist"),
    ("curation.train_segmenter_model", "learning"),
    ("curation.score_trace_uncertainty", "learning"),
])
def test_each_kind_of_work_goes_to_its_own_queue(task, queue):
    assert app.amqp.router.route({}, task, args=(), kwargs={})["queue"].name == queue


def test_a_worker_started_without_queues_consumes_them_all():
    consumed = set(app.amqp.queues)

    assert set(settings.STEPWISE_QUEUES) <= consumed
    assert settings.CELERY_TASK_DEFAULT_QUEUE in consumed


BUILD_IN_A_FRESH_WORKER = """
import json, os, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from curation import tasks
from curation.models import Project, Segmentation, Step, Trace
from curation.services.datasets import BuildSpec, create_dataset, start_build
project = Project.objects.create(slug="p", name="p")
trace = Trace.objects.create(project=project, problem="2+2?", response="1. Add.\\n2. Done.",
                             content_hash="h")
cut = Segmentation.objects.create(trace=trace, field="response", origin="imported",
                                  status="submitted")
Step.objects.create(segmentation=cut, position=0, start=0, end=7)
Step.objects.create(segmentation=cut, position=1, start=8, end=16)
version = start_build(dataset=create_dataset(project=project, name="d"),
                      spec=BuildSpec(source="submitted"))
tasks.build_dataset_version(version.pk)
version.refresh_from_db()
print(json.dumps({"status": version.status, "loaded": [m for m in %r if m in sys.modules]}))
"""


def test_a_build_worker_loads_neither_spacy_nor_the_tokenizer(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="webapp.settings", STEPWISE_VAR_DIR=str(tmp_path))
    script = BUILD_IN_A_FRESH_WORKER % (HEAVY,)

    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"status": "published", "loaded": []}
