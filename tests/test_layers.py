"""The import walls (pyproject.toml, import-linter) hold, and really fail on a forbidden import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"


def run_lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT)],
        cwd=where,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(where), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def test_the_walls_hold():
    result = run_lint(ROOT)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "6 kept, 0 broken" in result.stdout


def test_a_forbidden_import_breaks_its_wall(tmp_path):
    shutil.copytree(ROOT / "catalog", tmp_path / "catalog", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    # the RDF layer reaching into an output, as fragments.py once did
    target = tmp_path / "catalog" / "rdf" / "mapping.py"
    target.write_text(target.read_text() + "\nfrom ..harvest import datajson  # noqa\n")
    result = run_lint(tmp_path)
    assert result.returncode != 0
    assert "The RDF layer imports no output, view or service BROKEN" in result.stdout
    assert "catalog.rdf.mapping -> catalog.harvest.datajson" in result.stdout
