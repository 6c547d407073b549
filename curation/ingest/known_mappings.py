"""Field mappings for known public sources that no preset covers, by name.

Used by the app (a "known source" choice at import), the docs and the real-data tests.
Each value is a mapping for the ``mapping`` preset (see ``presets/mapping.py``).
"""

from __future__ import annotations

KNOWN_MAPPINGS: dict[str, dict] = {
    # interp-reasoning/thought-anchors.com: one folder per problem with base_solution.json
    # (an R1-distill generation that starts inside the think block) and chunks_labeled.json
    # (sentence chunks of its reasoning, with LLM-assigned function tags). Chunks are
    # located in the reasoning; two "scenario" rows have no math problem, only the prompt.
    "thought_anchors_chunked": {
        "problem": ["problem.problem", "base_solution.prompt"],
        "text": "base_solution.solution",
        "answer": "base_solution.answer?",
        "steps": "chunks_labeled[].chunk",
        "types": "chunks_labeled[].function_tags",
        "steps_field": "reasoning",
        "source": [
            "_source_dir",
            "base_solution.is_correct?",
            "problem.nickname?",
            "problem.gt_answer?",
            "problem.level?",
            "problem.type?",
            "scenario.scenario_id?",
        ],
    },
    # interp-reasoning/thought-anchors analysis/.../chunks_*.json: only the sentence chunks of
    # a CoT (prompt included) with reasoning-function categories; the full text is not
    # shipped, so the reasoning is the chunks joined by a space and there is no problem.
    "thought_anchors_chunk_labels": {
        "steps": "chunks[].text",
        "types": "chunks[].category",
        "steps_field": "reasoning",
        "steps_joiner": " ",
        "source": ["_source_path", "_source_commit"],
    },
    # markyx316/LLM-Reasoning-Trace-Topology parsed traces: the R1 generation plus the
    # authors' automatic segmentation into behaviour episodes (F, S, B, C, R ...).
    "r1_math500_parsed_episodes": {
        "problem": "problem",
        "text": "full_response",
        "answer": "ground_truth?",
        "teacher": "model_name?",
        "steps": "episodes[].text",
        "types": "episodes[].behavior",
        "steps_field": "reasoning",
        "source": [
            "item_id",
            "dataset?",
            "is_correct?",
            "extracted_answer?",
            "model_short_name?",
            "behavior_sequence?",
        ],
    },
}
