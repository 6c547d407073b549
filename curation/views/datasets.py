"""The dataset pages: datasets, the builder (live counts, preview, Build), versions with their
files and progress, downloads, and the diff between two versions.

Any member may look at versions and download them; only leads create datasets and build.
"""
from __future__ import annotations

import json
from pathlib import PurePosixPath

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from curation.export.splits import SPLITS
from curation.access import LEADS, is_lead, project_view
from curation.models import Dataset, DatasetVersion, Project
from curation.services.datasets import storage as dataset_storage
from curation.services.datasets import build as datasets
from curation.services.datasets.diff import diff_versions, spec_changes
from curation.services.datasets.estimate import (
    BuildTooLarge, estimate_selection, max_build_bytes,
)
from curation.services.datasets.preview import preview_rows
from curation.services.datasets.selection import count_selection
from curation.forms.datasets import BuildSpecForm, DatasetForm, DiffForm

PREVIEW_CHARS = 300  # per string in the preview: rows carry whole solutions and prompts
CARD_BYTES = 256 * 1024


def _dataset_for(project: Project, name: str) -> Dataset:
    return get_object_or_404(Dataset.objects.select_related("project"), project=project, name=name)


def _version_for(project: Project, name: str, number: int) -> DatasetVersion:
    dataset = _dataset_for(project, name)
    return get_object_or_404(
        DatasetVersion.objects.select_related("dataset__project", "created_by"),
        dataset=dataset, number=number,
    )


def version_url(version: DatasetVersion) -> str:
    dataset = version.dataset
    return reverse("dataset-version", args=[dataset.project.slug, dataset.name, version.number])


@project_view(post_roles=LEADS)
def dataset_list(request: HttpRequest, project: Project) -> HttpResponse:
    """The project's datasets; leads create new ones here."""
    form = DatasetForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        dataset = form.save()
        return redirect("dataset-detail", project.slug, dataset.name)
    published = Count("versions", filter=Q(versions__status=DatasetVersion.Status.PUBLISHED))
    context = {
        "project": project,
        "datasets": project.datasets.annotate(published=published, latest=Max("versions__number")),
        "form": form,
        "is_lead": is_lead(request.user, project),
    }
    return render(request, "curation/datasets/list.html", context)


