"""The pure cores are plain Python: importing every module of them loads no Django or Celery.

Each package is imported in a fresh interpreter, every module of it, and ``sys.modules`` is
checked afterwards: a core that pulled in Django (even indirectly) would show up there.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PURE_PACKAGES = ("curation.traces", "curation.ingest", "curation.segment", "curation.export",
                 "curation.quality", "curation.review", "curation.assist", "curation.outbound",
                 "stepwise_reward")

PROBE = """
import importlib, pkgutil, sys
package = importlib.import_module({name!r})
for module in pkgutil.walk_packages(getattr(package, "__path__", []), package.__name__ + "."):
    importlib.import_module(module.name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("django", "celery", "kombu"))
print(",".join(loaded))
"""


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_a_pure_core_imports_neither_django_nor_celery(package):
    result = subprocess.run([sys.executable, "-c", PROBE.format(name=package)], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_the_reward_module_needs_only_the_standard_library():
    source = (REPO_ROOT / "stepwise_reward" / "__init__.py").read_text()
    imports = {line.split()[1].split(".")[0] for line in source.splitlines()
               if line.startswith(("import ", "from "))}
    assert imports <= set(sys.stdlib_module_names) | {"__future__"}
