"""The one place where the editor's requests are validated: one small form per operation."""

from __future__ import annotations

from django import forms

from curation.models import Segmentation
from curation.segment.edits import UNITS
from curation.services.annotation.edits import MAX_NOTE_LENGTH


class RevisionForm(forms.Form):
    """Every write names the revision it was made on."""

    revision = forms.IntegerField(min_value=1)


class StepForm(RevisionForm):
    index = forms.IntegerField(min_value=0)


class SplitForm(StepForm):
    at = forms.IntegerField(min_value=0)


class MergeForm(StepForm):
    direction = forms.ChoiceField(choices=[("next", "next"), ("previous", "previous")])


class MoveForm(StepForm):
    unit = forms.ChoiceField(choices=[(unit, unit) for unit in UNITS])
    direction = forms.TypedChoiceField(choices=[("-1", "back"), ("1", "forward")], coerce=int)


class TypeForm(StepForm):
    type = forms.CharField(max_length=32, required=False)
    to_end = forms.BooleanField(required=False)  # this step and every one after it


class RateForm(StepForm):
    rating = forms.TypedChoiceField(
        choices=[("", "none"), ("-1", "-1"), ("0", "0"), ("1", "+1")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    to_end = forms.BooleanField(required=False)  # this step and every one after it


class NoteForm(StepForm):
    text = forms.CharField(max_length=MAX_NOTE_LENGTH, required=False, strip=False)


class FlagForm(StepForm):
    flagged = forms.BooleanField(required=False)


class SubmitForm(RevisionForm):
    """Both optional: the editor sends its active time; the annotator may say why they stopped."""

    # A day at most: more is a tab left open, not work.
    time_spent_seconds = forms.IntegerField(min_value=0, max_value=86_400, required=False)
    stop_reason = forms.ChoiceField(
        choices=[("", "not given"), *Segmentation._meta.get_field("stop_reason").choices],
        required=False,
    )


class SkipForm(RevisionForm):
    reason = forms.CharField(max_length=500)


def first_error(form: forms.Form) -> str:
    """One readable line for the annotator out of a form's errors."""
    for field, errors in form.errors.items():
        name = "" if field == "__all__" else f"{field}: "
        return f"{name}{errors[0]}"
    return "Invalid request."
