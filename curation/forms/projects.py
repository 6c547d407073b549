"""A project's pages' input: creating one, and each section of its settings page.

Each settings section is a small form whose ``changes()`` are the settings it edits; the view
hands them to ``services.projects.clean_settings``, the same check the API and commands use,
and puts what it refuses back on the form's fields.
"""
from __future__ import annotations

from django import forms
from django.utils.text import slugify

from curation.ingest.presets import PRESETS
from curation.models import Project
from curation.traces.records import STEP_FIELDS

STRATEGY_CHOICES = [
    ("auto", "auto (actions for agents, solution for final solutions, discourse for reasoning)"),
    ("solution", "solution: numbered / headed / Step N steps (SRL)"),
    ("paragraphs", "paragraphs: blank-line blocks within token bounds"),
    ("discourse", "discourse: reasoning moves in long <think> traces"),
    ("actions", "actions: one step per agent action"),
]
UNTYPED = "-"  # a retired type's steps may become untyped


class ProjectCreateForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(required=False, help_text="In every URL of the project; from the name if left blank.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self) -> dict:
        data = super().clean()
        slug = data.get("slug") or slugify(data.get("name", ""))
        if not slug:
            raise forms.ValidationError("Give the project a name (or a slug) made of letters or digits.")
        if Project.objects.filter(slug=slug).exists():
            self.add_error("slug", f"A project called {slug!r} exists already.")
        data["slug"] = slug
        return data


class SettingsSection(forms.Form):
    """One section of the settings page; its fields are settings of the same names."""

    section: str = ""
    title: str = ""

    def changes(self) -> dict:
        return dict(self.cleaned_data)

    def refuse(self, errors: dict[str, list[str]]) -> None:
        """Put ``clean_settings``' errors on the fields they concern (else on the whole form)."""
        for name, messages in errors.items():
            self.add_error(name if name in self.fields else None, messages)


class GeneralForm(SettingsSection):
    section, title = "general", "Name and description"
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class GuidelinesForm(SettingsSection):
    section, title = "guidelines", "Guidelines"
    guidelines = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "class": "mono"}), required=False,
        help_text="Markdown; shown to annotators beside the editor (sanitized: no scripts, no styles).",
    )


class LabelForm(forms.Form):
    """One step type: a row of the schema table."""

    original = forms.CharField(required=False, widget=forms.HiddenInput)
    key = forms.CharField(max_length=32, widget=forms.TextInput(attrs={"size": 10}))
    name = forms.CharField(max_length=60, widget=forms.TextInput(attrs={"size": 12}))
    # A colour picker always sends a colour: black counts as "left alone" on the empty row.
    colour = forms.CharField(max_length=9, initial="#000000", widget=forms.TextInput(attrs={"type": "color"}))
    shortcut = forms.CharField(max_length=1, required=False, widget=forms.TextInput(attrs={"size": 1}))
    definition = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs={"size": 40}))
    retire_to = forms.CharField(
        required=False, label="Its steps become",
        help_text="When retiring a type that steps use: the type they get instead.",
    )


class BaseLabelFormSet(forms.BaseFormSet):
    def schema_changes(self) -> dict:
        """The new label schema in the chosen order, and which old types become which."""
        kept, relabel = [], {}
        for form in self.ordered_forms:
            data = form.cleaned_data
            label = {name: data.get(name, "") for name in ("key", "name", "colour", "shortcut", "definition")}
            kept.append(label)
            if data.get("original") and data["original"] != data["key"]:
                relabel[data["original"]] = data["key"]
        for form in self.deleted_forms:
            data = form.cleaned_data
            if data.get("original") and data.get("retire_to"):
                relabel[data["original"]] = "" if data["retire_to"] == UNTYPED else data["retire_to"]
        return {"label_schema": kept, "relabel": relabel}


LabelFormSet = forms.formset_factory(
    LabelForm, formset=BaseLabelFormSet, extra=1, can_order=True, can_delete=True
)


def label_formset(project: Project, data=None) -> BaseLabelFormSet:
    initial = [{**label, "original": label["key"]} for label in project.label_schema]
    formset = LabelFormSet(data, initial=initial, prefix="labels")
    for form in formset.forms:
        form.fields["DELETE"].label = "Retire"
        form.fields["ORDER"].label = "Position"
    return formset


