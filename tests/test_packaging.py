"""The project's set-up files agree with each other (conda/Binder, pip, CI, README)."""

import json
import os
import re
import shutil
import subprocess
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


# ----- the Makefile's servers: PORT checked, the token only in the environment -------------------
MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="make is not installed")
SERVERS = ["lab", "present"]
HOSTILE_TOKENS = [
    "abc;id", "tok$(id)", "tok`id`", "two words", "q'uote\"d", "tok&&id", "tok|id", "$$HOME",
    "tok\\", "#hash", "tok$(shell touch PWNED)",
]


def make_env(**settings: str) -> dict[str, str]:
    """The environment for a make run: this one without make's own or the servers' settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "JUPYTER_TOKEN", "PORT", "NO_BROWSER"}}
    return {**env, **settings}


def run_make(*args: str, cwd: Path = ROOT, **settings: str) -> subprocess.CompletedProcess:
    """Run make in the project with ``settings`` in its environment; capture what it prints."""
    return subprocess.run([MAKE, "--no-print-directory", *args], cwd=cwd, env=make_env(**settings),
                          capture_output=True, text=True, timeout=120)


@needs_make
@pytest.mark.parametrize("target", SERVERS)
@pytest.mark.parametrize("token", HOSTILE_TOKENS)
def test_a_hostile_token_is_never_pasted_into_a_command(target, token, tmp_path):
    marker = tmp_path / "PWNED"
    token = token.replace("PWNED", str(marker))
    done = run_make("-n", target, JUPYTER_TOKEN=token)
    assert done.returncode == 0, done.stderr
    assert token not in done.stdout
    assert "--token=" not in done.stdout and "token" not in done.stderr
    refused = run_make("-n", target, f"JUPYTER_TOKEN={token}")
    assert refused.returncode != 0 and "set it in the environment" in refused.stderr
    assert token not in refused.stdout + refused.stderr and refused.stdout == ""
    assert not marker.exists()


TOKEN_REFUSAL = ("JUPYTER_TOKEN given as a make variable stays on make's command line, which "
                 "`ps` shows to every user while the server runs: set it in the environment "
                 "instead, as in JUPYTER_TOKEN=... make lab")


@needs_make
@pytest.mark.parametrize("target", [*SERVERS, "student", "test"])
def test_the_make_variable_form_of_the_token_is_refused_and_the_environment_form_works(target):
    """`make lab JUPYTER_TOKEN=x` would keep x in make's argv (seen by `ps`) while the server
    runs: refused before anything runs. `JUPYTER_TOKEN=x make lab` is the README's way."""
    refused = run_make("-n", target, "JUPYTER_TOKEN=x")
    assert refused.returncode == 2 and TOKEN_REFUSAL in refused.stderr, refused.stderr
    assert refused.stdout == ""
    done = run_make("-n", target, JUPYTER_TOKEN="x")
    assert done.returncode == 0 and "JUPYTER_TOKEN" not in done.stderr, done.stderr
    assert "make lab JUPYTER_TOKEN" not in (ROOT / "README.md").read_text()


@needs_make
@pytest.mark.parametrize("target", SERVERS)
@pytest.mark.parametrize("port", [
    "abc", "8888;id", "$(id)", "`id`", "", "0", "00", "65536", "99999", "123456", "08888",
    "88 88", "-1", "+8888", "8888.0", "1e3", "$(shell touch PWNED)",
])
def test_a_bad_port_stops_make_with_a_clear_message(target, port, tmp_path):
    marker = tmp_path / "PWNED"
    port = port.replace("PWNED", str(marker))
    for done in (run_make("-n", target, PORT=port), run_make("-n", target, f"PORT={port}")):
        assert done.returncode != 0
        assert "PORT must be a whole number from 1 to 65535 such as 8890" in done.stderr
        assert f"got '{port.strip()}'" in done.stderr
        assert "jupyter" not in done.stdout and "voila" not in done.stdout
    assert not marker.exists()


@needs_make
@pytest.mark.parametrize("target", SERVERS)
@pytest.mark.parametrize("port", ["1", "8890", "10000", "65535"])
def test_a_good_port_reaches_the_server_command(target, port):
    done = run_make("-n", target, PORT=port)
    assert done.returncode == 0, done.stderr
    assert re.search(rf"--(ServerApp\.)?port={port}\s", done.stdout)
    assert "--ServerApp.ip=127.0.0.1" in done.stdout or "--Voila.ip=127.0.0.1" in done.stdout


@needs_make
def test_a_bad_port_does_not_stop_targets_that_start_no_server():
    done = run_make("-n", "lint", "notebooks", PORT="abc")
    assert done.returncode == 0, done.stderr


