"""Test data, one builder per model (cookiecutter-django's factories, as plain functions).

Database rows: ``add_trace``, ``add_segmentation``, ``add_member``, ``add_dataset``,
``publish_version``, ``add_token``. Plain export records (no database): ``text_trace``,
``solution_trace``, ``agent_trace``, ``mixed_traces``.
"""
from __future__ import annotations

import json
from pathlib import Path

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


def add_member(django_user_model, project, username: str, role: str):
    """A user with a membership of ``project`` (password ``pw-<username>``)."""
    user = django_user_model.objects.create_user(username=username, password="pw-" + username)
    Membership.objects.create(project=project, user=user, role=role)
    return user


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
