"""Test data: one builder per model (cookiecutter-django's factories, as plain functions).

Rows: ``add_member`` (a user and their membership), ``add_trace`` (a trace), ``add_segmentation``
(a segmentation and its steps), ``add_cut_trace`` (a trace with an automatic segmentation by
paragraph, what the queue hands out). Input files: ``write_jsonl``, ``generation_record``,
``processbench_record``. Export records (no database): ``text_trace``, ``solution_trace``,
``agent_trace``, ``mixed_traces``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from curation.export.records import ExportStep, ExportTrace
from curation.traces.records import spans_from_steps
from curation.traces.transcript import ToolCall, Turn, render_transcript

if TYPE_CHECKING:  # the rows' builders import models when called: the export records need no Django
    from curation.models import Segmentation, Trace

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

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
    from curation.models import Membership

    user = django_user_model.objects.create_user(username=username, password="pw-" + username)
    Membership.objects.create(project=project, user=user, role=role)
    return user


def add_trace(project, n: int = 0, *, text: str = SOLUTION, teacher: str = "teacher-x",
              source: dict | None = None, kind: str = "text", problem: str | None = None,
              **fields) -> Trace:
    """A trace whose response is ``text`` (by default a three-step SOLUTION); no steps."""
    from curation.models import Trace

    values = {
        "project": project, "kind": kind, "problem": problem or f"Problem {n}: solve x + 1 = 3.",
        "reasoning": f"Let me think about problem {n}.", "response": text, "answer": "2",
        "teacher_model": teacher, "source": source if source is not None else {"id": f"p{n}"},
        "content_hash": f"{project.slug}-{n}",
    }
    return Trace.objects.create(**{**values, **fields})


def add_segmentation(trace: Trace, *, origin: str = "auto", status: str = "submitted",
                     author=None, ratings: list | None = None, types: list | None = None,
                     spans: list[tuple[int, int]] | None = None, revision: int = 1,
                     token_counts: list | None = None, notes: list | None = None,
                     strategy: str | None = None, field: str = "response") -> Segmentation:
    """A segmentation of the trace's response (or ``field``) and its steps (by default one per
    SOLUTION step)."""
    from curation.models import Segmentation, Step

    spans = spans if spans is not None else step_spans(trace.response)
    if strategy is None:
        strategy = "solution" if origin == "auto" else ""
    segmentation = Segmentation.objects.create(
        trace=trace, field=field, origin=origin, status=status, author=author,
        strategy=strategy, revision=revision,
    )
    n = len(spans)
    ratings, types = ratings or [None] * n, types or ["compute"] * n
    token_counts, notes = token_counts or [10] * n, notes or [""] * n
    Step.objects.bulk_create(
        Step(segmentation=segmentation, position=i, start=start, end=end, type=types[i],
             rating=ratings[i], token_count=token_counts[i], note=notes[i])
        for i, (start, end) in enumerate(spans)
    )
    return segmentation


# --- A trace with an automatic segmentation, as the annotation queue hands it out ---------------

TEXT = "We add the numbers. 2 + 2 = 4.\n\nThen we check it: 4 - 2 = 2.\n\nSo the answer is 4."


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """One span per paragraph, like the automatic segmenter's output on TEXT."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def add_cut_trace(
    project, n: int = 0, *, text: str = TEXT, spans=None, origin="auto", **fields
) -> Trace:
    """A trace of ``text`` with a segmentation by paragraph (none when ``spans`` is empty)."""
    blank = {"reasoning": "", "answer": "", "teacher_model": "", "source": {}}
    trace = add_trace(project, n, text=text, problem=f"Problem {n}: what is 2 + 2?",
                      **{**blank, **fields})
    spans = paragraph_spans(text) if spans is None else spans
    if spans:
        add_segmentation(trace, origin=origin, status="draft", spans=spans,
                         strategy="test", token_counts=[3] * len(spans))
    return trace


def add_two_step_trace(project, n: int, kind: str = "text") -> Trace:
    """A short trace of two steps, the first typed and rated (what the API lists)."""
    blank = {"reasoning": "", "answer": "", "source": {}}
    trace = add_trace(project, n, kind=kind, text="Step one. Step two.", problem=f"Problem {n}",
                      content_hash=f"h{project.slug}{n}", **blank)
    add_segmentation(trace, spans=[(0, 9), (10, 19)], types=["compute", ""], ratings=[1, None],
                     token_counts=[None, None], strategy="")
    return trace


