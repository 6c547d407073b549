"""Forms: the one place where browser input is validated."""
from __future__ import annotations

from django import forms

from curation.ingest.presets import PRESETS
from curation.models import FieldMapping, Project

MAPPING_FIELDS = ("problem", "reasoning", "response", "answer", "teacher", "steps", "ratings", "text")


def parse_mapping_lines(text: str) -> dict[str, str]:
    """'field=dotted.path' per line -> dict; raises ValidationError naming the bad line."""
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        field, sep, path = line.partition("=")
        field, path = field.strip(), path.strip()
        if not sep or not path:
            raise forms.ValidationError(f"Line {number}: expected field=path, got {line!r}.")
        if field not in MAPPING_FIELDS:
            raise forms.ValidationError(
                f"Line {number}: unknown field {field!r} (one of {', '.join(MAPPING_FIELDS)})."
            )
        mapping[field] = path
    return mapping


class ImportSettingsForm(forms.Form):
    """How to read a file: the preset, a field mapping, the teacher and atomicity."""

    preset = forms.ChoiceField(
        choices=[("auto", "auto (recognize the format)")] + [(name, name) for name in PRESETS],
        initial="auto",
    )
    saved_mapping = forms.ModelChoiceField(
        queryset=FieldMapping.objects.none(), required=False, empty_label="(none)",
        help_text="A mapping saved on this project.",
    )
    mapping = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "problem=question\nreasoning=output.thinking"}),
        required=False, help_text="One field=dotted.path per line; used with the 'mapping' preset.",
    )
    save_mapping_as = forms.SlugField(required=False, help_text="Save this mapping for reuse.")
    teacher = forms.CharField(
        required=False, help_text="For files with several teachers (s1K: deepseek or gemini)."
    )
    atomic = forms.BooleanField(required=False, help_text="Import all records or none.")

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["saved_mapping"].queryset = project.mappings.all()

    def clean_mapping(self) -> dict[str, str]:
        return parse_mapping_lines(self.cleaned_data["mapping"])

    def clean(self) -> dict:
        data = super().clean()
        mapping = dict(data["saved_mapping"].fields) if data.get("saved_mapping") else {}
        mapping.update(data.get("mapping") or {})
        if mapping and data.get("preset") in {"auto", "mapping"}:
            data["preset"] = "mapping"
        if data.get("preset") == "mapping" and not mapping:
            raise forms.ValidationError("The 'mapping' preset needs at least one field=path line.")
        if data.get("save_mapping_as") and not data.get("mapping"):
            raise forms.ValidationError("Write the mapping lines to save.")
        data["resolved_mapping"] = mapping
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
                project=self.project, name=name, defaults={"fields": self.cleaned_data["mapping"]}
            )


class ImportUploadForm(ImportSettingsForm):
    file = forms.FileField(help_text="JSONL, JSON, CSV or Parquet, optionally gzip-compressed.")

    field_order = ["file", "preset", "saved_mapping", "mapping", "save_mapping_as", "teacher", "atomic"]