@project_view(post_roles=LEADS)
def dataset_detail(request: HttpRequest, project: Project, name: str) -> HttpResponse:
    """Versions, the comparison form, and (for leads) the dataset's settings."""
    dataset = _dataset_for(project, name)
    form = DatasetForm(request.POST or None, instance=dataset, project=dataset.project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved; they apply to the next version.")
        return redirect("dataset-detail", project.slug, name)
    context = {
        "project": dataset.project,
        "dataset": dataset,
        "versions": dataset.versions.select_related("created_by"),
        "form": form,
        "diff_form": DiffForm(numbers=_published_numbers(dataset)),
        "is_lead": is_lead(request.user, dataset.project),
    }
    return render(request, "curation/datasets/detail.html", context)


@project_view(roles=LEADS)
def builder(request: HttpRequest, project: Project, name: str) -> HttpResponse:
    """The builder: choose, watch the counts and the preview, then Build."""
    dataset = _dataset_for(project, name)
    form = BuildSpecForm(request.POST or None, project=dataset.project)
    if request.method == "POST" and form.is_valid():
        try:
            version = datasets.start_dataset_build(
                dataset=dataset, spec=form.spec, user=request.user)
        except BuildTooLarge as exc:
            form.add_error(None, f"Not built: {exc}")
        else:
            messages.info(request, f"Building version {version.number}.")
            return redirect(version_url(version))
    context = {"project": dataset.project, "dataset": dataset, "form": form,
               "next_number": datasets.next_number(dataset)}
    return render(request, "curation/datasets/builder.html", context)


@project_view(roles=LEADS)
@require_POST
def builder_counts(request: HttpRequest, project: Project, name: str) -> HttpResponse:
    """Traces, rows and bytes the current choices would build, per format and split, and the
    largest traces (an htmx partial)."""
    dataset = _dataset_for(project, name)
    form = BuildSpecForm(request.POST, project=dataset.project)
    context = {"form": form, "project": dataset.project, "counts": None, "splits": SPLITS,
               "cap": max_build_bytes()}
    if form.is_valid():
        context["counts"] = count_selection(dataset.project, form.spec)
        context["estimate"] = estimate_selection(dataset, form.spec)
    return render(request, "curation/datasets/_counts.html", context)


@project_view(roles=LEADS)
@require_POST
def builder_preview(request: HttpRequest, project: Project, name: str) -> HttpResponse:
    """The first rows of each chosen format (an htmx partial)."""
    dataset = _dataset_for(project, name)
    form = BuildSpecForm(request.POST, project=dataset.project)
    preview = None
    if form.is_valid():
        rows = preview_rows(dataset, form.spec)
        preview = {fmt: [_shown_json(row) for row in found] for fmt, found in rows.items()}
    return render(request, "curation/datasets/_preview.html", {"form": form, "preview": preview})


def _shown_json(row: dict) -> str:
    return json.dumps(_shortened(row), indent=2, ensure_ascii=False)


def _shortened(value):
    if isinstance(value, str) and len(value) > PREVIEW_CHARS:
        return value[:PREVIEW_CHARS] + f"… [{len(value) - PREVIEW_CHARS} more characters]"
    if isinstance(value, dict):
        return {key: _shortened(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shortened(item) for item in value]
    return value


@project_view()
def version_detail(request: HttpRequest, project: Project, name: str, number: int) -> HttpResponse:
    version = _version_for(project, name, number)
    published = version.status == DatasetVersion.Status.PUBLISHED
    context = {
        "project": version.dataset.project,
        "dataset": version.dataset,
        "version": version,
        "files": datasets.version_files(version) if published else [],
        "counts": _count_table(version.manifest),
        "card": _card_text(version) if published else "",
        "spec": json.dumps(version.spec, indent=2, ensure_ascii=False),
        "others": version.dataset.versions.filter(
            status=DatasetVersion.Status.PUBLISHED).exclude(pk=version.pk),
    }
    return render(request, "curation/datasets/version.html", context)


def _count_table(manifest: dict) -> list[dict]:
    """One row per format (and one for traces) with a count per split."""
    table = [{"name": "traces", "counts": [manifest.get("traces", {}).get(s, 0) for s in SPLITS]}]
    for fmt in manifest.get("formats", []):
        counts = [manifest.get("rows", {}).get(f"{fmt}/{s}", 0) for s in SPLITS]
        table.append({"name": f"{fmt} rows", "counts": counts})
    return table


def _card_text(version: DatasetVersion) -> str:
    with dataset_storage.open_file(version.path, "README.md") as card:
        return card.read(CARD_BYTES).decode("utf-8", errors="replace")


@project_view()
def version_progress(request: HttpRequest, project: Project, name: str, number: int) -> HttpResponse:
    """The progress partial; it polls itself while building, then reloads the page once."""
    version = _version_for(project, name, number)
    response = render(request, "curation/datasets/_progress.html", {"version": version})
    if request.htmx and version.status != DatasetVersion.Status.BUILDING:
        response["HX-Refresh"] = "true"  # the page now has files, counts and a card to show
    return response


@project_view()
def version_file(request: HttpRequest, project: Project, name: str, number: int, file: str
) -> FileResponse:
    """One file of a published version, only if its manifest lists it (or it is the manifest)."""
    version = _version_for(project, name, number)
    if not datasets.is_published_file(version, file):
        raise Http404("No such file in this version.")
    inline = file.endswith((".json", ".md"))
    filename = f"{version.dataset.name}-v{version.number}-{PurePosixPath(file).name}"
    return FileResponse(dataset_storage.open_file(version.path, file),
                        as_attachment=not inline, filename=filename)


@project_view()
def version_diff(request: HttpRequest, project: Project, name: str) -> HttpResponse:
    """Traces added, removed and cut again between two published versions."""
    dataset = _dataset_for(project, name)
    form = DiffForm(request.GET or None, numbers=_published_numbers(dataset))
    context = {"project": dataset.project, "dataset": dataset, "diff_form": form}
    if not form.is_valid():
        # A friendly page with the choice again, never a bare 404 for a mistyped number.
        context["problem"] = "Choose two published versions of this dataset to compare."
        return render(request, "curation/datasets/diff.html", context, status=400 if request.GET else 200)
    published = dataset.versions.filter(status=DatasetVersion.Status.PUBLISHED)
    old = published.get(number=form.cleaned_data["old"])
    new = published.get(number=form.cleaned_data["new"])
    context.update(diff=diff_versions(old, new), spec_changes=spec_changes(old.spec, new.spec))
    return render(request, "curation/datasets/diff.html", context)


def _published_numbers(dataset) -> list[int]:
    published = dataset.versions.filter(status=DatasetVersion.Status.PUBLISHED)
    return list(published.order_by("number").values_list("number", flat=True))
