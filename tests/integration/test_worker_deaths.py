"""Jobs survive their worker: real `celery worker` processes over the configured broker are
killed with SIGKILL in the middle of an import and of a build, and the jobs still finish with
every trace exactly once, no half version and no staging folder left behind.

* The import's pool child is killed (what the OOM killer does): the worker gives the message
  back (task_reject_on_worker_lost) and its next child continues the import, counting the
  traces the dead one wrote as the job's own, not as duplicates.
* The whole worker running a build is killed (the machine is gone): another worker, running
  beat, finds the build's heartbeat stopped, requeues it, and it starts over cleanly.

CI runs it on PostgreSQL with Redis as broker; locally on SQLite with the filesystem broker.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from curation.models import DatasetVersion, ImportJob, Trace
from curation.services.datasets.build import create_dataset, start_build
from curation.services.datasets.spec import BuildSpec
from curation.services.imports.jobs import create_import_job, run_import
from tests.factories import REPO_ROOT, processbench_record, write_jsonl

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

IMPORTED = 1200  # records in the import that is killed (batches of 10: 120 heartbeats)
BUILT = 600  # traces in the version whose build is killed
HEARTBEAT_TIMEOUT = 4  # seconds without progress before the reaper takes a job for dead


class Workers:
    """Start and kill worker processes that share one queue, one database, one storage."""

    def __init__(self, tmp_path: Path, datasets_root: Path, database_url: str) -> None:
        self.tmp_path = tmp_path
        self.queue = f"stepwise-test-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "STEPWISE_DATASETS_ROOT": str(datasets_root),
            "STEPWISE_TASK_QUEUE": self.queue,  # the reaper's requeues come here too
            "STEPWISE_IMPORT_BATCH_SIZE": "10",
            "STEPWISE_HEARTBEAT_TIMEOUT_SECONDS": str(HEARTBEAT_TIMEOUT),
            "STEPWISE_REAPER_INTERVAL_SECONDS": "1",
            "STEPWISE_BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
        }
        self.processes: list[tuple[subprocess.Popen, Path]] = []

    def start(self, name: str, *, beat: bool = False) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "webapp", "worker", "--pool=prefork",
            "--concurrency=1", "--queues", self.queue, "--loglevel=INFO", "--without-gossip",
            "--without-mingle", "--hostname", f"{name}@%h",
        ]
        with log.open("w") as out:
            process = subprocess.Popen(
                command + (["--beat"] if beat else []), cwd=REPO_ROOT, env=self.env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,  # its own process group
            )
        self.processes.append((process, log))
        return process

    def stop_all(self) -> None:
        for process, log in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
            print(f"--- {log.name}\n{log.read_text()[-4000:]}")


@pytest.fixture
def workers(tmp_path, media_root, datasets_root, eager_celery, test_database_url):
    if os.environ.get("STEPWISE_REQUIRE_WORKER_TEST"):
        assert not settings.CELERY_BROKER_URL.startswith("filesystem"), "CI must use a real broker"
    eager_celery.conf.task_always_eager = False
    pool = Workers(tmp_path, datasets_root, test_database_url)
    yield pool
    pool.stop_all()


def wait_for(condition, what: str, timeout: float = 60, every: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(every)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def pool_child(worker: subprocess.Popen) -> int | None:
    """The pid of the prefork pool's child running the tasks (Linux /proc)."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    return int(children[0]) if children else None


def staging_folders(root: Path) -> list[Path]:
    return list(root.glob("*/*/.v*.tmp")) if root.exists() else []


def records_file(path: Path, count: int, prefix: str) -> Path:
    records = [processbench_record(n) for n in range(count)]
    for record in records:
        record["id"] = f"{prefix}-{record['id']}"
        record["problem"] = f"{prefix}: {record['problem']}"
    return write_jsonl(path, records)


def test_an_import_and_a_build_finish_whole_after_their_workers_are_killed(
    workers, project, other_project, tmp_path, datasets_root
):
    from curation.tasks import build_dataset_version, import_traces

    # The build's data is imported here, in this process, into another project.
    with records_file(tmp_path / "built.jsonl", BUILT, "b").open("rb") as upload:
        run_import(create_import_job(project=other_project, upload=upload, upload_name="b.jsonl"))
    dataset = create_dataset(project=other_project, name="steps")
    version = start_build(dataset=dataset, spec=BuildSpec(source="submitted", formats=("prm",)))
    with records_file(tmp_path / "imported.jsonl", IMPORTED, "i").open("rb") as upload:
        job = create_import_job(project=project, upload=upload, upload_name="i.jsonl")

    # 1. The import's pool child dies mid-way; the same worker runs the message again.
    first = workers.start("first")
    import_traces.apply_async(args=[job.pk], queue=workers.queue)
    wait_for(lambda: ImportJob.objects.filter(pk=job.pk, traces_created__gte=50).exists(),
             "the import to be under way")
    child = wait_for(lambda: pool_child(first), "the pool's child")
    os.kill(child, signal.SIGKILL)
    job = wait_for(lambda: ImportJob.objects.filter(pk=job.pk, status="done").first(),
                   "the import to finish after its worker's child was killed")

    assert ImportJob.objects.get(pk=job.pk).attempts == 2, "the import ran only once"
    assert (job.traces_created, job.duplicates, job.errors_count) == (IMPORTED, 0, 0), job.message
    assert Trace.objects.filter(project=project).count() == IMPORTED
    assert job.message.startswith(f"{IMPORTED} traces imported in")  # no "duplicates skipped"

    # 2. The whole worker dies mid-build; another one, running beat, takes the build over.
    build_dataset_version.apply_async(args=[version.pk], queue=workers.queue)
    wait_for(lambda: staging_folders(datasets_root), "the build to be under way")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    workers.start("second", beat=True)
    version = wait_for(
        lambda: DatasetVersion.objects.filter(pk=version.pk).exclude(status="building").first(),
        "the build to finish after its worker was killed",
    )

    assert version.status == "published", version.message
    assert version.attempts == 2, "the build ran only once"
    assert staging_folders(datasets_root) == []
    folder = datasets_root / version.path
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) <= {str(p.relative_to(folder)) for p in folder.rglob("*")}
    problems = [
        json.loads(line)["prompt"]
        for path in folder.glob("prm/**/*.jsonl")
        for line in path.read_text().splitlines()
    ]
    assert len(problems) == len(set(problems)) == BUILT  # every trace exactly once
