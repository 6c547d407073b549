from django.contrib import admin

from curation.models import (
    FieldMapping, ImportJob, Invitation, Membership, Project, Segmentation, Step, Trace,
)
from curation.models import Dataset, DatasetVersion


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "overlap", "created_at"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "role"]
    list_filter = ["role", "project"]
    list_select_related = ["project", "user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "project", "role", "email", "created_by", "expires_at", "revoked_at", "accepted_by",
    ]
    list_filter = ["role", "project"]
    list_select_related = ["project", "created_by", "accepted_by"]
    search_fields = ["email"]
    readonly_fields = [
        "project", "role", "email", "token_hash", "created_by", "created_at", "accepted_at",
        "accepted_by",
    ]

    def has_add_permission(self, request) -> bool:
        # Its link is shown once, to whoever creates it on the members page; an invitation
        # typed in here would have no link anyone could use.
        return False


@admin.register(FieldMapping)
class FieldMappingAdmin(admin.ModelAdmin):
    list_display = ["project", "name"]
    list_select_related = ["project"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "id", "project", "original_name", "detected_preset", "status",
        "traces_created", "duplicates", "errors_count", "created_at",
    ]
    list_filter = ["status", "detected_preset", "project"]
    list_select_related = ["project"]
    readonly_fields = ["created_at", "started_at", "finished_at"]


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = ["position", "start", "end", "type", "rating", "note", "token_count"]


@admin.register(Segmentation)
class SegmentationAdmin(admin.ModelAdmin):
    list_display = ["id", "trace", "field", "origin", "author", "status", "revision"]
    list_filter = ["origin", "status"]
    list_select_related = ["trace", "author"]
    raw_id_fields = ["trace"]
    inlines = [StepInline]


@admin.register(Trace)
class TraceAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "kind", "teacher_model", "short_problem", "created_at"]
    list_filter = ["project", "kind", "teacher_model"]
    list_select_related = ["project"]
    search_fields = ["problem", "content_hash"]
    raw_id_fields = ["import_job"]
    readonly_fields = ["content_hash"]

    @admin.display(description="problem")
    def short_problem(self, trace: Trace) -> str:
        return trace.problem[:80]


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["segmentation", "position", "start", "end", "type", "rating"]
    raw_id_fields = ["segmentation"]


class DatasetVersionInline(admin.TabularInline):
    model = DatasetVersion
    extra = 0
    can_delete = False
    fields = ["number", "status", "traces_total", "published_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # versions are built by the builder, the CLI or the API, never typed in


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["project", "name", "license", "created_at"]
    list_filter = ["project"]
    list_select_related = ["project"]
    inlines = [DatasetVersionInline]


@admin.register(DatasetVersion)
class DatasetVersionAdmin(admin.ModelAdmin):
    list_display = ["dataset", "number", "status", "traces_total", "created_by", "published_at"]
    list_filter = ["status"]
    list_select_related = ["dataset__project", "created_by"]
    actions = None  # "delete selected" deletes in bulk, past the model's immutability check
    readonly_fields = [
        "dataset", "number", "status", "spec", "manifest", "path", "traces_total", "traces_done",
        "message", "created_by", "created_at", "published_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Only a build may change a version: a status typed in here could publish a version
        # that has no files. The page still shows every field.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or obj.status != DatasetVersion.Status.PUBLISHED
