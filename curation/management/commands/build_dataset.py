"""manage.py build_dataset --project SLUG --dataset NAME [--formats srl,prm,sft,steps]
[--container jsonl,parquet] [--source approved|submitted|auto] [--labels human|consensus|any]
[--out DIR] [filters ...]
[--srl-context-steps K] [--srl-context-tokens T] [--max-steps-per-trace N] [--max-bytes B]

Prints the expected rows and bytes per format, refuses a build above the cap
(``STEPWISE_MAX_BUILD_BYTES``, or a smaller ``--max-bytes``), else builds and publishes a new
version, then prints its number and the path of its manifest.
With ``--verify N`` it builds version N again from the database and compares the checksums:
every data file must match; a card (README.md) that alone differs is reported as a note.
"""
from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from curation.export.build import CARD_NAME
from curation.export.context import FIELD_DEFAULTS
from curation.export.formats import DEFAULT_FORMATS, FORMATS
from curation.export.splits import SPLITS
from curation.export.writers import CONTAINERS
from curation.management.progress import ProgressBar, follow
from curation.models import Dataset, DatasetVersion, Project
from curation.services.datasets import build as datasets
from curation.services.datasets.estimate import (
    BuildTooLarge, estimate_selection, max_build_bytes,
)
from curation.services.datasets.spec import (
    DEFAULT_CONTAINERS, LABEL_RULES, LABEL_SOURCES, RATING_RULES, REVIEW_RULES, SOURCES, STATUSES,
    BuildSpec, InvalidSpec, default_srl_context,
)


def _labels(opts: dict) -> dict:
    """--labels names whose labels (human, consensus, any); it named the PRM label rule before
    --label-rule existed, and those values still mean that."""
    if opts["labels"] in LABEL_RULES:
        return {"labels": opts["labels"], "label_sources": "human"}
    return {"labels": opts["label_rule"], "label_sources": opts["labels"]}


def comma_list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