# --- Input files --------------------------------------------------------------------------------


def write_jsonl(path: Path, records: list) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(record if isinstance(record, str) else json.dumps(record))
            out.write("\n")
    return path


def generation_record(n: int, **extra) -> dict:
    """A raw R1-style generation: a problem and one text with <think>reasoning</think>answer."""
    return {
        "problem": f"What is {n} + {n}?",
        "output": f"<think>\nI add {n} and {n}.\n\nSo the sum is {2 * n}.\n</think>\nThe answer is $\\boxed{{{2 * n}}}$.",
        "model": "teacher-x",
        **extra,
    }


def processbench_record(n: int, label: int = -1) -> dict:
    return {
        "id": f"pb-{n}",
        "generator": "student-y",
        "problem": f"Tom has {n} apples and buys {n} more. How many now?",
        "steps": [f"Tom starts with {n} apples.", f"He buys {n}, so {n} + {n} = {2 * n}.", f"The answer is {2 * n}."],
        "label": label,
        "final_answer_correct": label == -1,
    }


# --- Export records (plain data, no database) ---------------------------------------------------
PREAMBLE = "SOLUTION:\n"

HOSTILE = '<script>alert("x")</script> \u202eevil\u202c & "quotes" \\ back\\slash \x00 \U0001f600'


def text_trace(
    steps: list[str],
    trace_id: int = 1,
    problem: str = "Solve x + 1 = 3.",
    ratings: list[int | None] | None = None,
    preamble: str = PREAMBLE,
    **fields,
) -> ExportTrace:
    """A trace whose response is ``preamble`` then the steps, one span per step."""
    joined, spans = spans_from_steps(steps)
    ratings = ratings or [None] * len(steps)
    offset = len(preamble)
    return ExportTrace(
        trace_id=trace_id,
        problem=problem,
        reasoning=fields.pop("reasoning", "Let me think."),
        response=preamble + joined,
        answer=fields.pop("answer", "2"),
        teacher_model=fields.pop("teacher_model", "teacher-x"),
        steps=[
            ExportStep(s.start + offset, s.end + offset, "compute", rating)
            for s, rating in zip(spans, ratings, strict=True)
        ],
        segmentation_id=fields.pop("segmentation_id", 10 + trace_id),
        revision=fields.pop("revision", 3),
        author=fields.pop("author", "ann"),
        **fields,
    )


def solution_trace(trace_id: int = 1, **kwargs) -> ExportTrace:
    """Three steps in the SRL paper's "1. **Title** action" form."""
    return text_trace(
        [
            "1. **Read the equation** We have x + 1 = 3.",
            "2. **Isolate x** Subtract 1 from both sides: x = 2.",
            "3. **Answer** The answer is \\boxed{2}.",
        ],
        trace_id=trace_id,
        **kwargs,
    )


def agent_trace(trace_id: int = 7, n_actions: int = 4) -> ExportTrace:
    """A transcript rendered by the ingest renderer: one step per assistant turn, each a
    thought and a raw command with its observation, then a closing reply to the user."""
    turns = []
    for i in range(1, n_actions):
        turns.append(Turn("assistant", f"I will run command {i}.",
                          tool_calls=[ToolCall("", f"run cmd{i}")]))
        turns.append(Turn("tool", f"output {i}"))
    turns.append(Turn("assistant", "The test passes now."))
    response, spans = render_transcript(turns)
    return ExportTrace(
        trace_id=trace_id, problem="Fix the failing test.", response=response, kind="agent",
        steps=[ExportStep(s.start, s.end, "action") for s in spans],
    )


def mixed_traces(count: int = 60):
    """Traces over all three splits: numbered solutions, one agent run, one hostile text,
    one trace without steps. A generator, as the Django cursor will be."""
    for i in range(count):
        yield solution_trace(trace_id=i, problem=f"problem {i}", ratings=[1, (i % 3) - 1, 1])
    yield agent_trace(trace_id=count)
    yield text_trace([HOSTILE, "done"], trace_id=count + 1, problem=HOSTILE, preamble="")
    yield text_trace([], trace_id=count + 2, problem="nothing to cut")
