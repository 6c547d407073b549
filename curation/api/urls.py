"""The API's routes, all under /api/v1/ (schema and docs: /api/schema/ and /api/docs/)."""

from __future__ import annotations

from django.urls import include, re_path
from rest_framework.routers import SimpleRouter

from curation.api.errors import not_found
from curation.api.views.assist import AssistJobViewSet, EndpointViewSet
from curation.api.views.datasets import DatasetViewSet, VersionViewSet
from curation.api.views.files import VersionFileView
from curation.api.views.imports import ImportJobViewSet
from curation.api.views.index import ApiIndexView
from curation.api.views.learning import SegmenterModelViewSet
from curation.api.views.projects import ProjectViewSet
from curation.api.views.quality import QualityView, SegmentationGoldView
from curation.api.views.traces import TraceViewSet
from curation.api.views.training_jobs import (
    DeliveryViewSet, ProjectTrainingJobViewSet, TrainingJobViewSet,
)

PROJECT = r"projects/(?P<project_slug>[-\w]+)"
DATASET = PROJECT + r"/datasets/(?P<dataset_name>[-\w]+)"

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="api-project")
router.register(PROJECT + "/datasets", DatasetViewSet, basename="api-dataset")
router.register(DATASET + "/versions", VersionViewSet, basename="api-version")
router.register(PROJECT + "/traces", TraceViewSet, basename="api-trace")
router.register(PROJECT + "/imports", ImportJobViewSet, basename="api-import")
router.register(
    PROJECT + "/training-jobs", ProjectTrainingJobViewSet, basename="api-project-training-job"
)
router.register(PROJECT + "/assist/endpoints", EndpointViewSet, basename="api-assist-endpoint")
router.register(PROJECT + "/assist/jobs", AssistJobViewSet, basename="api-assist-job")
router.register(PROJECT + "/segmenter-models", SegmenterModelViewSet, basename="api-segmenter-model")
router.register("training-jobs", TrainingJobViewSet, basename="api-training-job")
router.register(
    r"training-jobs/(?P<job_id>[0-9]+)/deliveries", DeliveryViewSet, basename="api-delivery"
)

urlpatterns = [
    re_path(r"^v1/$", ApiIndexView.as_view(), name="api-index"),
    # Files keep their own names: no trailing slash after "train-00000-of-00001.parquet".
    re_path(
        r"^v1/" + DATASET + r"/versions/(?P<version_number>[0-9]+)/files/(?P<file_path>.+)$",
        VersionFileView.as_view(),
        name="api-version-file",
    ),
    re_path(r"^v1/" + PROJECT + r"/quality/$", QualityView.as_view(), name="api-quality"),
    re_path(
        r"^v1/" + PROJECT + r"/segmentations/(?P<segmentation_id>[0-9]+)/gold/$",
        SegmentationGoldView.as_view(),
        name="api-segmentation-gold",
    ),
    re_path(r"^v1/", include(router.urls)),
    re_path(r"^v1/", not_found),
]
