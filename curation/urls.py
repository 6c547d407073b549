from django.urls import path

from curation.views import (
    annotate, datasets, imports, members, projects, segmentation, tokens, traces, training_jobs,
)

urlpatterns = [
    path("", projects.project_list, name="project-list"),
    path("p/<slug:slug>/", projects.project_detail, name="project-detail"),
    path("p/<slug:slug>/imports/", imports.import_list, name="import-list"),
    path("p/<slug:slug>/imports/<int:job_id>/", imports.import_detail, name="import-detail"),
    path("p/<slug:slug>/imports/<int:job_id>/preview/", imports.import_preview, name="import-preview"),
    path("p/<slug:slug>/imports/<int:job_id>/start/", imports.import_start, name="import-start"),
    path("p/<slug:slug>/imports/<int:job_id>/discard/", imports.import_discard, name="import-discard"),
    path("p/<slug:slug>/imports/<int:job_id>/progress/", imports.import_progress, name="import-progress"),
    path("p/<slug:slug>/segment/", segmentation.start_segmentation_run, name="segment-start"),
    path("p/<slug:slug>/runs/<int:run_id>/", segmentation.run_progress, name="segment-progress"),
    path("p/<slug:slug>/traces/<int:trace_id>/", traces.trace_detail, name="trace-detail"),
    # Annotation: the queue, the editor and its edits, the edit history; members (issue 4).
    path("p/<slug:slug>/annotate/", annotate.queue_page, name="annotate-queue"),
    path("p/<slug:slug>/annotate/next/", annotate.take_next, name="annotate-next"),
    path("p/<slug:slug>/annotate/<int:assignment_id>/", annotate.editor, name="annotate-editor"),
    path("p/<slug:slug>/annotate/<int:assignment_id>/submit/", annotate.submit, name="annotate-submit"),
    path("p/<slug:slug>/annotate/<int:assignment_id>/skip/", annotate.skip, name="annotate-skip"),
    path("p/<slug:slug>/annotate/<int:assignment_id>/revision/", annotate.revision, name="annotate-revision"),
    path("p/<slug:slug>/annotate/<int:assignment_id>/<slug:operation>/", annotate.edit, name="annotate-edit"),
    path("p/<slug:slug>/segmentations/<int:segmentation_id>/history/", annotate.segmentation_history,
         name="segmentation-history"),
    path("p/<slug:slug>/members/", members.member_list, name="member-list"),
    path("p/<slug:slug>/members/<int:membership_id>/role/", members.member_role, name="member-role"),
    path("p/<slug:slug>/members/<int:membership_id>/remove/", members.member_remove, name="member-remove"),
    path("p/<slug:slug>/members/invitations/", members.invitation_create, name="invitation-create"),
    path("p/<slug:slug>/members/invitations/<int:invitation_id>/revoke/", members.invitation_revoke,
         name="invitation-revoke"),
    path("invite/<str:token>/", members.invitation_accept, name="invitation-accept"),
    # Trainers: API tokens and training jobs (issue 6).
    path("settings/tokens/", tokens.token_list, name="token-list"),
    path("settings/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("training-jobs/", training_jobs.job_list, name="training-job-list"),
    path("training-jobs/<int:job_id>/", training_jobs.job_detail, name="training-job-detail"),
    path("training-jobs/<int:job_id>/deliver/", training_jobs.job_deliver, name="training-job-deliver"),
    # Datasets: the builder, versions and their files, diffs (issue 5).
    path("p/<slug:slug>/datasets/", datasets.dataset_list, name="dataset-list"),
    path("p/<slug:slug>/datasets/<slug:name>/", datasets.dataset_detail, name="dataset-detail"),
    path("p/<slug:slug>/datasets/<slug:name>/build/", datasets.builder, name="dataset-builder"),
    path("p/<slug:slug>/datasets/<slug:name>/build/counts/", datasets.builder_counts, name="dataset-counts"),
    path("p/<slug:slug>/datasets/<slug:name>/build/preview/", datasets.builder_preview, name="dataset-preview"),
    path("p/<slug:slug>/datasets/<slug:name>/diff/", datasets.version_diff, name="dataset-diff"),
    path("p/<slug:slug>/datasets/<slug:name>/v<int:number>/", datasets.version_detail, name="dataset-version"),
    path("p/<slug:slug>/datasets/<slug:name>/v<int:number>/progress/", datasets.version_progress,
         name="dataset-version-progress"),
    path("p/<slug:slug>/datasets/<slug:name>/v<int:number>/files/<path:file>", datasets.version_file,
         name="dataset-file"),
]
