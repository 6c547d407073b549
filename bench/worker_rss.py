"""Peak RSS of a worker process per kind of work: a build worker stays small, a segmenter not.

    .venv/bin/python bench/worker_rss.py --database-url postgres://postgres@127.0.0.1:5432/scale \
        --project bench

Each measurement is a fresh process that does what a worker of that queue does (imports
``curation.tasks``, runs the task function) on the project's data, its peak RSS read from the
kernel (wait4): ``build`` builds a dataset version of every trace (source auto, default
formats); ``segment`` cuts one chunk of the project's traces; ``idle`` only imports the tasks.
Run it on the database ``bench/segment_db.py`` leaves behind (10,000 segmented traces).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SETUP = """
import sys, django
django.setup()
from curation import tasks
from curation.models import Project
project = Project.objects.get(slug=%r)
"""
WORK = {
    "idle": "",
    "build": """
from curation.services.datasets import BuildSpec, create_dataset, start_build
dataset = create_dataset(project=project, name=f"rss-{project.datasets.count()}")
version = start_build(dataset=dataset, spec=BuildSpec(source="auto"))
print(tasks.build_dataset_version(version.pk), version.traces_total)
""",
    "segment": """
from django.conf import settings
from curation.services.segmentation.runs import chunk_ids, create_run
chunk = next(chunk_ids(project.traces.all(), settings.STEPWISE_SEGMENT_CHUNK_CHARS))
run, _ = create_run(project, chunk)
print(tasks.segment_chunk(run.pk, chunk), len(chunk))
""",
}


def peak_rss(kind: str, project: str, env: dict) -> tuple[float, float, str]:
    script = SETUP % project + WORK[kind] + (
        "\nprint('heavy:', [m for m in ('spacy', 'transformers', 'torch') if m in sys.modules])")
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    out = process.stdout.read().decode().strip().replace("\n", "; ")
    if status:
        sys.exit(f"{kind} failed: {process.stderr.read().decode()[-2000:]}")
    return usage.ru_maxrss / 1024, time.perf_counter() - started, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/scale")
    parser.add_argument("--project", default="bench")
    parser.add_argument("--kinds", nargs="+", default=["idle", "build", "segment"])
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "webapp.settings",
           "ARROW_DEFAULT_MEMORY_POOL": "system"}
    print("| work | peak RSS MB | seconds | output |")
    print("| --- | ---: | ---: | --- |")
    for kind in args.kinds:
        rss, seconds, out = peak_rss(kind, args.project, env)
        print(f"| {kind} | {rss:.0f} | {seconds:.1f} | {out} |", flush=True)


if __name__ == "__main__":
    main()
