"""The import pages' input: an upload, its reading settings and a field mapping."""
from __future__ import annotations

from django import forms
from django.conf import settings

from curation.ingest.budget import upload_too_large
from curation.ingest.presets import PRESETS
from curation.ingest.presets.mapping import MappingError, compile_mapping
from curation.models import FieldMapping, Project
from curation.services.imports.jobs import saved_mappings

LIST_VALUED = {"source"}


def parse_mapping_lines(text: str) -> dict:
    """'key=dotted.path' per line -> mapping; 'a | b' lists alternatives, source takes 'a, b'."""
    mapping: dict = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = (part.strip() for part in line.partition("="))
        if not sep or not key or not value:
            raise forms.ValidationError(f"Line {number}: expected field=path, got {line!r}.")
        if key in LIST_VALUED:
            mapping[key] = [item.strip() for item in value.split(",") if item.strip()]
        elif " | " in value:
            mapping[key] = [item.strip() for item in value.split(" | ")]
        else:
            mapping[key] = value
    return mapping


def mapping_lines(mapping: dict) -> str:
    """The inverse of parse_mapping_lines, to show a saved mapping in the form."""
    lines = []
    for key, value in mapping.items():
        if isinstance(value, list):
            value = (", " if key in LIST_VALUED else " | ").join(value)
        lines.append(f"{key}={value}")
    return "\n".join(lines)


class ImportSettingsForm(forms.Form):
    """How to read a file: the preset, a field mapping, the teacher and atomicity."""

    preset = forms.ChoiceField(
        choices=[("auto", "auto (recognize the format)")] + [(name, name) for name in PRESETS],
        initial="auto",
    )
    saved_mapping = forms.ChoiceField(
        required=False, help_text="A mapping saved on this project, or a built-in one for a known source."
    )
    mapping = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "problem=question\nreasoning=output.thinking\nsteps=chunks[].text"}),
        required=False,
        help_text="One field=dotted.path per line (problem, reasoning, response, answer, teacher, text, steps, ratings, types); used with the 'mapping' preset.",
    )
    save_mapping_as = forms.SlugField(required=False, help_text="Save this mapping for reuse.")
    teacher = forms.CharField(
        required=False, help_text="For s1K files with several teachers: deepseek or gemini."
    )
    atomic = forms.BooleanField(required=False, help_text="Import all records or none.")

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.mappings = saved_mappings(project)
        self.fields["saved_mapping"].choices = [("", "(none)")] + [(name, name) for name in self.mappings]

    def clean_mapping(self) -> dict:
        return parse_mapping_lines(self.cleaned_data["mapping"])

    def clean(self) -> dict:
        data = super().clean()
        mapping = dict(self.mappings.get(data.get("saved_mapping") or "", {}))
        mapping.update(data.get("mapping") or {})
        if mapping and data.get("preset") in {"auto", "mapping"}:
            data["preset"] = "mapping"
        if data.get("preset") == "mapping":
            if not mapping:
                raise forms.ValidationError("The 'mapping' preset needs at least one field=path line.")
            try:
                compile_mapping(mapping)
            except MappingError as exc:
                raise forms.ValidationError(f"This mapping cannot work: {exc}") from exc
        if data.get("save_mapping_as") and not data.get("mapping"):
            raise forms.ValidationError("Write the mapping lines to save.")
        data["resolved_mapping"] = mapping if data.get("preset") == "mapping" else {}
        return data

    def job_settings(self) -> dict:
        data = self.cleaned_data
        options = {"teacher": data["teacher"]} if data.get("teacher") else {}
        return {
            "preset": data["preset"],
            "mapping": data["resolved_mapping"],
            "options": options,
            "atomic": data.get("atomic", False),
        }

    def save_mapping(self) -> None:
        name = self.cleaned_data.get("save_mapping_as")
        if name:
            FieldMapping.objects.update_or_create(
                project=self.project, name=name, defaults={"fields": self.cleaned_data["resolved_mapping"]}
            )


class ImportUploadForm(ImportSettingsForm):
    file = forms.FileField(help_text="JSONL, JSON, CSV or Parquet, optionally gzip-compressed.")

    field_order = ["file", "preset", "saved_mapping", "mapping", "save_mapping_as", "teacher", "atomic"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if reason := upload_too_large(upload.size, settings.STEPWISE_MAX_UPLOAD_BYTES):
            raise forms.ValidationError(reason)
        return upload
