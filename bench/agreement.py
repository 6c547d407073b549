"""Agreement of many traces with three annotators each: the pure computation of issue 15.

    .venv/bin/python bench/agreement.py [--traces 10000] [--annotators 3] [--steps 50]
        [--tolerance 3] [--runs 5] [--library-sample 1000]

Builds synthetic traces (not timed): a text of words, a reference segmentation of about
``--steps`` steps at word starts, and per annotator a perturbed copy (10% of cuts dropped, 5%
added, 20% moved by up to 6 characters, 10% of types and ratings changed, a first -1 step in
half the traces). Then times, in one process on one core, for every trace: ``trace_agreement``
with the text (whitespace trimming) and the tolerance, its headline figures (boundary F1, type
and rating kappa/alpha, first-error agreement, ``score``) and ``as_dict``; then the project, per
pair, per annotator and per week summaries over all traces. Prints the median of ``--runs`` and
each run. ``--library-sample`` also times, for that many traces, the per-trace figures through the
libraries (``reference``) instead of the count tables, to show why the tables are used.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curation.quality import Annotation, StepLabel, over_time, per_annotator, per_pair, per_project, trace_agreement  # noqa: E402
from curation.quality.annotations import prepare  # noqa: E402
from curation.quality.agreement import compare_pair  # noqa: E402
from curation.quality.units import cut_groups, step_groups  # noqa: E402

TYPES = ("plan", "compute", "check", "recall", "conclude", "backtrack")


def make_trace(rng: random.Random, annotators: int, steps: int) -> tuple[str, list[Annotation]]:
    words = [rng.choice(("x", "let", "so", "then", "wait", "the", "value", "is", "3", "+")) for _ in range(steps * 12)]
    starts, offset = [], 0
    for word in words:
        starts.append(offset)
        offset += len(word) + 1
    text = " ".join(words)
    cuts = sorted(rng.sample(range(1, len(starts)), steps - 1))
    labels = [(rng.choice(TYPES), rng.choice((1, 1, 1, 1, 0, -1))) for _ in range(steps)]
    error = rng.randrange(steps) if rng.random() < 0.5 else None
    return text, [perturb(rng, f"a{k}", text, [starts[c] for c in cuts], labels, error) for k in range(annotators)]


def perturb(rng, name, text, cuts, labels, error) -> Annotation:
    mine = []
    for cut in cuts:
        roll = rng.random()
        if roll < 0.1:
            continue
        mine.append(cut + rng.randint(-6, 6) if roll < 0.3 else cut)
        if rng.random() < 0.05:
            mine.append(cut + rng.randint(20, 60))
    bounds = sorted({c for c in mine if 0 < c < len(text)})
    edges = [0, *bounds, len(text)]
    steps = []
    for index, (start, end) in enumerate(zip(edges, edges[1:])):
        kind, rating = labels[min(index, len(labels) - 1)]
        if rng.random() < 0.1:
            kind, rating = rng.choice(TYPES), rng.choice((1, 0, -1))
        rating = -1 if error == index else (1 if rating == -1 and error is not None and index < error else rating)
        steps.append(StepLabel(start, end, kind, rating))
    return Annotation(name, steps)


def run_once(corpus, tolerance: int) -> dict[str, float]:
    """Wall and CPU seconds of the per-trace phase, the summaries and both."""
    cpu = time.process_time()
    began = time.perf_counter()
    results = []
    for text, annotations in corpus:
        trace = trace_agreement(annotations, text=text, tolerance=tolerance)
        figures = (trace.boundary_f1, trace.type_agreement, trace.rating_agreement,
                   trace.first_error_agreement, trace.score())
        results.append((trace, trace.as_dict(), figures))
    traced, traced_cpu = time.perf_counter(), time.process_time()
    traces = [r[0] for r in results]
    per_project(traces)
    per_pair(traces)
    per_annotator(traces)
    day0 = date(2026, 1, 1)
    over_time(((day0 + timedelta(days=i % 90), t) for i, t in enumerate(traces)), "week")
    done = time.perf_counter()
    done_cpu = time.process_time()
    return {"traces": traced - began, "summaries": done - traced, "total": done - began,
            "traces_cpu": traced_cpu - cpu, "summaries_cpu": done_cpu - traced_cpu, "total_cpu": done_cpu - cpu}


def library_figures(corpus, tolerance: int) -> float:
    """Per-trace kappa (2 annotators' first pair) and alpha through the libraries."""
    from curation.quality.reference import library_alpha, library_kappa

    began = time.perf_counter()
    for text, annotations in corpus:
        prepared = [prepare(a, text) for a in annotations]
        pair, steps = compare_pair(prepared[0], prepared[1], tolerance)
        library_kappa([prepared[0].steps[s].type for s, _ in steps], [prepared[1].steps[t].type for _, t in steps])
        matches = {(k, l): compare_pair_cuts(prepared, k, l, tolerance) for k in range(len(prepared)) for l in range(k + 1, len(prepared))}
        groups = step_groups(prepared, cut_groups(prepared, matches))
        rows = [[prepared[k].steps[unit[k]].type if k in unit else None for unit in groups.values()] for k in range(len(prepared))]
        library_alpha(rows, "nominal")
    return time.perf_counter() - began


def compare_pair_cuts(prepared, k, l, tolerance):
    from curation.quality.boundaries import match_positions

    return match_positions(prepared[k].positions, prepared[l].positions, tolerance)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traces", type=int, default=10_000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--tolerance", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--library-sample", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(15)
    corpus = [make_trace(rng, args.annotators, args.steps) for _ in range(args.traces)]
    steps = sum(len(a.steps) for _, anns in corpus for a in anns) / (len(corpus) * args.annotators)
    chars = sum(len(text) for text, _ in corpus) / len(corpus)
    print(f"{args.traces} traces x {args.annotators} annotators, {steps:.1f} steps and {chars:.0f} characters per trace, tolerance {args.tolerance}")
    runs = [run_once(corpus, args.tolerance) for _ in range(args.runs)]
    for key in ("traces", "summaries", "total", "traces_cpu", "summaries_cpu", "total_cpu"):
        values = [r[key] for r in runs]
        print(f"{key:10s} median {statistics.median(values):.2f} s  runs " + " ".join(f"{v:.2f}" for v in values))
    if args.library_sample:
        sample = corpus[: args.library_sample]
        seconds = library_figures(sample, args.tolerance)
        print(f"library per trace (kappa + alpha via sklearn/krippendorff, {len(sample)} traces): {seconds:.2f} s, "
              f"{seconds / len(sample) * 1000:.2f} ms/trace")


if __name__ == "__main__":
    main()