class RatingScaleForm(SettingsSection):
    section, title = "ratings", "Rating scale"
    wrong = forms.CharField(max_length=40, required=False, label="-1", help_text="Blank: not used.")
    neutral = forms.CharField(max_length=40, required=False, label="0")
    good = forms.CharField(max_length=40, required=False, label="+1")

    VALUES = {"wrong": -1, "neutral": 0, "good": 1}

    @classmethod
    def initial_for(cls, project: Project) -> dict:
        names = {row["value"]: row["name"] for row in project.rating_scale}
        return {field: names.get(value, "") for field, value in cls.VALUES.items()}

    def changes(self) -> dict:
        return {"rating_scale": [
            {"value": value, "name": self.cleaned_data[field]}
            for field, value in self.VALUES.items() if self.cleaned_data[field].strip()
        ]}

    def refuse(self, errors: dict[str, list[str]]) -> None:
        self.add_error(None, errors.get("rating_scale") or sum(errors.values(), []))


class WorkForm(SettingsSection):
    section, title = "work", "Overlap and quality"
    overlap = forms.IntegerField(min_value=1, help_text="Annotations wanted per trace.")
    agreement_tolerance = forms.IntegerField(min_value=0)
    agreement_unit = forms.ChoiceField(choices=[("chars", "characters"), ("tokens", "tokens")])
    agreement_threshold = forms.FloatField()
    max_annotators = forms.IntegerField(min_value=1)
    auto_approve_consensus = forms.BooleanField(required=False)
    gold_rate = forms.FloatField(help_text="Share of queue items that are gold (0 to 1).")
    screening_items = forms.IntegerField(min_value=0)
    screening_threshold = forms.FloatField()


FIELD_STRATEGY_CHOICES = [("", "(as above)")] + STRATEGY_CHOICES


class SegmentationForm(SettingsSection):
    """The automatic segmenter's settings: a default, and a strategy per field if wanted."""

    section, title = "segmentation", "Automatic segmentation"
    strategy = forms.ChoiceField(choices=STRATEGY_CHOICES)
    params = forms.JSONField(required=False, help_text='Parameters, e.g. {"min_tokens": 8, "max_tokens": 400}.')

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in STEP_FIELDS:
            label = "solution" if field == "response" else field
            self.fields[f"{field}_strategy"] = forms.ChoiceField(
                choices=FIELD_STRATEGY_CHOICES, required=False, label=f"Strategy for the {label}")
            self.fields[f"{field}_params"] = forms.JSONField(required=False, label=f"Parameters for the {label}")

    @staticmethod
    def initial_for(project: Project) -> dict:
        config = project.segmentation or {}
        initial = {"strategy": config.get("strategy", "auto"), "params": config.get("params", {})}
        for field, choice in (config.get("fields") or {}).items():
            initial[f"{field}_strategy"] = choice.get("strategy", "")
            initial[f"{field}_params"] = choice.get("params", {})
        return initial

    def changes(self) -> dict:
        data = self.cleaned_data
        config: dict = {"strategy": data["strategy"], "params": data.get("params") or {}}
        fields = {
            field: {"strategy": data[f"{field}_strategy"], "params": data.get(f"{field}_params") or {}}
            for field in STEP_FIELDS if data.get(f"{field}_strategy")
        }
        if fields:
            config["fields"] = fields
        return {"segmentation": config}

    def refuse(self, errors: dict[str, list[str]]) -> None:
        # The segmenter's own message, on the parameters it is about.
        self.add_error("params", errors.get("segmentation") or sum(errors.values(), []))


class ImportDefaultsForm(SettingsSection):
    section, title = "imports", "Import defaults"
    default_preset = forms.ChoiceField(
        choices=[("auto", "auto (recognize the format)")] + [(name, name) for name in PRESETS],
        label="Preset",
    )
    default_teacher = forms.CharField(required=False, label="Teacher", max_length=200)
    default_atomic = forms.BooleanField(required=False, label="All records or none")


SECTIONS = {form.section: form for form in (
    GeneralForm, GuidelinesForm, RatingScaleForm, WorkForm, SegmentationForm, ImportDefaultsForm,
)}


def section_initial(form_class: type[SettingsSection], project: Project) -> dict:
    if hasattr(form_class, "initial_for"):
        return form_class.initial_for(project)
    return {name: getattr(project, name) for name in form_class.base_fields}


class ArchiveForm(forms.Form):
    confirm = forms.BooleanField(label="Yes, archive this project (nothing is deleted)")


class PurgeForm(forms.Form):
    slug = forms.CharField(label="Type the project's slug to delete it and all its data for good")
