"""The export core and the reward are plain Python: importing them loads no Django or Celery."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import pkgutil, importlib, sys
import curation.export, stepwise_reward
for module in pkgutil.walk_packages(curation.export.__path__, "curation.export."):
    importlib.import_module(module.name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("django", "celery", "kombu"))
print(",".join(loaded))
"""


def test_export_core_and_reward_import_neither_django_nor_celery():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO_ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == ""


def test_the_reward_module_needs_only_the_standard_library():
    source = (REPO_ROOT / "stepwise_reward" / "__init__.py").read_text()
    imports = {line.split()[1].split(".")[0] for line in source.splitlines()
               if line.startswith(("import ", "from "))}
    assert imports <= set(sys.stdlib_module_names) | {"__future__"}
