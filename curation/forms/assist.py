"""The Assist page's input: an endpoint's settings and a job's request."""
from __future__ import annotations

from django import forms

from curation.models import AssistJob, ModelEndpoint, Project
from curation.services.assist import ALL, WITHOUT_RESULTS

ENDPOINT_FIELDS = (
    "name", "base_url", "model", "api_key_env", "concurrency", "requests_per_minute",
    "timeout_seconds", "max_retries", "use_n", "prompt_price_per_1k", "completion_price_per_1k",
)


class EndpointForm(forms.ModelForm):
    """An endpoint; the key, when typed, is stored encrypted and never shown again."""

    base_url = forms.URLField(max_length=500, assume_scheme="http",
                              help_text="Ends in /v1, e.g. http://gpu-box.lan:8000/v1")
    api_key = forms.CharField(
        required=False, strip=True, widget=forms.PasswordInput(render_value=False),
        label="API key", help_text="Stored encrypted, never shown again. Or name an environment variable.",
    )

    class Meta:
        model = ModelEndpoint
        fields = ENDPOINT_FIELDS
        labels = {"api_key_env": "Key from environment variable", "use_n": "One request for k samples (n)"}

    def settings(self) -> dict:
        return {name: self.cleaned_data[name] for name in ENDPOINT_FIELDS}


class JobForm(forms.Form):
    endpoint = forms.ModelChoiceField(queryset=ModelEndpoint.objects.none())
    task = forms.ChoiceField(choices=AssistJob.Task.choices)
    selection = forms.ChoiceField(
        choices=[(ALL, "all traces"), (WITHOUT_RESULTS, "traces without a result of this task"),
                 ("ids", "these trace ids")],
        initial=WITHOUT_RESULTS, widget=forms.RadioSelect,
    )
    trace_ids = forms.CharField(required=False, label="Trace ids", help_text="Comma-separated.")
    samples = forms.IntegerField(required=False, min_value=1, max_value=64,
                                 help_text="Critic, rollouts, consensus (defaults 4, 8, 4).")
    max_tokens = forms.IntegerField(required=False, min_value=1, max_value=1_000_000, initial=2048)
    prompt_template = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Empty: the task's default prompt. Keep its {{placeholders}}.",
    )

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["endpoint"].queryset = project.model_endpoints.all()

    def clean_trace_ids(self) -> list[int] | None:
        raw = self.cleaned_data["trace_ids"]
        parts = [part.strip() for part in raw.replace("\n", ",").split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError("Trace ids are whole numbers, separated by commas.")
        return [int(part) for part in parts] or None

    def clean(self) -> dict:
        data = super().clean()
        if data.get("selection") == "ids" and not data.get("trace_ids"):
            self.add_error("trace_ids", "Name the traces, or choose all traces.")
        return data

    def request(self) -> dict:
        """``start_assist_job``'s arguments (but project and user)."""
        data = self.cleaned_data
        by_ids = data["selection"] == "ids"
        return {
            "endpoint": data["endpoint"], "task": data["task"],
            "trace_ids": data["trace_ids"] if by_ids else None,
            "selection": ALL if by_ids else data["selection"],
            "params": {"samples": data["samples"], "max_tokens": data["max_tokens"]},
            "prompt_template": data["prompt_template"],
        }


class TraceJobForm(JobForm):
    """A job on the traces chosen in the trace browser: the selection comes from the browser
    (ticked traces, or every trace its filters match), so the form asks only what to do."""

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, project=project, **kwargs)
        del self.fields["selection"], self.fields["trace_ids"]
        if self.fields["endpoint"].queryset.count() == 1:
            self.fields["endpoint"].initial = self.fields["endpoint"].queryset.get()

    def clean(self) -> dict:
        return forms.Form.clean(self)

    def request(self) -> dict:
        """``plan_assist_job``'s arguments but project and traces."""
        data = self.cleaned_data
        return {
            "endpoint": data["endpoint"], "task": data["task"],
            "params": {"samples": data["samples"], "max_tokens": data["max_tokens"]},
            "prompt_template": data["prompt_template"],
        }
