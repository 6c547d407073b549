"""Training jobs: register, report status and metrics, ask for a delivery, list deliveries."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from curation.access import (
    LEADS, api_project, dataset_by_reference, project_training_jobs, token_of, training_jobs_of,
)
from curation.api.serializers.training_jobs import (
    DeliverRequestSerializer,
    DeliveryQueuedSerializer,
    DeliverySerializer,
    ProjectTrainingJobSerializer,
    RegisteredTrainingJobSerializer,
    TrainingJobCreateSerializer,
    TrainingJobReportSerializer,
    TrainingJobSerializer,
)
from curation.models import Delivery, TrainingJob
from curation.api.views.datasets import PROJECT
from curation.services.delivery import start_delivery, training_jobs


def _invalid(
    error: training_jobs.TrainingJobError, field: str = "non_field_errors"
) -> ValidationError:
    return ValidationError({field: [str(error)]})


@extend_schema_view(
    create=extend_schema(
        request=TrainingJobCreateSerializer, responses={201: RegisteredTrainingJobSerializer}
    ),
    partial_update=extend_schema(
        request=TrainingJobReportSerializer,
        responses=TrainingJobSerializer,
        description="The trainer reports the job's status and metrics.",
    ),
    deliver=extend_schema(
        request=DeliverRequestSerializer, responses={202: DeliveryQueuedSerializer}
    ),
)
class TrainingJobViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The caller's own training jobs (on datasets of projects they can see)."""

    # Names the model for the schema; get_queryset picks the rows.
    queryset = TrainingJob.objects.none()
    lookup_url_kwarg = "job_id"
    lookup_value_regex = r"[0-9]+"
    serializer_class = TrainingJobSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return training_jobs_of(self.request.user, token_of(self.request))

    def create(self, request: Request) -> Response:
        form = TrainingJobCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        dataset = dataset_by_reference(request, data.pop("dataset"))
        if dataset is None:  # as for any object the caller cannot see: 404, as the schema says
            raise NotFound("No such dataset.")
        number = data.pop("version", None)
        version = dataset.versions.filter(number=number).first() if number is not None else None
        if number is not None and version is None:
            raise ValidationError({"version": ["No such version of this dataset."]})
        try:
            job = training_jobs.register_job(
                owner=request.user, dataset=dataset, version=version, token=token_of(request),
                **data,
            )
        except training_jobs.TrainingJobError as error:
            raise _invalid(error) from error
        # Its version goes out at once: the fixed one, or the latest published of the dataset.
        try:
            start_delivery(job=job, version=training_jobs.version_to_deliver(job))
        except training_jobs.NothingToDeliver:
            pass  # a follower gets the first version when it is published
        return Response(RegisteredTrainingJobSerializer(job).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, job_id: str) -> Response:
        job = self.get_object()
        form = TrainingJobReportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        training_jobs.report(job=job, **form.validated_data)
        return Response(TrainingJobSerializer(job).data)

    @action(detail=True, methods=["post"])
    def deliver(self, request: Request, job_id: str) -> Response:
        """Deliver a version now: the one asked for, else the job's, else the latest published."""
        job = self.get_object()
        form = DeliverRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            version = training_jobs.version_to_deliver(job, form.validated_data.get("version"))
        except training_jobs.TrainingJobError as error:
            raise _invalid(error, "version") from error
        try:
            started = start_delivery(job=job, version=version)
        except training_jobs.TrainingJobError as error:
            raise _invalid(error) from error
        body = {"job": job.pk, "version": version.number, "started": started}
        return Response(body, status=status.HTTP_202_ACCEPTED)


JOB = OpenApiParameter("job_id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(list=extend_schema(parameters=[JOB]), retrieve=extend_schema(parameters=[JOB]))
class DeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Every delivery attempt for one of the caller's jobs, newest first."""

    # Names the model for the schema; get_queryset picks the rows.
    queryset = Delivery.objects.none()
    lookup_url_kwarg = "delivery_id"
    lookup_value_regex = r"[0-9]+"
    serializer_class = DeliverySerializer

    def get_queryset(self):
        jobs = training_jobs_of(self.request.user, token_of(self.request))
        job = get_object_or_404(jobs, pk=self.kwargs["job_id"])
        return Delivery.objects.filter(job=job).select_related("version").order_by("-id")


@extend_schema_view(
    list=extend_schema(parameters=[PROJECT]),
    retrieve=extend_schema(parameters=[PROJECT]),
    destroy=extend_schema(parameters=[PROJECT], description="Remove the job and its deliveries."),
    pause=extend_schema(parameters=[PROJECT], request=None, responses=ProjectTrainingJobSerializer),
    resume=extend_schema(parameters=[PROJECT], request=None, responses=ProjectTrainingJobSerializer),
)
class ProjectTrainingJobViewSet(mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Every training job on the project's datasets, whoever registered it: the leads see,
    pause, resume and remove them (a write token for the last three)."""

    # Names the model for the schema; get_queryset picks the rows.
    queryset = TrainingJob.objects.none()
    lookup_value_regex = r"[0-9]+"
    lookup_url_kwarg = "job_id"  # path parameters are named <resource>_<key> everywhere
    serializer_class = ProjectTrainingJobSerializer
    project_roles = LEADS

    def get_queryset(self):
        return project_training_jobs(api_project(self.request, self.kwargs["project_slug"]))

    @action(detail=True, methods=["post"])
    def pause(self, request: Request, project_slug: str, job_id: str) -> Response:
        """Stop deliveries to this job until a lead resumes it."""
        job = training_jobs.pause_job(
            job=self.get_object(), reason=f"Paused by {request.user.get_username()}."
        )
        return Response(ProjectTrainingJobSerializer(job).data)

    @action(detail=True, methods=["post"])
    def resume(self, request: Request, project_slug: str, job_id: str) -> Response:
        """Deliver again from the next published version; refused while the owner may not."""
        try:
            job = training_jobs.resume_job(job=self.get_object())
        except training_jobs.TrainingJobError as error:
            raise _invalid(error) from error
        return Response(ProjectTrainingJobSerializer(job).data)
