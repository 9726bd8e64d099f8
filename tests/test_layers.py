"""The three layers: data flows core -> draw -> widgets -> notebooks, never back.

Every module's imports are read from its source (no import needed), so a layer violation fails
here even in code no other test runs. The blocked-import test then proves it at run time: with
matplotlib and ipywidgets made unimportable, the core still builds, steps, trains and derives.
"""

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bpkit"
LAYERS = ("core", "draw", "widgets")
FOREIGN = {"core": {"matplotlib", "ipywidgets", "IPython"}, "draw": {"ipywidgets", "IPython"},
           "widgets": set()}
"""Third-party packages a layer must not import."""
CORE_PARTS = ("engine", "lessons", "practice")
"""Inside core/: the engine a student reads in one sitting, then lessons/, then practice/."""
ENGINE_LINES = 2500
"""The engine's files (core/*.py), all together, stay readable in one sitting."""
PART_MODULE_LINES = 400
"""No single module in core/lessons or core/practice is longer than this."""


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def imports(path: Path) -> list[tuple[str, str | None]]:
    """(imported module, enclosing function or None) for every import in a file."""
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef,
                                                     ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Import):
                found.extend((alias.name, function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module:
                found.append((child.module, function))
                found.extend((f"{child.module}.{alias.name}", function) for alias in child.names)
            visit(child, inner)

    visit(ast.parse(path.read_text()), None)
    return found


def layer_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def test_every_module_lives_in_a_layer():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert loose == [], "modules belong in bpkit/core, bpkit/draw or bpkit/widgets"
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        *LAYERS}


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_one_way(path):
    layer = layer_of(path)
    # bpkit/__init__.py is the core's public face: it may import the core only
    allowed = {"core"} if layer is None else set(LAYERS[:LAYERS.index(layer) + 1])
    where = str(path.relative_to(PACKAGE))
    for module, function in imports(path):
        top, _, rest = module.partition(".")
        if top == "bpkit" and rest:
            target = rest.split(".")[0]
            assert target not in LAYERS or target in allowed, (
                f"{where} imports {module} (in {function or 'the module body'}): "
                f"{layer or 'bpkit'} may import only {sorted(allowed)}")
        assert top not in FOREIGN.get(layer, FOREIGN["core"]), f"{where} imports {module}"


def core_part(path: Path) -> str | None:
    """'engine', 'lessons' or 'practice' for a module of core/; None elsewhere."""
    parts = path.relative_to(PACKAGE).parts
    if parts[0] != "core" or parts[-1] == "__init__.py":
        return None
    return parts[1] if len(parts) == 3 else "engine"


@pytest.mark.parametrize("path", [p for p in modules() if core_part(p)],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_inside_core_the_engine_imports_no_lesson_and_lessons_no_practice(path):
    part = core_part(path)
    allowed = CORE_PARTS[:CORE_PARTS.index(part) + 1]
    where = str(path.relative_to(PACKAGE))
    for module, function in imports(path):
        names = module.split(".")
        if names[:2] == ["bpkit", "core"] and len(names) > 2 and names[2] in CORE_PARTS[1:]:
            assert names[2] in allowed, (
                f"{where} ({part}) imports {module} (in {function or 'the module body'}): "
                f"{part} may import only {', '.join(allowed)}")


ENGINE = ("naming.py", "functions.py", "network.py", "trace.py", "symbolic.py",
          "computations.py", "autograd.py", "gradcheck.py", "article.py")
"""The engine a student reads in one sitting: every line of backprop and its formulas."""
SUPPORT = ("errors.py", "fmt.py", "validate.py", "table.py")
"""What the engine leans on and a student may skip: the error, number formats, input checks,
the table record."""


def test_the_engine_reads_in_one_sitting_and_no_lesson_or_practice_module_is_long():
    loose = {p.name for p in (PACKAGE / "core").glob("*.py")} - {"__init__.py"}
    assert loose == {*ENGINE, *SUPPORT}, "core/ holds the engine and its support files only"
    total = sum(len((PACKAGE / "core" / name).read_text().splitlines()) for name in ENGINE)
    assert total < ENGINE_LINES, f"the engine's files hold {total} lines"
    long = {str(p.relative_to(PACKAGE)): n for p in modules() if core_part(p) in CORE_PARTS[1:]
            if (n := len(p.read_text().splitlines())) > PART_MODULE_LINES}
    assert long == {}


def test_the_layer_walk_catches_an_upward_import(tmp_path):
    """The walk above is not vacuous: a core file importing the widgets is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from bpkit.widgets import Explorer\nimport matplotlib\n")
    assert ("bpkit.widgets", None) in imports(bad) and ("matplotlib", None) in imports(bad)


BLOCKED = textwrap.dedent("""
    import json, sys
    for name in ("matplotlib", "ipywidgets", "IPython"):
        sys.modules[name] = None  # any import of them now raises ImportError
    import bpkit, bpkit.core
    from bpkit import XOR_X, XOR_Y, Network, article_network
    net = Network([2, 3, 1], activation="tanh", weights="random", seed=0)
    trace = net.step(XOR_X, XOR_Y, 0.5)
    history = net.train(XOR_X, XOR_Y, 0.5, 20)
    sym = article_network("squared").symbolic()
    print(json.dumps({"links": len(trace.links), "epochs": history.epochs_run,
                      "deltas": sorted(sym.deltas), "html": "<table>" in
                      trace.table("links")._repr_html_(),
                      "loaded": sorted(m for m in ("matplotlib", "ipywidgets", "IPython")
                                       if sys.modules.get(m) is not None)}))
""")


def test_core_works_with_matplotlib_and_ipywidgets_blocked():
    done = subprocess.run([sys.executable, "-c", BLOCKED], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result == {"links": 13, "epochs": 20, "deltas": ["D0", "Z1", "Z2", "Z3"],
                      "html": True, "loaded": []}


def test_import_bpkit_loads_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, bpkit; print(sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython')"
            " if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"
