"""The domain's tables. Thin: behaviour lives in services and in the pure cores."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone

from curation.segment.schema import (
    DEFAULT_LABEL_SCHEMA, DEFAULT_RATING_SCALE, label_schema_problems,
)
from curation.traces.records import STEP_FIELDS

# A segmentation may cut a model's rewrite of the response (SRL rewrite, issue 17) instead of
# one of the trace's own fields; the rewrite is its own row, never written over the response.
REWRITE_FIELD = "rewrite"
SEGMENTATION_FIELDS = (*STEP_FIELDS, REWRITE_FIELD)


def default_label_schema() -> list[dict]:
    return [dict(label) for label in DEFAULT_LABEL_SCHEMA]


def default_rating_scale() -> list[dict]:
    return [dict(rating) for rating in DEFAULT_RATING_SCALE]


def default_segmentation_config() -> dict:
    return {"strategy": "auto", "params": {}}


class Project(models.Model):
    """One curation effort: its schema, its strategy, its people and its traces."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What this effort is for, in a line or two.")
    guidelines = models.TextField(blank=True, help_text="Markdown shown to annotators.")
    label_schema = models.JSONField(default=default_label_schema)
    rating_scale = models.JSONField(default=default_rating_scale)
    segmentation = models.JSONField(default=default_segmentation_config)
    overlap = models.PositiveSmallIntegerField(default=1, help_text="Annotations wanted per trace.")
    # The quality loop (issue 15): how agreement is measured and what it decides.
    agreement_tolerance = models.PositiveIntegerField(
        default=3, help_text="How far apart two annotators' cuts may be and still agree."
    )
    agreement_unit = models.CharField(
        max_length=8, choices=[("chars", "characters"), ("tokens", "tokens")], default="chars"
    )
    agreement_threshold = models.FloatField(
        default=0.8, help_text="Below this boundary F1 a trace goes to one more annotator or to adjudication."
    )
    max_annotators = models.PositiveSmallIntegerField(
        default=3, help_text="Annotators a disagreeing trace may reach before it is adjudicated."
    )
    auto_approve_consensus = models.BooleanField(
        default=False, help_text="Approve a segmentation automatically when its annotators agree."
    )
    gold_rate = models.FloatField(default=0.0, help_text="Share of queue items that are gold (0 to 1).")
    screening_items = models.PositiveSmallIntegerField(
        default=0, help_text="Gold items a new annotator does before real work (0: no screening)."
    )
    screening_threshold = models.FloatField(default=0.8, help_text="Gold score needed to pass screening.")
    # The workbench (issue 14): import defaults, and archiving (nothing is deleted until a purge).
    default_preset = models.CharField(max_length=32, default="auto", help_text="The import form's preset.")
    default_teacher = models.CharField(max_length=200, blank=True, help_text="The import form's teacher.")
    default_atomic = models.BooleanField(default=False, help_text="Imports are all-or-nothing by default.")
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Archived: out of the lists, no new imports or work."
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="projects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("project-detail", args=[self.slug])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def clean(self) -> None:
        super().clean()
        self._check_label_schema()

    def save(self, *args, **kwargs) -> None:
        # Colours go into style attributes: a bad one is refused whoever saves (admin, shell).
        if "label_schema" in (kwargs.get("update_fields") or ["label_schema"]):
            self._check_label_schema()
        super().save(*args, **kwargs)

    def _check_label_schema(self) -> None:
        if problems := label_schema_problems(self.label_schema):
            raise ValidationError({"label_schema": problems})


class Membership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        ANNOTATOR = "annotator", "Annotator"
        REVIEWER = "reviewer", "Reviewer"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANNOTATOR)
    paused = models.BooleanField(default=False, help_text="A paused annotator gets no new traces.")
    screening = models.CharField(
        max_length=12,
        choices=[("none", "Not required"), ("pending", "Screening"), ("passed", "Passed"), ("failed", "Failed")],
        default="none",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.project}"


class Invitation(models.Model):
    """A link that lets one person join a project with a role; only the token's SHA-256 is kept.

    Usable until it expires, is revoked or is accepted once (see curation/services/invitations.py).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=Membership.Role.choices)
    email = models.EmailField(blank=True, help_text="Only an account with this address may accept.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        addressee = f" for {self.email}" if self.email else ""
        return f"{self.role} invitation to {self.project}{addressee}"


class FieldMapping(models.Model):
    """A user's field mapping (dotted paths), saved on a project to be reused on later imports."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="mappings")
    name = models.SlugField()
    fields = models.JSONField(help_text='Trace field -> dotted path, e.g. {"problem": "q.text"}.')

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_mapping_name")
        ]

    def __str__(self) -> str:
        return f"{self.project.slug}/{self.name}"


