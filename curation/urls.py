from django.urls import path

from curation.views import annotate, imports, members, projects, segmentation, traces

urlpatterns = [
    path("", projects.project_list, name="project-list"),
    path("p/<slug:slug>/", projects.project_detail, name="project-detail"),
    path("p/<slug:slug>/imports/", imports.import_list, name="import-list"),
    path("p/<slug:slug>/imports/<int:job_id>/", imports.import_detail, name="import-detail"),
    path("p/<slug:slug>/imports/<int:job_id>/preview/", imports.import_preview, name="import-preview"),
    path("p/<slug:slug>/imports/<int:job_id>/start/", imports.import_start, name="import-start"),
    path("p/<slug:slug>/imports/<int:job_id>/progress/", imports.import_progress, name="import-progress"),
    path("p/<slug:slug>/segment/", segmentation.start_segmentation, name="segment-start"),
    path("p/<slug:slug>/runs/<int:run_id>/", segmentation.run_progress, name="segment-progress"),
    path("p/<slug:slug>/traces/<int:trace_id>/", traces.trace_detail, name="trace-detail"),
    # Annotation: the queue, the editor and its edits, the edit history; members (issue 4).
    path("p/<slug:slug>/annotate/", annotate.queue_page, name="annotate-queue"),
    path("p/<slug:slug>/annotate/next/", annotate.take_next, name="annotate-next"),
    path("p/<slug:slug>/annotate/<int:assignment_id>/", annotate.editor, name="annotate-editor"),
    path("p/<slug:slug>/annotate/<int:assignment_id>/submit/", annotate.submit, name="annotate-submit"),
    path("p/<slug:slug>/annotate/<int:assignment_id>/skip/", annotate.skip, name="annotate-skip"),
    path("p/<slug:slug>/annotate/<int:assignment_id>/<slug:operation>/", annotate.edit, name="annotate-edit"),
    path("p/<slug:slug>/segmentations/<int:segmentation_id>/history/", annotate.segmentation_history,
         name="segmentation-history"),
    path("p/<slug:slug>/members/", members.member_list, name="member-list"),
    path("p/<slug:slug>/members/<int:membership_id>/role/", members.member_role, name="member-role"),
    path("p/<slug:slug>/members/<int:membership_id>/remove/", members.member_remove, name="member-remove"),
]
