"""The Python examples of README.md and docs/api.md run as written.

Each ```python block runs as its own script (a notebook cell, or a file a reader saves), in the
order of the page, in a folder that holds the shipped scenarios and what the README's commands
before it wrote (``allysim run scenarios/toy.yaml``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("README.md", "docs/api.md")


def python_blocks(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / page).read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("page", PAGES)
def test_every_python_example_runs(page: str, tmp_path: Path) -> None:
    blocks = python_blocks(page)
    assert blocks, f"{page} has no Python example"
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-m", "sim", "run", "scenarios/toy.yaml", "--quiet"], cwd=tmp_path,
                   env=env, check=True, capture_output=True)
    for number, block in enumerate(blocks, 1):
        script = tmp_path / f"example_{number}.py"
        needs_sim = "sim." in block and "import sim" not in block  # the page's earlier `import sim`
        script.write_text(("import sim\n" if needs_sim else "") + block, encoding="utf-8")
        done = subprocess.run([sys.executable, script.name], cwd=tmp_path, env=env, capture_output=True,
                              text=True)
        assert done.returncode == 0, f"{page}, Python example {number}:\n{block}\n{done.stderr[-2000:]}"
