"""manage.py assist --project SLUG --task rewrite|critic|rollouts|consensus|sections --endpoint URL
--model NAME [--api-key-env VAR] [--samples K] [--traces IDS] [--enqueue]"""
from __future__ import annotations

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError


from curation.management.progress import ProgressBar, follow
from curation.models import AssistJob, ModelEndpoint, Project
from curation.services import assist


class Command(BaseCommand):
    help = "Ask a model endpoint (vLLM, Ollama, any OpenAI-compatible server) to propose labels."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", required=True)
        parser.add_argument("--task", required=True, choices=AssistJob.Task.values)
        parser.add_argument("--endpoint", required=True, help="Base URL, ending in /v1.")
        parser.add_argument("--model", required=True)
        parser.add_argument("--api-key-env", default="", metavar="VAR",
                            help="The environment variable that holds the API key.")
        parser.add_argument("--samples", type=int, help="Samples per trace (critic, rollouts).")
        parser.add_argument("--max-tokens", type=int, help="Per answer (default 2048).")
        parser.add_argument("--traces", type=comma_list, metavar="IDS",
                            help="Comma-separated trace ids (default: every trace).")
        parser.add_argument("--without-results", action="store_true",
                            help="Only traces no earlier job of this task has a result for.")
        parser.add_argument("--prompt-file", help="The lead's prompt template ({{placeholders}}).")
        parser.add_argument("--enqueue", action="store_true", help="Run on the workers' assist queue.")

    def handle(self, *args, **opts) -> None:
        project = Project.objects.filter(slug=opts["project"]).first()
        if project is None:
            raise CommandError(f"no project {opts['project']!r}")
        endpoint = self._endpoint(project, opts)
        request = {
            "project": project, "endpoint": endpoint, "task": opts["task"],
            "trace_ids": _ids(opts["traces"]),
            "selection": assist.WITHOUT_RESULTS if opts["without_results"] else assist.ALL,
            "params": {"samples": opts["samples"], "max_tokens": opts["max_tokens"]},
            "prompt_template": _read(opts["prompt_file"]),
        }
        self.bar = ProgressBar()
        try:
            job = self._run(request, opts["enqueue"])
        except (assist.InvalidJob, assist.InvalidEndpoint) as error:
            raise CommandError(str(error)) from None
        self._draw(job)
        if job.status == AssistJob.Status.FAILED:
            raise CommandError(job.message)
        self.stdout.write(self.style.SUCCESS(_summary(job)))

    def _endpoint(self, project: Project, opts: dict) -> ModelEndpoint:
        """The project's endpoint for this URL and model, registered on first use."""
        url, model = opts["endpoint"], opts["model"]
        found = ModelEndpoint.objects.filter(project=project, base_url=url, model=model).first()
        values = {"api_key_env": opts["api_key_env"]} if opts["api_key_env"] else {}
        try:
            if found is None:
                name = f"{model} at {urlsplit(url).netloc}"[:100]
                values.update(name=name, base_url=url, model=model)
            return assist.save_endpoint(project=project, endpoint=found, values=values)
        except assist.InvalidEndpoint as error:
            raise CommandError(str(error)) from None

    def _run(self, request: dict, enqueue: bool) -> AssistJob:
        if enqueue:
            job = assist.start_assist_job(**request)
            return follow(job, finished=lambda job: job.is_finished, draw=self._draw)
        job = assist.create_assist_job(**request)
        self.stderr.write(_estimate(job))
        return assist.run_assist_job(job, on_progress=self._draw)

    def _draw(self, job: AssistJob) -> None:
        label = f"{job.traces_done}/{job.traces_total} traces, {job.requests} requests"
        self.bar.draw(job.progress_percent, label, finished=job.is_finished)


def comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _ids(values) -> list[int] | None:
    if not values:
        return None
    try:
        return [int(value) for value in values]
    except ValueError:
        raise CommandError("--traces takes comma-separated trace ids") from None


def _read(path: str | None) -> str:
    if not path:
        return ""
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _estimate(job: AssistJob) -> str:
    e = job.params.get("estimate", {})
    return (f"At most {e.get('requests', 0)} requests, {e.get('prompt_tokens', 0)} prompt and "
            f"{e.get('completion_tokens', 0)} completion tokens, cost {e.get('cost', 0):.4f}.\n")


def _summary(job: AssistJob) -> str:
    discarded = ", ".join(f"{n} {reason}" for reason, n in sorted(job.discarded.items())) or "none"
    return (
        f"Job #{job.pk} {job.status}: {job.traces_done}/{job.traces_total} traces, "
        f"{job.proposals_created} proposals; {job.requests} requests, {job.prompt_tokens} prompt + "
        f"{job.completion_tokens} completion tokens in {job.duration_seconds:.1f} s, "
        f"estimated cost {job.estimated_cost:.4f}; discarded: {discarded}."
        + (f" {job.message}" if job.message else "")
    )