# Most file systems allow 255 bytes per name; the storage may add "_" and 7 characters to make
# a name unique, and the name may be UTF-8 of several bytes a character: stay well below.
MAX_STORED_NAME_BYTES = 150


def import_upload_path(job: "ImportJob", filename: str) -> str:
    return f"imports/{job.project.slug}/{short_file_name(filename)}"


def short_file_name(filename: str, max_bytes: int = MAX_STORED_NAME_BYTES) -> str:
    """``filename`` cut to ``max_bytes`` of UTF-8, keeping its extensions (``.jsonl.gz``).

    A 250-character upload name once raised "OSError: File name too long"; the original name
    is kept on the job for people to read, this one is only where the bytes are stored.
    """
    if len(filename.encode()) <= max_bytes:
        return filename
    stem, suffix = filename, ""
    for _ in range(2):  # at most two short extensions: .jsonl.gz, .tar.gz
        base, dot, ext = stem.rpartition(".")
        if not dot or not base or len(ext) > 10:
            break
        stem, suffix = base, f".{ext}{suffix}"
    room = max(1, max_bytes - len(suffix.encode()))
    return stem.encode()[:room].decode(errors="ignore") + suffix


class ImportJob(models.Model):
    """One file being imported into a project: what was asked, how far it got, what went wrong."""

    class Status(models.TextChoices):
        STAGED = "staged", "Uploaded, not started"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    file = models.FileField(upload_to=import_upload_path, max_length=500, blank=True)
    # The CLI imports a local file in place instead of copying it into storage.
    source_path = models.CharField(max_length=1000, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    preset = models.CharField(max_length=32, default="auto", help_text="The preset asked for.")
    detected_preset = models.CharField(max_length=32, blank=True, help_text="The preset used.")
    mapping = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    atomic = models.BooleanField(default=False, help_text="All records or none.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)

    bytes_total = models.BigIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    records_seen = models.PositiveIntegerField(default=0)
    traces_created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    errors_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first bad records.")

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Worker leases (curation.services.workers): the task running it, its last sign of life,
    # how many times a worker took it. The reaper requeues a running job whose heartbeat stopped.
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import #{self.pk} of {self.original_name} into {self.project.slug}"

    def get_absolute_url(self) -> str:
        return reverse("import-detail", args=[self.project.slug, self.pk])

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.bytes_total:
            return 0
        return min(99, int(100 * self.bytes_read / self.bytes_total))

    def open_source(self):
        """The uploaded file (or the CLI's local file), opened for binary reading: streamed
        from object storage in bounded memory, never copied whole (services/streams)."""
        if self.file:
            from curation.services.streams import open_stream

            return open_stream(self.file.storage, self.file.name)
        return open(self.source_path, "rb")

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class Trace(models.Model):
    """One teacher output. Its text never changes once imported: steps point into it."""

    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        AGENT = "agent", "Agent transcript"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="traces")
    import_job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="traces"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEXT)
    problem = models.TextField()
    reasoning = models.TextField(blank=True)
    response = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    teacher_model = models.CharField(max_length=200, blank=True, db_index=True)
    source = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # The workbench (issue 14): a lead's bulk decisions about a trace.
    priority = models.SmallIntegerField(default=0, help_text="Higher comes first in the queue.")
    excluded = models.BooleanField(default=False, help_text="Left out of every dataset build.")
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Archived: out of the browser, the queue and datasets."
    )
    # Kept by the database (no import path can forget it): the browser filters and sorts on it
    # without reading the texts.
    length = models.GeneratedField(
        expression=Length("reasoning") + Length("response"),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
        help_text="Characters of reasoning and response.",
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            # The trace browser's keyset pages (newest first) and the queue's order.
            models.Index(fields=["project", "-id"], name="trace_project_newest"),
            models.Index(fields=["project", "-priority", "id"], name="trace_queue_order"),
            models.Index(fields=["project", "length", "id"], name="trace_project_length"),
            # A teacher's or an import's traces, newest first, without scanning the others; the
            # browser's teacher list is a skip scan of the first.
            models.Index(fields=["project", "teacher_model", "-id"], name="trace_project_teacher"),
            models.Index(fields=["import_job", "-id"], name="trace_import_newest"),
            # The browser's "queued first" sort (priority, then newest): the queue's index above
            # orders ties oldest first, and a sort of every trace was 3 s at 1M.
            models.Index(fields=["project", "-priority", "-id"], name="trace_project_priority"),
            models.Index(fields=["project", "-id"], condition=models.Q(excluded=True),
                         name="trace_project_excluded"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "content_hash"], name="unique_trace_content_per_project"
            )
        ]

    def __str__(self) -> str:
        return f"Trace #{self.pk}: {self.problem[:60]}"

    def field_text(self, name: str, rewrite: "TraceRewrite | None" = None) -> str:
        """The text steps of field ``name`` point into; "rewrite" is a model's rewrite of the
        response, kept beside it (``rewrite`` says which one)."""
        if name == REWRITE_FIELD:
            if rewrite is None or rewrite.trace_id != self.pk:
                raise ValueError("steps into a rewrite need that rewrite of this trace")
            return rewrite.text
        if name not in STEP_FIELDS:
            raise ValueError(f"steps cannot point into {name!r}")
        return getattr(self, name)


