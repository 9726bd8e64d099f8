"""The project's set-up files agree with each other (conda/Binder, pip, CI, README)."""

import re
from pathlib import Path

import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]


def requirement_names(specs: list[str]) -> set[str]:
    """Package names of requirement strings such as 'numpy>=1.24' (lower case)."""
    return {re.split(r"[<>=!~ \[;]", spec, maxsplit=1)[0].strip().lower() for spec in specs}


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_side = requirement_names(project["dependencies"])
    pip_side |= requirement_names(project["optional-dependencies"]["test"])
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_specs = [d for d in environment["dependencies"] if isinstance(d, str)]
    conda_side = requirement_names(conda_specs) - {"python", "pip"}
    assert conda_side == pip_side
    assert {"jupyterlab", "ipywidgets", "numpy", "matplotlib", "sympy"} <= pip_side
    assert {"pytest", "nbval"} <= pip_side


def test_environment_yml_installs_bpkit_itself():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_entries = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert ["-e ."] in pip_entries


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    ci_commands = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                   if line.strip() and not line.lstrip().startswith("#")]
    assert "make test" in ci_commands


def test_python_requirement_matches_the_makefile_check():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.10"
    assert "sys.version_info >= (3, 10)" in (ROOT / "Makefile").read_text()
