"""The dataset card: ``README.md`` with the Hugging Face YAML header.

The header declares one config per format with its data files per split and its features,
so ``load_dataset(version_dir, "srl")`` gives typed columns even from JSONL. The body says how the data was made and how the SRL reward is meant to be computed.
The YAML is written by hand, strings JSON-quoted (valid YAML), so the card has no dependency
and the same build always gives the same bytes.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from curation.export.context import FIELD_DEFAULTS, rule_of
from curation.export.formats import FORMATS
from curation.quality import Summary
from curation.export.options import BuildOptions
from curation.export.splits import SPLITS
from curation.export.writers import artifact_path

# A dataset directory has one builder for all its configs (datasets infers it from the first
# config's files), so the card's configs all read one container: the first of these that was
# built. The other containers load with ``data_files=`` (see the card's body).
_CONTAINER_PREFERENCE = ("parquet", "jsonl", "jsonl.gz")


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What the build counted, for the card."""

    formats: tuple[str, ...]
    containers: tuple[str, ...]
    rows: Mapping[tuple[str, str], int]  # (format, split) -> rows
    traces: Mapping[str, int]  # split -> traces
    dropped_traces: int
    agreement: Summary | None = None  # of the included traces with two or more annotators
    srl_rows_capped: int = 0  # SRL rows left out by srl_max_steps_per_trace

    @property
    def card_container(self) -> str:
        return next(c for c in _CONTAINER_PREFERENCE if c in self.containers)

    def splits_of(self, format_name: str) -> list[str]:
        """The splits that have rows (and so files) in this format."""
        return [s for s in SPLITS if self.rows.get((format_name, s), 0)]


def feature_yaml(schema: pa.Schema) -> list[dict[str, Any]]:
    """Hugging Face ``features`` for an Arrow schema made of the types the formats use."""
    return [{"name": field.name, **_feature_type(field.type)} for field in schema]


def _feature_type(arrow_type: pa.DataType) -> dict[str, Any]:
    if pa.types.is_list(arrow_type):
        item = _feature_type(arrow_type.value_type)
        return {"list": item.get("dtype", item.get("struct"))}
    if pa.types.is_struct(arrow_type):
        return {"struct": [{"name": f.name, **_feature_type(f.type)} for f in arrow_type]}
    names = {pa.string(): "string", pa.int64(): "int64", pa.bool_(): "bool", pa.float64(): "float64"}
    return {"dtype": names[arrow_type]}


def card_metadata(facts: CardFacts, options: BuildOptions) -> dict[str, Any]:
    configs, infos = [], []
    for format_name in facts.formats:
        splits = facts.splits_of(format_name)
        if not splits:
            continue  # a config without data files would not load
        paths = [artifact_path(format_name, s, facts.card_container) for s in splits]
        configs.append({
            "config_name": format_name,
            "data_files": [{"split": s, "path": p} for s, p in zip(splits, paths, strict=True)],
        })
        # Declared features keep JSONL columns typed even when a split has only nulls in one.
        infos.append({"config_name": format_name,
                      "features": feature_yaml(FORMATS[format_name].schema)})
    return {
        "pretty_name": options.dataset_name,
        "license": options.license,
        "size_categories": [_size_category(sum(facts.traces.values()))],
        "task_categories": ["text-generation"],
        "tags": ["stepwise", "step-supervision", "srl", "process-reward"],
        "configs": configs,
        "dataset_info": infos,
    }


