"""The review pages' requests, validated in one place: decisions, queue filters, adjudication."""
from __future__ import annotations

import json

from django import forms

from curation.quality import DROP, KEEP, Take
from curation.services.review import QueueFilters


class DecisionForm(forms.Form):
    """Approve (the revision the reviewer saw, an optional comment)."""

    revision = forms.IntegerField(min_value=1)
    comment = forms.CharField(max_length=4000, required=False)


class SendBackForm(DecisionForm):
    step_comments = forms.CharField(required=False, help_text='JSON: {"step index": "comment"}')

    def clean_step_comments(self) -> dict[int, str]:
        raw = self.cleaned_data["step_comments"] or "{}"
        try:
            data = json.loads(raw)
            comments = {int(index): str(text)[:4000] for index, text in data.items()}
        except (ValueError, AttributeError, TypeError) as error:
            raise forms.ValidationError("Step comments are a JSON object of step index to text.") from error
        return comments


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=4000)


class QueueFilterForm(forms.Form):
    annotator = forms.CharField(required=False, max_length=150)
    flagged = forms.BooleanField(required=False)
    negative = forms.BooleanField(required=False, label="Has -1 ratings")
    agreement_below = forms.FloatField(required=False, min_value=0, max_value=1)
    agreement_above = forms.FloatField(required=False, min_value=0, max_value=1)

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        return QueueFilters(**{k: v for k, v in self.cleaned_data.items() if v not in (None, "")})


class ResolveForm(forms.Form):
    """The sides shown (ids and revisions), the base side and a choice per difference."""

    sides = forms.CharField(max_length=200)  # "12:3,15:4": segmentation id:revision
    base = forms.IntegerField(min_value=0, max_value=2, required=False)
    choices = forms.CharField(required=False)  # JSON {"boundary-0": "take:1" | "keep" | "drop"}

    def clean_sides(self) -> list[tuple[int, int]]:
        try:
            pairs = [tuple(int(n) for n in item.split(":")) for item in self.cleaned_data["sides"].split(",")]
        except ValueError as error:
            raise forms.ValidationError("Sides are id:revision pairs.") from error
        if not 2 <= len(pairs) <= 3 or any(len(p) != 2 for p in pairs):
            raise forms.ValidationError("Two or three sides.")
        return pairs

    def clean_choices(self) -> dict:
        try:
            raw = json.loads(self.cleaned_data["choices"] or "{}")
            return {str(diff): _choice(str(value)) for diff, value in raw.items()}
        except (ValueError, AttributeError) as error:
            raise forms.ValidationError("Choices are a JSON object of difference to take:N, keep or drop.") from error


def _choice(value: str):
    if value in (KEEP, DROP):
        return value
    kind, _, side = value.partition(":")
    if kind != "take":
        raise ValueError(value)
    return Take(int(side))


def first_error(form: forms.Form) -> str:
    for field, errors in form.errors.items():
        return f"{'' if field == '__all__' else field + ': '}{errors[0]}"
    return "Invalid request."
