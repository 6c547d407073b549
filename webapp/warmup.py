"""Do once, before gunicorn forks its workers, what every worker's first request would do.

A fresh worker used to spend 450-500 ms on its first request: importing every view behind the
URLconf, building the resolver's reverse tables, compiling templates, reading DRF's settings and
the translation catalogue. Done in the master (``preload_app``), that work is shared by every
worker through fork, and ``gc.freeze()`` afterwards moves those objects out of the collector's
sight, so a full collection walks only what requests create (webapp/gunicorn.conf.py).

Nothing here opens a database connection: a connection opened before fork would be shared by
every worker's process.
"""

from __future__ import annotations

import gc
from pathlib import Path


def warm_up() -> dict[str, int]:
    """Import, resolve and compile; the number of templates and URL names warmed."""
    from django.db import connections

    names = _resolver()
    templates = _templates()
    _rest_framework()
    _translations()
    connections.close_all()  # none should be open; never let one cross the fork
    return {"url_names": names, "templates": templates}


def freeze() -> int:
    """Collect what the warm-up left, then keep the survivors out of every later collection."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def _resolver() -> int:
    from django.urls import get_resolver

    resolver = get_resolver()
    # Reading reverse_dict imports every view module and builds the reverse and namespace tables.
    return len(resolver.reverse_dict) + len(resolver.namespace_dict)


def _templates() -> int:
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template

    count = 0
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            try:
                get_template(str(path.relative_to(folder)))  # compiled into the cached loader
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue
            count += 1
    return count


def _rest_framework() -> None:
    from rest_framework.settings import api_settings

    for key in api_settings.defaults:
        getattr(api_settings, key)  # imports the classes each setting names


def _translations() -> None:
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Log in")


# A sample in the shape of an R1 generation: every default plan has something to cut.
_SAMPLE_REASONING = (
    "Okay, let me think about this. First, compute 2 + 2 = 4.\n\n"
    "Wait, let me check that again. So the answer is 4."
)
_SAMPLE_RESPONSE = "**Step 1.** Add the numbers: $2 + 2 = 4$.\n\nThe answer is $\\boxed{4}$."


def warm_up_segmenter() -> int:
    """Load what a segmentation worker's first chunk would: the tokenizer and the segmenter's
    modules and patterns (about 0.65 CPU s a worker, docs/BENCHMARKS.md "Fourth pass").

    Called once per worker before it takes tasks (webapp/celery.py), so the first import's
    cutting does not wait for it; with a prefork pool the children share it through fork.
    Opens no database connection. Returns the steps of the sample (a smoke check).
    """
    from django.conf import settings

    from curation.models import Trace
    from curation.segment import DEFAULT_LABEL_SCHEMA, load_tokenizer, segment_text, tag_steps
    from curation.services.segmentation.config import check_config, plans_for

    tokenizer = load_tokenizer(settings.STEPWISE_TOKENIZER or None)
    sample = Trace(kind=Trace.Kind.TEXT, reasoning=_SAMPLE_REASONING,
                   response=_SAMPLE_RESPONSE)
    steps = 0
    for plan in plans_for(sample, check_config({})):
        text = getattr(sample, plan.field)
        cut = segment_text(text, plan.strategy, plan.params, tokenizer=tokenizer)
        tag_steps(text, cut, DEFAULT_LABEL_SCHEMA)
        steps += len(cut)
    return steps