@needs_make
def test_a_hostile_no_browser_setting_is_not_run():
    done = run_make("-n", "lab", NO_BROWSER="$(shell echo INJECTED >&2)")
    assert done.returncode == 0 and "INJECTED" not in done.stderr
    assert "--no-browser" in done.stdout


RECORDED = ("JUPYTER_TOKEN", "BPKIT_LECTURE", "JUPYTER_PATH")
"""The environment variables the fake servers record."""


def fake_venv(root: Path) -> Path:
    """A .venv whose jupyter and voila only record their arguments and RECORDED, then exit."""
    bin_dir = root / "bin"
    bin_dir.mkdir(parents=True)
    recorder = "#!/bin/sh\n" + f"printf '%s\\n' \"$@\" > '{root}/argv'\n" + "".join(
        f"if [ \"${{{name}+set}}\" = set ]; then printf '%s' \"${name}\" > '{root}/{name}'; fi\n"
        for name in RECORDED)
    for name in ("python", "jupyter", "voila"):
        (bin_dir / name).write_text(recorder)
        (bin_dir / name).chmod(0o755)
    future = (ROOT / "pyproject.toml").stat().st_mtime + 10**6
    for stamp in (".installed", ".installed-test"):
        (root / stamp).touch()
        os.utime(root / stamp, (future, future))
    return root


def recorded(venv: Path) -> tuple[list[str], dict[str, str]]:
    """The arguments and the RECORDED environment the fake server was started with."""
    argv = (venv / "argv").read_text().splitlines()
    env = {name: (venv / name).read_text() for name in RECORDED if (venv / name).exists()}
    return argv, env


@needs_make
@pytest.mark.parametrize("target", SERVERS)
@pytest.mark.parametrize("token", ["abc;id", "a b $(id) `id` 'q' \"d\" \\"])
def test_the_token_reaches_the_server_through_its_environment_only(target, token, tmp_path):
    venv = fake_venv(tmp_path / "venv")
    refused = run_make(target, f"VENV={venv}", "NO_BROWSER=1", f"JUPYTER_TOKEN={token}")
    assert refused.returncode == 2 and not (venv / "argv").exists()  # no server started
    done = run_make(target, f"VENV={venv}", "NO_BROWSER=1", JUPYTER_TOKEN=token)
    assert done.returncode == 0, done.stderr
    argv, env = recorded(venv)
    assert env["JUPYTER_TOKEN"] == token
    assert not any(part in arg for arg in argv for part in ("abc", "$(id)", "`id`", "'q'"))
    assert "--no-browser" in argv


@needs_make
def test_without_a_token_the_servers_make_a_random_one(tmp_path):
    for target, token_flag in (("lab", []), ("present", ["--token"])):
        venv = fake_venv(tmp_path / target)
        done = run_make(target, f"VENV={venv}", "NO_BROWSER=1")
        assert done.returncode == 0, done.stderr
        argv, env = recorded(venv)
        assert "JUPYTER_TOKEN" not in env
        assert [arg for arg in argv if arg.startswith("--token")] == token_flag


@needs_make
def test_the_lecture_view_gets_its_template_path_and_lecture_sizes(tmp_path):
    venv = fake_venv(tmp_path / "venv")
    done = run_make("present", f"VENV={venv}", PORT="8890")
    assert done.returncode == 0, done.stderr
    argv, env = recorded(venv)
    assert env["BPKIT_LECTURE"] == "1"
    assert Path(env["JUPYTER_PATH"]) == ROOT / "share" / "jupyter"
    assert {"notebooks", "--template=bpkit-lecture", "--Voila.ip=127.0.0.1",
            "--port=8890"} <= set(argv)


def test_the_servers_keep_their_port_and_jupyterlab_asks_no_news_question():
    makefile = (ROOT / "Makefile").read_text()
    assert makefile.count("--ServerApp.port_retries=0") == 2  # make lab and make student
    assert "--Voila.port_retries=0" in makefile
    # lab, student and present: no news toast; kernels end with their lecture page
    assert makefile.count('JUPYTER_CONFIG_PATH="$$(pwd)/share/jupyter-config"') == 3
    voila_config = (ROOT / "share/jupyter-config/voila.py").read_text()
    assert "c.VoilaConfiguration.prelaunch_hook = set_xsrf_cookie" in voila_config
    assert "c.MappingKernelManager.cull_connected = False" in voila_config
    overrides = json.loads((ROOT / "share/jupyter-config/labconfig/"
                            "default_setting_overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_every_picture_and_link_the_readme_and_docs_name_exists():
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(((?:docs/|notebooks/|\.\./|[\w-]+\.md)[^)#\s]*)\)",
                                 page.read_text()):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
