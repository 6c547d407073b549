"""Small traces built in the tests' own words (no shared data is copied into the repo)."""
from __future__ import annotations

from curation.export.records import ExportStep, ExportTrace
from curation.traces.records import spans_from_steps
from curation.traces.transcript import ToolCall, Turn, render_transcript

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
