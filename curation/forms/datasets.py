"""The one place where the dataset pages' input is validated: a dataset's settings and the
builder's choices, which become a ``BuildSpec`` (whose own checks have the last word)."""
from __future__ import annotations

from django import forms

from curation.export.context import FIELD_DEFAULTS
from curation.export.formats import DEFAULT_FORMATS, FORMATS
from curation.export.writers import CONTAINERS
from curation.models import Dataset, Project
from curation.services.datasets.spec import (
    DEFAULT_CONTAINERS, LABEL_RULES, LABEL_SOURCES, RATING_RULES, REVIEW_RULES, SOURCES, STATUSES,
    BuildSpec, InvalidSpec,
)

# Beyond this many distinct teachers the list stops being a useful checkbox group.
MAX_TEACHER_CHOICES = 100


class DatasetForm(forms.ModelForm):
    class Meta:
        model = Dataset
        fields = ["name", "description", "license", "srl_system_prompt"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "srl_system_prompt": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {"license": "A Hugging Face license id, e.g. mit, cc-by-4.0, other."}

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.project = project
        if self.instance.pk:
            del self.fields["name"]  # the name is in every version's path

    def clean_name(self) -> str:
        # The form has no project field, so the model's (project, name) constraint is not
        # checked by the form: say it here rather than fail on save.
        name = self.cleaned_data["name"]
        if Dataset.objects.filter(project=self.instance.project, name=name).exists():
            raise forms.ValidationError("This project already has a dataset of that name.")
        return name


def _choices(mapping: dict) -> list[tuple[str, str]]:
    return [(key, f"{key}: {value[0] if isinstance(value, tuple) else value}")
            for key, value in mapping.items()]


class BuildSpecForm(forms.Form):
    source = forms.ChoiceField(choices=_choices(SOURCES), initial="submitted",
                               widget=forms.RadioSelect)
    annotator = forms.ChoiceField(required=False, label="Annotator's segmentation")
    statuses = forms.MultipleChoiceField(choices=_choices(STATUSES), required=False,
                                         widget=forms.CheckboxSelectMultiple, label="Status")
    reviewer = forms.ChoiceField(required=False, label="Approved by")
    teacher_models = forms.MultipleChoiceField(required=False, label="Teacher models",
                                               widget=forms.CheckboxSelectMultiple)
    source_key = forms.CharField(required=False, max_length=100, label="Source field")
    source_value = forms.CharField(required=False, max_length=200, label="equal to",
                                   help_text="Empty: the trace's source has the field at all.")
    step_types = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                           label="Has a step of type")
    min_steps = forms.IntegerField(required=False, min_value=0)
    max_steps = forms.IntegerField(required=False, min_value=0)
    min_tokens = forms.IntegerField(required=False, min_value=0, label="Min tokens (all steps)")
    max_tokens = forms.IntegerField(required=False, min_value=0, label="Max tokens (all steps)")
    max_step_tokens = forms.IntegerField(required=False, min_value=0, label="Max tokens (a step)")
    review = forms.ChoiceField(choices=_choices(REVIEW_RULES), initial="any", label="Review",
                               required=False)  # a form from before this filter: "any"
    min_agreement = forms.FloatField(
        required=False, min_value=0, max_value=1, label="Min agreement (boundary F1)",
        help_text="Only traces whose annotators agreed at least this much (two or more annotators).",
    )
    ratings = forms.ChoiceField(choices=_choices(RATING_RULES), initial="all")
    formats = forms.MultipleChoiceField(choices=[(f, f) for f in FORMATS], initial=list(DEFAULT_FORMATS),
                                        widget=forms.CheckboxSelectMultiple)
    containers = forms.MultipleChoiceField(choices=[(c, c) for c in CONTAINERS],
                                           initial=list(DEFAULT_CONTAINERS),
                                           widget=forms.CheckboxSelectMultiple)
    next_step_title_hint = forms.BooleanField(required=False,
                                              label="SRL: hint the next step's title")
    labels = forms.ChoiceField(choices=_choices(LABEL_RULES), initial="plus-one",
                               label="PRM labels")
    label_sources = forms.ChoiceField(choices=_choices(LABEL_SOURCES), initial="human",
                                      required=False, label="Whose labels")
    max_steps_per_trace = forms.IntegerField(
        required=False, min_value=1, label="SRL: at most this many rows a trace",
        help_text="A longer trace keeps the rows of its first steps; empty: every step.")

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._add_context_fields()
        self._init_choices(project)

    def _add_context_fields(self) -> None:
        """Per steps field, the last K steps and the token budget of an SRL row's context,
        prefilled with that field's default; empty means no limit of that kind."""
        for name, rule in sorted(FIELD_DEFAULTS.items()):
            self.fields[f"{name}_context_steps"] = forms.IntegerField(
                required=False, min_value=1, initial=rule.max_steps,
                label=f"SRL context, steps cut from the {name}: last K steps")
            self.fields[f"{name}_context_tokens"] = forms.IntegerField(
                required=False, min_value=1, initial=rule.max_tokens,
                label="and at most this many tokens",
                help_text="Empty: no limit (both empty: every previous step).")

    def _init_choices(self, project: Project) -> None:
        people = [("", "anyone (the latest submission)")] + [
            (name, name) for name in
            project.memberships.order_by("user__username").values_list("user__username", flat=True)
        ]
        self.fields["annotator"].choices = people
        self.fields["reviewer"].choices = [("", "anyone"), *people[1:]]
        self.fields["teacher_models"].choices = [(t, t) for t in _teachers(project)]
        self.fields["step_types"].choices = [
            (label["key"], label.get("name", label["key"])) for label in project.label_schema
        ]

    def clean_review(self) -> str:
        return self.cleaned_data.get("review") or "any"

    def clean_label_sources(self) -> str:
        return self.cleaned_data["label_sources"] or "human"  # a form from before issue 17

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            try:
                self.spec = BuildSpec(**self._spec_values(data))
            except InvalidSpec as exc:
                raise forms.ValidationError(str(exc)) from None
        return data

    def _spec_values(self, data: dict) -> dict:
        """The spec's fields: the context inputs become its explicit per-field rule."""
        data = dict(data)
        context = {
            name: {"max_steps": data.pop(f"{name}_context_steps", None),
                   "max_tokens": data.pop(f"{name}_context_tokens", None)}
            for name in FIELD_DEFAULTS
        }
        return {"srl_context": context,
                **{name: _as_spec_value(value) for name, value in data.items()}}


def _teachers(project: Project) -> list[str]:
    teachers = (project.traces.exclude(teacher_model="").order_by("teacher_model")
                .values_list("teacher_model", flat=True).distinct())
    return list(teachers[:MAX_TEACHER_CHOICES])


def _as_spec_value(value):
    return tuple(value) if isinstance(value, list) else value


class DiffForm(forms.Form):
    """Two of the dataset's published versions, chosen from a list (never typed)."""

    old = forms.TypedChoiceField(coerce=int, label="Version")
    new = forms.TypedChoiceField(coerce=int, label="against version")

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, f"v{n}") for n in numbers]
        self.fields["old"].choices = self.fields["new"].choices = choices
        if len(numbers) >= 2 and not self.is_bound:  # the two latest, the usual question
            self.initial = {"old": numbers[-2], "new": numbers[-1], **self.initial}
