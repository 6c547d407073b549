"""The Segmenter page's input: the project's learning settings, and which field to train."""
from __future__ import annotations

from django import forms

from curation.models import LearningSettings, SegmenterModel
from curation.traces.records import STEP_FIELDS

FIELD_CHOICES = [(name, name) for name in STEP_FIELDS]


class LearningSettingsForm(forms.ModelForm):
    class Meta:
        model = LearningSettings
        fields = ["train_every", "auto_activate", "source", "queue_order"]
        labels = {
            "train_every": "Train again after this many new submissions (0: only when asked)",
            "auto_activate": "Switch a new model on when it beats the rules and the active model",
            "source": "Train on",
            "queue_order": "Annotation queue order",
        }


class TrainForm(forms.Form):
    field = forms.ChoiceField(choices=FIELD_CHOICES, initial="response")
    source = forms.ChoiceField(choices=SegmenterModel.Source.choices, required=False)


class FieldForm(forms.Form):
    field = forms.ChoiceField(choices=FIELD_CHOICES)
