"""Traces with segmentations of every origin and status, and a private datasets storage."""
from __future__ import annotations

import pytest

from curation.models import Membership, Segmentation, Step, Trace

SOLUTION = (
    "SOLUTION:\n"
    "1. **Read** We have x + 1 = 3.\n\n"
    "2. **Isolate x** Subtract 1 from both sides: x = 2.\n\n"
    "3. **Answer** The answer is 2."
)


def step_spans(text: str) -> list[tuple[int, int]]:
    """One span per numbered step of SOLUTION-like text."""
    starts = [text.index(f"{k}. **") for k in range(1, text.count("**") // 2 + 1)]
    ends = [*(s - 2 for s in starts[1:]), len(text)]
    return list(zip(starts, ends))


def add_trace(project, n: int = 0, *, text: str = SOLUTION, teacher: str = "teacher-x",
              source: dict | None = None, kind: str = "text", problem: str | None = None) -> Trace:
    return Trace.objects.create(
        project=project, kind=kind, problem=problem or f"Problem {n}: solve x + 1 = 3.",
        reasoning=f"Let me think about problem {n}.", response=text, answer="2",
        teacher_model=teacher, source=source if source is not None else {"id": f"p{n}"},
        content_hash=f"{project.slug}-{n}",
    )


def add_segmentation(trace: Trace, *, origin: str = "auto", status: str = "submitted",
                     author=None, ratings: list | None = None, types: list | None = None,
                     spans: list[tuple[int, int]] | None = None, revision: int = 1,
                     token_counts: list | None = None, notes: list | None = None) -> Segmentation:
    spans = spans if spans is not None else step_spans(trace.response)
    segmentation = Segmentation.objects.create(
        trace=trace, field="response", origin=origin, status=status, author=author,
        strategy="solution" if origin == "auto" else "", revision=revision,
    )
    n = len(spans)
    ratings, types = ratings or [None] * n, types or ["compute"] * n
    token_counts, notes = token_counts or [10] * n, notes or [""] * n
    Step.objects.bulk_create(
        Step(segmentation=segmentation, index=i, start=start, end=end, type=types[i],
             rating=ratings[i], token_count=token_counts[i], note=notes[i])
        for i, (start, end) in enumerate(spans)
    )
    return segmentation


@pytest.fixture(autouse=True)
def datasets_root(settings, tmp_path):
    """Every test publishes into its own folder, never into var/datasets."""
    root = tmp_path / "datasets"
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                     "OPTIONS": {"location": str(root)}},
    }
    return root


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dataset(project):
    from curation.services.datasets.build import create_dataset

    return create_dataset(project=project, name="gsm-steps", license="mit")


@pytest.fixture
def auto_traces(project):
    """Five traces cut by the segmenter only."""
    traces = [add_trace(project, n) for n in range(5)]
    for trace in traces:
        add_segmentation(trace)
    return traces