class Segmentation(models.Model):
    """One author's list of steps for one field of one trace."""

    class Origin(models.TextChoices):
        AUTO = "auto", "Automatic"
        IMPORTED = "imported", "Imported with the source"
        HUMAN = "human", "Annotator"
        MODEL = "model", "Proposed by a model"  # sections, a rewrite's steps: never built unreviewed

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"
        SKIPPED = "skipped", "Skipped"  # its annotator gave the trace back; kept for its history

    # No index of its own: the (trace, origin) index below serves every lookup by trace.
    trace = models.ForeignKey(
        Trace, on_delete=models.CASCADE, related_name="segmentations", db_index=False
    )
    field = models.CharField(
        max_length=16, choices=[(name, name) for name in SEGMENTATION_FIELDS], default="response"
    )
    rewrite = models.ForeignKey(
        "TraceRewrite", null=True, blank=True, on_delete=models.CASCADE, related_name="segmentations",
        help_text='The rewrite the steps point into, when field is "rewrite".',
    )
    origin = models.CharField(max_length=8, choices=Origin.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    strategy = models.CharField(max_length=32, blank=True, help_text="For automatic ones.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(default=1)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    is_gold = models.BooleanField(default=False, help_text="An approved segmentation annotators are scored on.")
    parents = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="children",
        help_text="The annotators' segmentations an adjudicated one was made from.",
    )
    time_spent_seconds = models.PositiveIntegerField(null=True, blank=True)
    stop_reason = models.CharField(
        max_length=16, blank=True,
        choices=[
            ("first_error", "Found the first error"), ("checked", "Checked to the end"),
            ("bad_problem", "Bad problem"), ("gave_up", "Gave up"),
        ],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["trace_id", "id"]
        indexes = [
            models.Index(fields=["trace", "origin"]),
            # The trace browser's state filters (approved, submitted, in progress): the few
            # traces in a state, found without walking every trace newest first.
            models.Index(fields=["field", "status", "origin", "trace"], name="segmentation_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_origin_display()} segmentation of trace #{self.trace_id} r{self.revision}"

    def text(self) -> str:
        """The text its steps point into (the trace's field, or the rewrite's text)."""
        return self.trace.field_text(self.field, self.rewrite if self.rewrite_id else None)


class Step(models.Model):
    """A half-open span [start, end) of the segmentation's field, with its labels."""

    segmentation = models.ForeignKey(Segmentation, on_delete=models.CASCADE, related_name="steps")
    # Where the step sits in its segmentation: only the order of positions means anything. A
    # step's index (0..n-1, what the API, exports and the editor show) is its rank among its
    # segmentation's positions, counted where it is read. Writers number 0, 1, 2, ...; a split
    # puts the new step between two positions instead of renumbering every step after it
    # (services.annotation.drafts), so an edit costs the same wherever it is in a long draft.
    position = models.FloatField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    type = models.CharField(max_length=32, blank=True)
    rating = models.SmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    token_count = models.PositiveIntegerField(null=True, blank=True)
    flagged = models.BooleanField(default=False, help_text="Marked by an annotator for a second look.")
    # Provenance of the step's labels (issue 17): "" is as before (the segmentation's author:
    # a person, the importer or the segmenter's rules); a model's value once a person accepted it.
    label_source = models.CharField(max_length=12, blank=True, default="", db_default="")
    # Indexed only where set (below): every split or merge rewrites the rows of the steps after
    # it, and each row version goes into every index of the table; almost no step is verified.
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )

    class Meta:
        ordering = ["segmentation_id", "position"]
        indexes = [
            # The trace browser's "flagged" and "has a -1" filters: the few such steps, without
            # reading every step.
            models.Index(fields=["segmentation"], condition=models.Q(flagged=True), name="step_flagged"),
            models.Index(fields=["segmentation"], condition=models.Q(rating=-1), name="step_negative"),
            models.Index(
                fields=["verified_by"], name="step_verified_by",
                condition=models.Q(verified_by__isnull=False),
            ),
        ]
        constraints = [
            # Deferred (to commit) where the database can: an edit deletes and inserts steps in
            # one statement, a new step taking the position of one deleted (drafts.store).
            # SQLite has no deferrable constraints, so Django does not create it there.
            models.UniqueConstraint(
                fields=["segmentation", "position"],
                name="unique_step_index",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="step_not_empty"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__in=[-1, 0, 1]),
                name="rating_on_prm_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"step at {self.position:g} [{self.start}, {self.end})"


class SegmentationRun(models.Model):
    """One pass of the auto-segmenter over some of a project's traces, split into chunks."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="segmentation_runs")
    import_job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="segmentation_runs"
    )
    strategy = models.CharField(max_length=32, default="auto")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    traces_total = models.PositiveIntegerField(default=0)
    traces_done = models.PositiveIntegerField(default=0)
    steps_created = models.PositiveIntegerField(default=0)
    skipped_human = models.PositiveIntegerField(default=0, help_text="Traces a person had cut.")
    kept_imported = models.PositiveIntegerField(
        default=0, help_text="Traces that came cut with the source (also in skipped_human)."
    )
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="The last chunk done.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Requeues by the reaper.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Segmentation run #{self.pk} ({self.strategy}) of {self.project.slug}"

    @property
    def kept_human(self) -> int:
        """Traces left alone because a person of the project had cut them."""
        return max(self.skipped_human - self.kept_imported, 0)

    @property
    def progress_percent(self) -> int:
        if not self.traces_total:
            return 100 if self.status == self.Status.DONE else 0
        return int(100 * self.traces_done / self.traces_total)

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class Assignment(models.Model):
    """One annotator's turn at one trace, handed out by the queue.

    Active and submitted assignments fill the trace's ``overlap`` slots; skipped and expired ones
    free theirs. One row per (trace, annotator): the queue never hands a trace twice to one person,
    except to give back a trace whose assignment expired while the slot is still free.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        SUBMITTED = "submitted", "Submitted"
        SKIPPED = "skipped", "Skipped"
        EXPIRED = "expired", "Expired"
        RESERVED = "reserved", "Assigned by a lead, not started"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    trace = models.ForeignKey(Trace, on_delete=models.CASCADE, related_name="assignments")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    segmentation = models.ForeignKey(
        Segmentation, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    skip_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_active_at = models.DateTimeField(default=timezone.now, help_text="Expiry counts from here.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_active_at"]
        constraints = [
            models.UniqueConstraint(fields=["trace", "annotator"], name="one_assignment_per_annotator")
        ]
        indexes = [
            models.Index(fields=["trace", "status"]),
            models.Index(fields=["project", "annotator", "status"]),
            models.Index(fields=["project", "status", "last_active_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.annotator} on trace #{self.trace_id} ({self.status})"


class SegmentationEdit(models.Model):
    """One change to a segmentation, written once and never altered: the append-only history.

    A step edit is stored as a splice: from step ``position`` on, the steps ``before`` became the
    steps ``after`` (dicts of start, end, type, rating, note, flagged). Undo and redo apply a
    recorded splice backwards or forwards and point at it through ``target``.
    """

    class Operation(models.TextChoices):
        START = "start", "Started from the automatic steps"
        SPLIT = "split", "Split a step"
        MERGE = "merge", "Merged two steps"
        MOVE = "move", "Moved a boundary"
        TYPE = "type", "Set a type"
        RATE = "rate", "Rated a step"
        NOTE = "note", "Wrote a note"
        FLAG = "flag", "Flagged a step"
        UNDO = "undo", "Undid an edit"
        REDO = "redo", "Redid an edit"
        SUBMIT = "submit", "Submitted"

    segmentation = models.ForeignKey(Segmentation, on_delete=models.CASCADE, related_name="edits")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    operation = models.CharField(max_length=8, choices=Operation.choices)
    params = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True)
    before = models.JSONField(default=list, blank=True)
    after = models.JSONField(default=list, blank=True)
    revision = models.PositiveIntegerField(help_text="The segmentation's revision after this edit.")
    target = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The edit an undo or redo replays.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["segmentation_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["segmentation", "revision"], name="one_edit_per_revision")
        ]

    def __str__(self) -> str:
        return f"{self.operation} on segmentation #{self.segmentation_id} -> r{self.revision}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("The edit history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The edit history is append-only.")


def default_srl_system_prompt() -> str:
    from curation.export.prompts import SRL_SYSTEM_PROMPT  # plain text, no heavy imports

    return SRL_SYSTEM_PROMPT


class Dataset(models.Model):
    """A named dataset of a project; its content lives in numbered, immutable versions."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="datasets")
    name = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    license = models.CharField(max_length=64, default="other")
    srl_system_prompt = models.TextField(
        default=default_srl_system_prompt, help_text="The SRL paper's system prompt by default."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_dataset_name")
        ]

    def __str__(self) -> str:
        return f"{self.project.slug}/{self.name}"


class DatasetVersion(models.Model):
    """One frozen build of a dataset. Once published, nothing about it changes."""

    class Status(models.TextChoices):
        BUILDING = "building", "Building"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BUILDING)
    spec = models.JSONField(default=dict, help_text="Filters, source rule, formats, containers, options.")
    manifest = models.JSONField(default=dict, blank=True, help_text="manifest.json once published.")
    path = models.CharField(max_length=500, blank=True, help_text="Artifact folder, relative to storage.")
    traces_total = models.PositiveIntegerField(default=0)
    traces_done = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Worker leases, as on ImportJob: a build whose heartbeat stopped is started over.
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dataset_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk and DatasetVersion.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise ValueError(f"{self} is published and immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED:
            raise ValueError(f"{self} is published and immutable.")
        return super().delete(*args, **kwargs)


class ApiToken(models.Model):
    """A trainer's personal API token; only its SHA-256 is stored, the token is shown once."""

    class Scope(models.TextChoices):
        # Labels say what each allows (the stored values never change).
        READ = "read", "Read datasets, traces and jobs (read only)"
        WRITE = "write", "Read datasets and traces, write imports and training jobs"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognize it.")
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, help_text="Only this project."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class TrainingJob(models.Model):
    """A trainer's consumer of a dataset: which versions it wants and where they go."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_jobs")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="training_jobs")
    name = models.CharField(max_length=200)
    version = models.ForeignKey(
        DatasetVersion, null=True, blank=True, on_delete=models.PROTECT,
        help_text="A fixed version; empty means each new published version.",
    )
    format = models.CharField(max_length=16, default="srl")
    webhook_url = models.URLField(blank=True)
    storage_target = models.CharField(max_length=500, blank=True, help_text="A folder to copy artifacts to.")
    secret = models.CharField(max_length=64, help_text="Signs webhook bodies (HMAC-SHA256).")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    metrics = models.JSONField(default=dict, blank=True)
    # Deliveries stop while paused: by a lead, or because the owner left the project, was
    # deactivated, or revoked the token that registered the job (``token``; None: a session).
    token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="training_jobs"
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Training job {self.name}"


class Delivery(models.Model):
    """One attempt to hand a version to a training job, and how it went."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        RETRYING = "retrying", "Failed, will retry"
        FAILED = "failed", "Failed"

    job = models.ForeignKey(TrainingJob, on_delete=models.CASCADE, related_name="deliveries")
    version = models.ForeignKey(DatasetVersion, on_delete=models.PROTECT, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    elapsed_ms = models.FloatField(null=True, blank=True, help_text="How long the webhook took.")
    # A fixed sentence per failure category: never the receiver's body or an error text.
    detail = models.TextField(blank=True)
    body = models.JSONField(default=dict, blank=True, help_text="What was sent.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"Delivery of {self.version} to {self.job} (attempt {self.attempt}): {self.outcome}"


# --- quality (issue 15) ---


class SegmentationTransition(models.Model):
    """One change of a segmentation's status (submit, approve, send back, withdraw): who, when, why."""

    segmentation = models.ForeignKey(Segmentation, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True)
    # Made by the system, not a person (the consensus approved automatically): shown as such,
    # where a missing actor otherwise means a deleted user.
    automatic = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["segmentation_id", "id"]

    def __str__(self) -> str:
        return f"segmentation #{self.segmentation_id}: {self.from_status} -> {self.to_status}"


class ReviewComment(models.Model):
    """A reviewer's comment on a whole segmentation (no step) or on one of its steps."""

    segmentation = models.ForeignKey(Segmentation, on_delete=models.CASCADE, related_name="review_comments")
    # Where the step was when the comment was written. Splits and merges before it renumber the
    # steps, so the comment is found again by its anchor (services.review.selectors.comments_for):
    # the step row's id while that row lives (a plain integer, not a foreign key: the edit path
    # deletes and re-inserts spliced steps in raw SQL), else the step holding ``step_start``, the
    # character offset the step started at (edits move boundaries, never the text).
    step_index = models.PositiveIntegerField(null=True, blank=True)
    step_ref = models.BigIntegerField(null=True, blank=True)
    step_start = models.PositiveIntegerField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["segmentation_id", "id"]

    def __str__(self) -> str:
        where = f"step {self.step_index}" if self.step_index is not None else "the whole"
        return f"comment on {where} of segmentation #{self.segmentation_id}"


class QualityFigures(models.Model):
    """A project's dashboard figures as last computed: what the quality page and the API read.

    Computing them aggregates every segmentation, step and assignment of the project (seconds
    at 100,000 traces); reading this row does not grow with the project. A status transition or
    a stored agreement asks a worker to recompute them (a few seconds later, one refresh for a
    burst of transitions); a read finding them older than STEPWISE_QUALITY_FIGURES_FRESH_SECONDS
    asks too and serves these meanwhile (services.quality.dashboard.dashboard_figures)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="+")
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(help_text="When the computing started: the figures' time.")
    seconds = models.FloatField(default=0, help_text="How long the computing took.")

    def __str__(self) -> str:
        return f"quality figures of project #{self.project_id} at {self.computed_at:%Y-%m-%d %H:%M:%S}"


class TraceAgreement(models.Model):
    """How far a trace's annotators agree on one field: the figures of curation.quality, stored."""

    trace = models.ForeignKey(Trace, on_delete=models.CASCADE, related_name="agreements")
    field = models.CharField(max_length=16)
    annotators = models.PositiveSmallIntegerField()
    boundary_f1 = models.FloatField()
    score = models.FloatField(null=True, blank=True, help_text="What routing compares to the threshold.")
    figures = models.JSONField(default=dict, help_text="curation.quality.TraceAgreement.as_dict().")
    route = models.CharField(max_length=24, blank=True, help_text="What routing decided.")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["trace_id", "field"]
        constraints = [models.UniqueConstraint(fields=["trace", "field"], name="one_agreement_per_field")]
        indexes = [models.Index(fields=["route"]), models.Index(fields=["computed_at"])]

    def __str__(self) -> str:
        return f"agreement on trace #{self.trace_id} {self.field}: F1 {self.boundary_f1:.2f}"


class GoldResult(models.Model):
    """One annotator's segmentation of a gold trace, scored against the gold one."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="gold_results")
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    segmentation = models.OneToOneField(Segmentation, on_delete=models.CASCADE, related_name="gold_result")
    gold = models.ForeignKey(Segmentation, on_delete=models.CASCADE, related_name="+")
    screening = models.BooleanField(default=False, help_text="Part of the annotator's screening set.")
    boundary_f1 = models.FloatField()
    type_accuracy = models.FloatField(null=True, blank=True)
    rating_accuracy = models.FloatField(null=True, blank=True)
    counts = models.JSONField(default=dict, help_text="curation.quality.GoldResult's counts.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["project", "annotator"])]

    def __str__(self) -> str:
        return f"{self.annotator} on gold segmentation #{self.gold_id}: F1 {self.boundary_f1:.2f}"


# --- assist ---


class LabelSource(models.TextChoices):
    """Who or what proposed a label (issue 17); "" on a step means as before (see Step)."""

    PERSON = "person", "A person"
    RULE = "rule", "A rule"
    MODEL = "model", "A model"
    ROLLOUTS = "rollouts", "Rollouts"
    CONSENSUS = "consensus", "Critic and rollouts agree"
    IMPORTED = "imported", "Imported with the source"


class ModelEndpoint(models.Model):
    """An OpenAI-compatible endpoint a project's assist jobs ask (vLLM, Ollama, a hosted API).

    The API key is read from an environment variable the lead names, or stored encrypted
    (``services.assist.secrets``): it is never shown again, only that one is stored.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="model_endpoints")
    name = models.CharField(max_length=100)
    base_url = models.URLField(max_length=500, help_text="Ends in /v1, e.g. http://gpu-box.lan:8000/v1")
    model = models.CharField(max_length=200)
    api_key_env = models.CharField(
        max_length=100, blank=True, help_text="The name of an environment variable holding the key."
    )
    api_key_encrypted = models.TextField(blank=True, help_text="Fernet token; never shown.")
    concurrency = models.PositiveSmallIntegerField(default=8)
    requests_per_minute = models.PositiveIntegerField(null=True, blank=True)
    timeout_seconds = models.FloatField(default=60.0)
    max_retries = models.PositiveSmallIntegerField(default=4)
    use_n = models.BooleanField(default=True, help_text="Off for servers that ignore n (Ollama).")
    prompt_price_per_1k = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    completion_price_per_1k = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_endpoint_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.model} at {self.base_url})"

    @property
    def has_stored_key(self) -> bool:
        return bool(self.api_key_encrypted)


class AssistJob(models.Model):
    """One assist task over a selection of traces: progress, usage, cost and discards."""

    class Task(models.TextChoices):
        REWRITE = "rewrite", "SRL rewrite"
        CRITIC = "critic", "First-error critic"
        ROLLOUTS = "rollouts", "Rollout labels"
        CONSENSUS = "consensus", "Critic and rollouts"
        SECTIONS = "sections", "Section cuts"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assist_jobs")
    endpoint = models.ForeignKey(ModelEndpoint, on_delete=models.PROTECT, related_name="jobs")
    task = models.CharField(max_length=12, choices=Task.choices)
    params = models.JSONField(default=dict, blank=True, help_text="samples, max_tokens, ...")
    trace_ids = models.JSONField(default=list, blank=True, help_text="The selection, in order.")
    prompt_template = models.TextField(blank=True, help_text="The lead's prompt; empty: the default.")
    prompt_version = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    cancel_requested = models.BooleanField(default=False)
    message = models.TextField(blank=True)
    traces_total = models.PositiveIntegerField(default=0)
    traces_done = models.PositiveIntegerField(default=0)
    proposals_created = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    failed_requests = models.PositiveIntegerField(default=0)
    prompt_tokens = models.BigIntegerField(default=0)
    completion_tokens = models.BigIntegerField(default=0)
    duration_seconds = models.FloatField(default=0.0)
    estimated_cost = models.FloatField(default=0.0)
    discarded = models.JSONField(default=dict, blank=True, help_text="Reason -> traces discarded.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The lease (services.workers): which task message runs it, and how many took it.
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Assist job #{self.pk} ({self.task}) of {self.project.slug}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED}

    @property
    def progress_percent(self) -> int:
        if not self.traces_total:
            return 100 if self.is_finished else 0
        return int(100 * self.traces_done / self.traces_total)

    @property
    def discarded_total(self) -> int:
        return sum(self.discarded.values())


class AssistResult(models.Model):
    """What a job made of one trace; a resumed job skips the traces that have one."""

    class Outcome(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        PEOPLE = "people", "Sent to people first"
        DISCARDED = "discarded", "Discarded"

    job = models.ForeignKey(AssistJob, on_delete=models.CASCADE, related_name="results")
    trace = models.ForeignKey(Trace, on_delete=models.CASCADE, related_name="assist_results")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reason = models.CharField(max_length=200, blank=True)
    output = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job_id", "trace_id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "trace"], name="one_result_per_job_trace")
        ]

    def __str__(self) -> str:
        return f"{self.outcome} for trace #{self.trace_id} in job #{self.job_id}"


class TraceRewrite(models.Model):
    """A model's SRL rewrite of a trace's final solution, kept beside the original, never over it."""

    trace = models.ForeignKey(Trace, on_delete=models.CASCADE, related_name="rewrites")
    text = models.TextField()
    job = models.ForeignKey(
        AssistJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="rewrites"
    )
    model = models.CharField(max_length=200)
    prompt_version = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["trace_id", "-id"]

    def __str__(self) -> str:
        return f"Rewrite #{self.pk} of trace #{self.trace_id} by {self.model}"


class StepProposal(models.Model):
    """A label a rule or a model proposed for one step; a person accepts or rejects it.

    It points at a segmentation's step (index, and the span, so a draft copied from that
    segmentation finds it on its step of the same span). Pending proposals never reach a build
    of human-verified labels; an accepted one was written into the person's draft by an edit.
    """

    class Kind(models.TextChoices):
        RATING = "rating", "Rating"
        TYPE = "type", "Type"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    segmentation = models.ForeignKey(Segmentation, on_delete=models.CASCADE, related_name="proposals")
    step_index = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.RATING)
    value = models.CharField(max_length=32, help_text="A rating (-1, 0, 1) or a type key.")
    source = models.CharField(max_length=12, choices=LabelSource.choices)
    model_name = models.CharField(max_length=400, blank=True)
    prompt_version = models.CharField(max_length=100, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    votes = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey(
        AssistJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["segmentation_id", "step_index", "-confidence"]
        indexes = [models.Index(fields=["segmentation", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} by {self.source} on step {self.step_index} ({self.status})"

    @property
    def rating(self) -> int | None:
        return int(self.value) if self.kind == self.Kind.RATING else None


# --- learning ---


class SegmenterModel(models.Model):
    """One trained version of a project's boundary model for one field (the ``learned`` strategy).

    Written by ``services.learning``: created when training is asked for, filled in by the task.
    At most one model per project and field is active; none active means the rules cut that field.
    """

    class Source(models.TextChoices):
        SUBMITTED = "submitted", "Submitted or approved segmentations"
        APPROVED = "approved", "Approved segmentations only"

    class Status(models.TextChoices):
        TRAINING = "training", "Training"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="segmenter_models")
    field = models.CharField(max_length=16, choices=[(name, name) for name in STEP_FIELDS])
    version = models.PositiveIntegerField()
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.SUBMITTED)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TRAINING)
    message = models.TextField(blank=True)
    model_json = models.TextField(blank=True, help_text="BoundaryModel.to_json().")
    training_size = models.PositiveIntegerField(default=0, help_text="Human segmentations used.")
    folds = models.PositiveSmallIntegerField(default=0)
    # Cross-validated boundary scores, and the rule strategy's on the same texts.
    precision = models.FloatField(null=True, blank=True)
    recall = models.FloatField(null=True, blank=True)
    f1 = models.FloatField(null=True, blank=True)
    rules_strategy = models.CharField(max_length=32, blank=True)
    rules_precision = models.FloatField(null=True, blank=True)
    rules_recall = models.FloatField(null=True, blank=True)
    rules_f1 = models.FloatField(null=True, blank=True)
    active = models.BooleanField(default=False)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    trained_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project_id", "field", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "field", "version"], name="unique_segmenter_version"),
            models.UniqueConstraint(
                fields=["project", "field"], condition=models.Q(active=True),
                name="one_active_segmenter_per_field",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.slug} {self.field} segmenter v{self.version}"

    @property
    def beats_rules(self) -> bool:
        return self.f1 is not None and self.rules_f1 is not None and self.f1 > self.rules_f1


class LearningSettings(models.Model):
    """A project's choices about its learned segmenter (a row appears on first change)."""

    class QueueOrder(models.TextChoices):
        OLDEST = "oldest", "Oldest first"
        UNCERTAIN = "uncertain", "Most uncertain first"

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="learning_settings")
    train_every = models.PositiveIntegerField(
        default=0, help_text="Train again after this many new submissions (0: only when asked)."
    )
    auto_activate = models.BooleanField(
        default=False, help_text="Switch a new model on when it beats the rules and the active one."
    )
    source = models.CharField(
        max_length=12, choices=SegmenterModel.Source.choices, default=SegmenterModel.Source.SUBMITTED
    )
    queue_order = models.CharField(max_length=12, choices=QueueOrder.choices, default=QueueOrder.OLDEST)

    def __str__(self) -> str:
        return f"learning settings of {self.project.slug}"


class TraceUncertainty(models.Model):
    """How unsure the newest model of a field is about a trace: the active-learning queue order."""

    trace = models.ForeignKey(Trace, on_delete=models.CASCADE, related_name="uncertainties")
    field = models.CharField(max_length=16, choices=[(name, name) for name in STEP_FIELDS])
    model = models.ForeignKey(SegmenterModel, on_delete=models.CASCADE, related_name="+")
    entropy = models.FloatField(help_text="CutScores.mean_entropy(): 0 sure, 1 a coin toss.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trace", "field"], name="one_uncertainty_per_field")
        ]

    def __str__(self) -> str:
        return f"trace #{self.trace_id} {self.field}: {self.entropy:.3f}"
