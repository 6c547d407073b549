"""The admin shows versions and never changes a published one."""
from __future__ import annotations

import pytest
from django.urls import reverse

from curation.models import DatasetVersion
from curation.services.datasets.spec import BuildSpec
from curation.services.datasets.build import build_version, start_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(dataset, auto_traces):
    return build_version(start_build(dataset=dataset, spec=BuildSpec(source="auto")))


def test_a_published_version_is_shown_read_only(admin_client, published):
    response = admin_client.get(reverse("admin:curation_datasetversion_change", args=[published.pk]))

    assert response.status_code == 200
    assert b'name="status"' not in response.content


def test_a_published_version_cannot_be_deleted_from_the_admin(admin_client, published):
    response = admin_client.post(
        reverse("admin:curation_datasetversion_delete", args=[published.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert DatasetVersion.objects.filter(pk=published.pk).exists()


def test_a_failed_version_can_be_deleted_from_the_admin(admin_client, dataset):
    failed = start_build(dataset=dataset, spec=BuildSpec(source="auto"))
    DatasetVersion.objects.filter(pk=failed.pk).update(status=DatasetVersion.Status.FAILED)

    admin_client.post(reverse("admin:curation_datasetversion_delete", args=[failed.pk]),
                      {"post": "yes"})

    assert not DatasetVersion.objects.filter(pk=failed.pk).exists()
