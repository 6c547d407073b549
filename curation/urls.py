from django.urls import path

from curation.views import imports, projects

urlpatterns = [
    path("", projects.project_list, name="project-list"),
    path("p/<slug:slug>/", projects.project_detail, name="project-detail"),
    path("p/<slug:slug>/imports/", imports.import_list, name="import-list"),
    path("p/<slug:slug>/imports/<int:job_id>/", imports.import_detail, name="import-detail"),
    path("p/<slug:slug>/imports/<int:job_id>/preview/", imports.import_preview, name="import-preview"),
    path("p/<slug:slug>/imports/<int:job_id>/start/", imports.import_start, name="import-start"),
    path("p/<slug:slug>/imports/<int:job_id>/progress/", imports.import_progress, name="import-progress"),
]