class Command(BaseCommand):
    help = "Build and publish a new version of a dataset (created if missing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", required=True, help="Project slug.")
        parser.add_argument("--dataset", required=True, help="Dataset name (a slug).")
        parser.add_argument("--formats", type=comma_list, default=DEFAULT_FORMATS,
                            help=f"Comma-separated, of {', '.join(FORMATS)} "
                                 f"(default: {','.join(DEFAULT_FORMATS)}).")
        parser.add_argument("--container", type=comma_list, default=DEFAULT_CONTAINERS,
                            help=f"Comma-separated, of {', '.join(CONTAINERS)} "
                                 f"(default: {','.join(DEFAULT_CONTAINERS)}).")
        parser.add_argument("--source", choices=list(SOURCES), default="submitted",
                            help="Which segmentation of each trace: " + "; ".join(
                                f"{name}: {text}" for name, text in SOURCES.items()))
        parser.add_argument("--annotator", default="",
                            help="Take this annotator's submitted segmentation, not the latest.")
        parser.add_argument("--out", type=Path, help="Also copy the version's files here.")
        parser.add_argument("--enqueue", action="store_true",
                            help="Hand the build to the Celery workers and follow its progress.")
        parser.add_argument("--verify", type=int, metavar="N",
                            help="Build published version N again and compare its checksums "
                                 "(publishes nothing).")
        self._add_filters(parser)
        self._add_options(parser)

    def _add_filters(self, parser: CommandParser) -> None:
        filters = parser.add_argument_group("filters")
        filters.add_argument("--status", type=comma_list, default=(),
                             help=f"Chosen segmentation's status, of {', '.join(STATUSES)}.")
        filters.add_argument("--reviewer", default="", help="Approved by this username.")
        filters.add_argument("--teacher", action="append", default=[],
                             help="Teacher model (repeatable).")
        filters.add_argument("--source-field", metavar="KEY[=VALUE]",
                             help="Trace source metadata has KEY (equal to VALUE).")
        filters.add_argument("--step-type", action="append", default=[],
                             help="Has a step of this type (repeatable: any of them).")
        for name in ("min-steps", "max-steps", "min-tokens", "max-tokens", "max-step-tokens"):
            filters.add_argument(f"--{name}", type=int)
        filters.add_argument("--review", choices=list(REVIEW_RULES), default="any",
                             help="; ".join(f"{k}: {v}" for k, v in REVIEW_RULES.items()))
        filters.add_argument("--min-agreement", type=float, metavar="F1",
                             help="Traces whose annotators' boundary F1 is at least this (0-1).")
        filters.add_argument("--ratings", choices=list(RATING_RULES), default="all",
                             help="; ".join(f"{k}: {v[0]}" for k, v in RATING_RULES.items()))

    def _add_options(self, parser: CommandParser) -> None:
        options = parser.add_argument_group("format options")
        options.add_argument("--hint", action="store_true",
                             help="SRL prompts end with the next step's title.")
        options.add_argument("--labels", choices=[*LABEL_SOURCES, *LABEL_RULES], default="human",
                             help="Whose labels: " + "; ".join(f"{k}: {v}" for k, v in LABEL_SOURCES.items())
                             + " (plus-one and non-negative, spelt here before, set --label-rule).")
        options.add_argument("--label-rule", choices=list(LABEL_RULES), default="plus-one",
                             help="; ".join(f"{k}: {v[0]}" for k, v in LABEL_RULES.items()))
        options.add_argument("--srl-context-steps", type=int, metavar="K",
                             help="SRL rows keep the last K previous steps (0: no limit).")
        options.add_argument("--srl-context-tokens", type=int, metavar="T",
                             help="... and at most T tokens of them (0: no limit). Neither "
                                  "given: each steps field's default ("
                                  + "; ".join(f"{f}: {r.describe()}"
                                              for f, r in sorted(FIELD_DEFAULTS.items())) + ").")
        options.add_argument("--max-steps-per-trace", type=int, metavar="N",
                             help="At most N SRL rows a trace, those of its first steps.")
        options.add_argument("--max-bytes", type=int, metavar="B",
                             help="Refuse a build estimated above B bytes of JSON lines "
                                  "(at most STEPWISE_MAX_BUILD_BYTES).")

    def handle(self, *args, **opts) -> None:
        project = Project.objects.filter(slug=opts["project"]).first()
        if project is None:
            raise CommandError(f"no project {opts['project']!r}")
        if opts["verify"] is not None:
            self._verify(project, opts["dataset"], opts["verify"])
            return
        spec = self._spec(opts)
        out = opts["out"]
        if out is not None and out.exists() and any(out.iterdir()):
            raise CommandError(f"--out {out} is not empty")
        dataset = self._dataset(project, opts["dataset"])
        max_bytes = self._max_bytes(opts["max_bytes"])
        self._show_estimate(estimate_selection(dataset, spec))
        start = datasets.start_dataset_build if opts["enqueue"] else datasets.start_build
        try:
            version = start(dataset=dataset, spec=spec, max_bytes=max_bytes)
        except BuildTooLarge as exc:
            raise CommandError(f"Not built: {exc}") from None
        self.stdout.write(f"Building {version} from {version.traces_total} traces.")
        version = self._run(version, opts["enqueue"])
        if version.status != DatasetVersion.Status.PUBLISHED:
            raise CommandError(f"{version}: {version.message}")
        self.stdout.write(
            self.style.SUCCESS(f"Version {version.number} published: {version.message}"))
        self.stdout.write(f"Manifest: {self._manifest(version, opts['out'])}")

    @staticmethod
    def _max_bytes(requested: int | None) -> int | None:
        try:
            return max_build_bytes(requested)
        except ValueError as exc:
            raise CommandError(f"--max-bytes: {exc}") from None

    def _show_estimate(self, estimate) -> None:
        self.stdout.write("Expected (JSON lines before compression):")
        for line in estimate.table():
            splits = ", ".join(f"{split} {cell.rows} rows {_mb(cell.bytes)}"
                               for split, cell in zip(SPLITS, line["splits"]))
            total = line["total"]
            self.stdout.write(f"  {line['format']}: {total.rows} rows, {_mb(total.bytes)} "
                              f"({splits})")
        if estimate.largest:
            top = estimate.largest[0]
            self.stdout.write(f"  largest trace: #{top.trace_id}, {top.steps} steps, "
                              f"{top.rows} rows, {_mb(top.bytes)}")

    def _verify(self, project: Project, name: str, number: int) -> None:
        version = DatasetVersion.objects.filter(
            dataset__project=project, dataset__name=name, number=number,
            status=DatasetVersion.Status.PUBLISHED).select_related("dataset__project").first()
        if version is None:
            raise CommandError(f"no published version {number} of {project.slug}/{name}")
        differing = datasets.verify_version(version)
        files = len(version.manifest["files"])
        # Verify promises data reproducibility: every data file (and the reward module) must
        # match; the card alone may differ, its facts come from the same rows so only its
        # template's wording can have changed.
        strict = [path for path in differing if path != CARD_NAME]
        if strict:
            raise CommandError(
                f"{version} does not reproduce; differing files: {', '.join(differing)}")
        if differing:
            self.stdout.write(self.style.SUCCESS(
                f"{version} reproduces: all {files - 1} files but the card have the same SHA-256."))
            self.stdout.write(
                f"Note: the card's wording changed since this version was built ({CARD_NAME} "
                "differs); every data file reproduces.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"{version} reproduces: all {files} files have the same SHA-256."))

    def _spec(self, opts: dict) -> BuildSpec:
        key, _, value = (opts["source_field"] or "").partition("=")
        try:
            return BuildSpec(
                source=opts["source"], annotator=opts["annotator"], statuses=opts["status"],
                reviewer=opts["reviewer"], teacher_models=tuple(opts["teacher"]),
                source_key=key, source_value=value, step_types=tuple(opts["step_type"]),
                min_steps=opts["min_steps"], max_steps=opts["max_steps"],
                min_tokens=opts["min_tokens"], max_tokens=opts["max_tokens"],
                max_step_tokens=opts["max_step_tokens"], ratings=opts["ratings"],
                review=opts["review"], min_agreement=opts["min_agreement"],
                formats=opts["formats"], containers=opts["container"],
                next_step_title_hint=opts["hint"], **_labels(opts),
                srl_context=self._context(opts),
                max_steps_per_trace=opts["max_steps_per_trace"],
            )
        except InvalidSpec as exc:
            raise CommandError(str(exc)) from None

    @staticmethod
    def _context(opts: dict) -> dict:
        """The limits given apply to every steps field; none given: each field's default."""
        steps, tokens = opts["srl_context_steps"], opts["srl_context_tokens"]
        if steps is None and tokens is None:
            return default_srl_context()
        return {name: {"max_steps": steps, "max_tokens": tokens} for name in FIELD_DEFAULTS}

    def _dataset(self, project: Project, name: str) -> Dataset:
        dataset = project.datasets.filter(name=name).first()
        if dataset is None:
            try:
                dataset = datasets.create_dataset(project=project, name=name)
            except ValidationError as exc:  # names the bad field: a name that is no slug, ...
                raise CommandError(f"dataset {name!r}: {exc}") from None
            self.stdout.write(f"Created dataset {dataset}.")
        return dataset

    def _run(self, version: DatasetVersion, enqueue: bool) -> DatasetVersion:
        bar = ProgressBar()

        def draw(done: int, total: int) -> None:
            bar.draw(min(100, 100 * done // total) if total else 0, f"{done}/{total} traces")

        if enqueue:  # start_dataset_build has enqueued it
            version = follow(
                version, finished=lambda v: v.status != DatasetVersion.Status.BUILDING,
                draw=lambda v: draw(v.traces_done, v.traces_total),
            )
        else:
            version = datasets.build_version(version, on_progress=draw)
        bar.draw(100, f"{version.traces_done}/{version.traces_total} traces", finished=True)
        return version

    def _manifest(self, version: DatasetVersion, out: Path | None) -> str:
        if out is None:
            return datasets.manifest_location(version)
        try:
            copied = datasets.copy_published(version, out)
        except FileExistsError as exc:
            raise CommandError(f"--out: {exc}") from None
        return str((copied / "manifest.json").resolve())


def _mb(count: int) -> str:
    return f"{count / 1e6:.1f} MB"
