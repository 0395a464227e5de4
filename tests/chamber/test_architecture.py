"""The app layers hold, and the check that enforces them (lint-imports) really fails when a
lower app imports a higher one, even inside a function."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("chamber", "membership", "directory", "deals", "home", "demo")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own lint-imports on a copy of our own code
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def project_copy(tmp_path):
    """The app packages and pyproject.toml, copied: an import added here can't leak into the
    real tree."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_its_layers(project_copy):
    result = lint_imports(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_lower_app_importing_a_higher_one_inside_a_function_breaks_the_layers(project_copy):
    (project_copy / "membership" / "upward.py").write_text(
        "def deals_of(member):\n"
        "    from deals.models import Deal\n\n"
        "    return Deal.objects.filter(business__member=member)\n"
    )
    result = lint_imports(project_copy)
    assert result.returncode == 1
    assert "membership is not allowed to import deals" in result.stdout
    assert "membership.upward -> deals.models" in result.stdout