def _size_category(count: int) -> str:
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
              (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")]
    return next((label for bound, label in bounds if count < bound), "10M<n<100M")


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block YAML for dicts, lists and scalars; scalars JSON-encoded."""
    return "".join(_yaml_lines(value, indent))


def _yaml_lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:\n")
                lines.extend(_yaml_lines(item, indent + 2))
            else:
                lines.append(f"{pad}{key}: {json.dumps(item, ensure_ascii=False)}\n")
        return lines
    for item in value:
        if isinstance(item, dict):
            body = _yaml_lines(item, indent + 2)
            lines.append(f"{pad}- {body[0].lstrip()}")
            lines.extend(body[1:])
        else:
            lines.append(f"{pad}- {json.dumps(item, ensure_ascii=False)}\n")
    return lines


def render_card(facts: CardFacts, options: BuildOptions) -> str:
    """The whole README.md."""
    header = to_yaml(card_metadata(facts, options))
    return f"---\n{header}---\n\n" + _body(facts, options)


def _body(facts: CardFacts, options: BuildOptions) -> str:
    sections = [
        f"# {options.dataset_name} (version {options.version})\n\n"
        "Step-supervised data built by Stepwise from teacher reasoning traces. Every file is "
        "listed with its SHA-256 and size in `manifest.json`; `traces.jsonl` says which "
        "segmentation (id, revision, author) of which trace each version used.\n",
        _counts_table(facts),
        _formats_section(facts, options),
        _prompt_section(options),
        _SPLITS_SECTION.format(ratios=", ".join(f"{r:g}" for r in options.split_ratios)),
        _filters_section(facts, options),
        _agreement_section(facts),
        _REWARD_SECTION,
        f"## License\n\n`{options.license}`; the traces keep the terms of their sources.\n",
    ]
    return "\n".join(sections)


def _counts_table(facts: CardFacts) -> str:
    lines = ["## Counts\n", "| config | " + " | ".join(SPLITS) + " |",
             "|---|" + "---:|" * len(SPLITS)]
    lines.append("| traces | " + " | ".join(str(facts.traces.get(s, 0)) for s in SPLITS) + " |")
    for format_name in facts.formats:
        counts = [str(facts.rows.get((format_name, s), 0)) for s in SPLITS]
        lines.append(f"| {format_name} rows | " + " | ".join(counts) + " |")
    return "\n".join(lines) + "\n"


def _formats_section(facts: CardFacts, options: BuildOptions) -> str:
    lines = ["## Formats\n"]
    for format_name in facts.formats:
        lines.append(f"- `{format_name}`: {FORMATS[format_name].summary}.")
    hint = "with" if options.next_step_title_hint else "without"
    lines.append(
        f"\nSRL prompts are built {hint} the next step's title as a hint; `expert_step` is "
        "exactly the text the model is asked to write. All N steps of a solution are targets "
        "(`step_index` 1..`num_steps`); the paper trains on steps 1..N-1: filter "
        "`step_index < num_steps` to match it. Agent trajectories: the context is the task and "
        f"the last {options.agent_context_pairs} action/observation pairs; the target is the "
        "action. The `prompt` column is conversational and works as-is with TRL's "
        "`GRPOTrainer`."
    )
    lines.append("\n" + srl_context_sentence(options))
    if options.srl_max_steps_per_trace is not None:
        lines.append(
            f"\nSRL rows are capped at {options.srl_max_steps_per_trace} per trace: a longer "
            f"trace keeps the rows of its first {options.srl_max_steps_per_trace} steps (its "
            f"other formats are whole); {facts.srl_rows_capped} rows were left out."
        )
    return "\n".join(lines) + "\n\n" + _loading_section(facts)


def srl_context_rules(options: BuildOptions) -> dict[str, dict[str, int | None]]:
    """The context rule each steps field's text SRL rows were built with (for the manifest)."""
    return {field: rule_of(field, options).as_dict() for field in FIELD_DEFAULTS}


def srl_context_sentence(options: BuildOptions) -> str:
    parts = [
        f"steps cut from the `{field}`: "
        + rule_of(field, options).describe()
        for field in FIELD_DEFAULTS
    ]
    return (
        "SRL context of text traces (which previous steps a row's prompt carries): "
        + "; ".join(parts) + ". When earlier steps are left out, the prompt's context is "
        "headed `Solution (earlier steps omitted):`."
    )


def _loading_section(facts: CardFacts) -> str:
    others = [c for c in facts.containers if c != facts.card_container]
    text = (
        "## Loading\n\n"
        f"Files: `<format>/data/<split>-00000-of-00001.<ext>`. The configs above read the "
        f"`{facts.card_container}` files with the features declared in `dataset_info`: "
        "`datasets.load_dataset(path, \"srl\")`.\n"
    )
    for container in others:
        files = "{\"train\": \"srl/data/train-00000-of-00001." + container + "\"}"
        text += (f"The `{container}` copies load with "
                 f"`datasets.load_dataset(path, data_files={files}, features=features)`.\n")
    if others:
        # JSON lines carry no types: without them datasets guesses from the first rows.
        text += (
            "\nPass the declared features with `data_files=`, "
            "`features = datasets.info.DatasetInfosDict.from_directory(path)[\"srl\"].features`: "
            "JSON lines carry no types, and a column that is null in the first rows fails "
            "to load otherwise. `stepwise_client` does this for you.\n"
        )
    return text


def callable_name(function: Any) -> str:
    """A stable name for a filter or mapping (never a repr: it would carry an address)."""
    inner = getattr(function, "func", function)  # functools.partial
    return getattr(inner, "__name__", type(inner).__name__)


def _filters_section(facts: CardFacts, options: BuildOptions) -> str:
    names = ", ".join(f"`{callable_name(f)}`" for f in options.trace_filters)
    return (
        "## Filters\n\n"
        f"Trace filters: {names or 'none'}. Traces left out by them: {facts.dropped_traces}. "
        f"PRM labels: `{callable_name(options.label_for_rating)}` maps each "
        "step's rating to a good or bad step (a boolean in `prm`, 1/0 in `prm_separator`, "
        "`+`/`-` in `prm_steptag`; `prm800k` keeps the ratings as they are); `labels` in "
        "`manifest.json` lists what -1, 0, +1 and unrated became in each layout, and the raw "
        "`ratings` are in the rows.\n"
    )


def _agreement_section(facts: CardFacts) -> str:
    """The annotators' agreement over the version's traces (``curation.quality.per_project``)."""
    summary = facts.agreement
    if summary is None:
        return "## Agreement\n\nNo trace of this version has two or more annotators.\n"

    def figure(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    rows = [
        ("boundary precision / recall / F1 (pooled cuts)",
         " / ".join(figure(v) for v in (summary.boundary_precision, summary.boundary_recall,
                                        summary.boundary_f1))),
        ("mean per-trace boundary F1", figure(summary.mean_trace_boundary_f1)),
        ("step types: Cohen's kappa / Krippendorff's alpha / observed",
         " / ".join(figure(v) for v in (summary.type_kappa, summary.type_alpha, summary.type_observed))),
        ("ratings: weighted kappa / ordinal alpha / observed",
         " / ".join(figure(v) for v in (summary.rating_kappa, summary.rating_alpha,
                                        summary.rating_observed))),
        ("same first error", f"{figure(summary.first_error_agreement)} of {summary.first_error_pairs} pairs"),
    ]
    lines = [
        "## Agreement\n",
        f"{summary.traces} traces of this version were cut by two or more annotators "
        f"({summary.pairs} annotator pairs, {summary.matched_steps} matched steps); their "
        "boundaries and labels agree as follows (per trace in the `steps` rows' `agreement`).\n",
        "| figure | value |", "|---|---|",
        *(f"| {name} | {value} |" for name, value in rows),
    ]
    return "\n".join(lines) + "\n"


def _prompt_section(options: BuildOptions) -> str:
    def indented(text: str) -> str:  # an indented block cannot be closed by the text itself
        return "\n".join("    " + line for line in text.splitlines())

    return (
        "## SRL system prompts\n\n"
        "Text traces (the SRL paper's prompt, arXiv 2510.25992, appendix B.2.1, unless the "
        f"project changed it):\n\n{indented(options.system_prompt)}\n\n"
        f"Agent trajectories:\n\n{indented(options.agent_system_prompt)}\n"
    )


_SPLITS_SECTION = """## Splits

train/validation/test in the ratios ({ratios}), assigned by SHA-256 of the normalized problem
(Unicode NFKC, case-folded, whitespace collapsed): one problem never lands in two splits, and
the same problem always lands in the same split.
"""

_REWARD_SECTION = """## SRL reward

How the reward for an `srl` row is meant to be computed (Deng et al. 2025, arXiv 2510.25992,
sec. 4.2), implemented in `srl_reward.py` shipped beside this card (function
`srl_reward(completions, expert_step, **kwargs)`, TRL GRPOTrainer's reward signature):

1. The completion must be `<think>...</think>` followed by a non-empty step: exactly one think
   block, opened at the start. Otherwise the output is malformed and the reward is **-1**.
2. Otherwise the reward is the similarity of the text after `</think>` (surrounding whitespace
   stripped) to `expert_step`: `difflib.SequenceMatcher(None, step, expert_step,
   autojunk=False).ratio()`, that is **2M/T**, with M the characters in the matching blocks and
   T the length of both strings together; a number in [0, 1].
"""
