"""Write an nbgrader course folder for the learner-code tasks (``make assignments``).

Usage: python tools/assignments.py [FOLDER]   (default: build/assignments/)

Notebooks 10 and 11 ask the learner to write code: each cell tagged ``learner-code`` is an
nbgrader solution cell holding a stub, and the check cell after it is a locked, graded test cell
that raises the checker's message until the code is right. This tool writes, for nbgrader 0.9,

- FOLDER/nbgrader_config.py (only if missing: a course may have adapted its own), and
- FOLDER/source/<notebook>/<notebook>.ipynb, one assignment per notebook (10_graph, 11_matrices),

where each solution cell holds the reference solution between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (``nbgrader generate_assignment`` puts the stub back for the students), the
``<details>`` cell that reveals the solution is dropped, and every other cell stays, outputs
cleared. Cells are found by their tags and nbgrader metadata, never by position; the reference
solution is the code of that reveal cell. A notebook without a learner-code cell, or a cell
the tool cannot pair with its solution, stops the tool with a message and exit code 2.
"""

from __future__ import annotations

import ast
import re
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "assignments"
ASSIGNED = ("10_graph", "11_matrices")
"""The notebooks whose learner-code tasks are graded, each its own assignment."""
LEARNER_CODE = "learner-code"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
REVEAL = re.compile(r"<details>\s*<summary>\s*Solution\s*</summary>", re.IGNORECASE)
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
CONFIG = '''\
"""nbgrader settings for bpkit's learner-code assignments (written by tools/assignments.py).

Run nbgrader in this folder: `nbgrader generate_assignment 10_graph` writes the students'
version to release/, `nbgrader autograde 10_graph` grades submitted/<student>/10_graph/, and
`nbgrader export` writes grades.csv. The students' Python needs bpkit installed.
"""

c = get_config()  # noqa: F821 -- traitlets provides it to config files

c.CourseDirectory.course_id = "bpkit"  # ADAPT: the course id of your hub's nbgrader exchange
# The stub that replaces each solution: the notebook's own stub keeps its docstring and hints
# above the solution region, so the students see the same stub as in the English notebook.
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError()"}
'''


class AssignmentError(Exception):
    """A notebook the tool cannot turn into an assignment; the message says what is missing."""


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _function(code: str, where: str) -> ast.FunctionDef:
    """The one function ``code`` defines at its top level."""
    try:
        tree = ast.parse(code)
    except SyntaxError as err:
        raise AssignmentError(f"{where} is not valid Python ({err.msg}, line "
                              f"{err.lineno})") from None
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    if len(functions) != 1:
        raise AssignmentError(f"{where} must define exactly one function; it defines "
                              f"{len(functions)}")
    return functions[0]


def _is_docstring(statement: ast.stmt) -> bool:
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str))


def reference_body(reveal: str, name: str, where: str) -> str:
    """The body of function ``name`` in the revealed solution's code, dedented, no docstring."""
    blocks = PYTHON_BLOCK.findall(reveal)
    if len(blocks) != 1:
        raise AssignmentError(f"{where} must hold one ```python block with the solution; it "
                              f"holds {len(blocks)}")
    function = _function(blocks[0], where)
    if function.name != name:
        raise AssignmentError(f"{where} defines {function.name}, but its learner-code cell "
                              f"asks for {name}")
    statements = function.body[1:] if _is_docstring(function.body[0]) else function.body
    if not statements:
        raise AssignmentError(f"{where}: {name} has no body")
    lines = blocks[0].splitlines()
    return textwrap.dedent("\n".join(lines[statements[0].lineno - 1:function.end_lineno]))


def with_solution(stub: str, body: str, where: str) -> str:
    """The stub with its ``raise NotImplementedError`` line replaced by the solution region."""
    function = _function(stub, where)
    raises = [s for s in function.body if isinstance(s, ast.Raise) and s.exc is not None
              and "NotImplementedError" in ast.unparse(s.exc)]
    if len(raises) != 1 or raises[0].lineno != raises[0].end_lineno:
        raise AssignmentError(f"{where} must end its stub with one `raise NotImplementedError` "
                              "line, which the solution replaces")
    lines = stub.splitlines()
    index = raises[0].lineno - 1
    indent = lines[index][:len(lines[index]) - len(lines[index].lstrip())]
    region = [indent + BEGIN, *textwrap.indent(body, indent).splitlines(), indent + END]
    return "\n".join([*lines[:index], *region, *lines[index + 1:]])


def source_notebook(path: Path) -> nbformat.NotebookNode:
    """The nbgrader source version of the notebook at ``path``: solutions in, reveals out."""
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    tasks = [i for i, cell in enumerate(cells)
             if cell.cell_type == "code" and LEARNER_CODE in _tags(cell)]
    if not tasks:
        raise AssignmentError(f"{path.name} has no code cell tagged {LEARNER_CODE}: there is "
                              "nothing for a learner to write, so nothing to grade")
    if not any(cell.get("metadata", {}).get("nbgrader", {}).get("grade") for cell in cells):
        raise AssignmentError(f"{path.name} has no graded check cell (nbgrader metadata with "
                              "grade: true), so every submission would score 0 of 0")
    reveals = []
    for number, index in enumerate(tasks):
        cell = cells[index]
        name = _function(cell.source, f"{path.name}'s {LEARNER_CODE} cell").name
        where = f"{path.name}'s {LEARNER_CODE} cell for {name}"
        if not cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            raise AssignmentError(f"{where} has no nbgrader metadata marking it a solution cell")
        stop = tasks[number + 1] if number + 1 < len(tasks) else len(cells)
        reveal = next((i for i in range(index + 1, stop) if cells[i].cell_type == "markdown"
                       and REVEAL.search(cells[i].source)), None)
        if reveal is None:
            raise AssignmentError(f"{where} has no <details><summary>Solution</summary> cell "
                                  "after it, where the tool takes the reference solution from")
        body = reference_body(cells[reveal].source, name, f"{path.name}'s solution for {name}")
        cell.source = with_solution(cell.source, body, where)
        reveals.append(reveal)
    notebook.cells = [cell for i, cell in enumerate(cells) if i not in reveals]
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.metadata.pop("widgets", None)
    return notebook


def write_course(folder: Path, names: tuple[str, ...] = ASSIGNED) -> tuple[list[Path], bool]:
    """Write the source tree into ``folder``; return the notebooks written and if the config was.

    Every notebook is checked before anything is written, so a bad one leaves no half course.
    """
    sources = {name: source_notebook(NOTEBOOKS / f"{name}.ipynb") for name in names}
    written = []
    for name, notebook in sources.items():
        target = folder / "source" / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
        written.append(target)
    config = folder / "nbgrader_config.py"
    new_config = not config.exists()
    if new_config:
        config.write_text(CONFIG)
    return written, new_config


def main(argv: list[str]) -> int:
    """Write the course folder named in ``argv`` (default build/assignments); the exit code."""
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    folder = Path(argv[0]) if argv else OUT
    try:
        written, new_config = write_course(folder)
    except AssignmentError as err:
        print(f"assignments: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print(f"{'wrote' if new_config else 'kept the existing'} {folder / 'nbgrader_config.py'}")
    print(f"next, in {folder} with .venv active (nbgrader runs `alembic` from PATH): "
          + "; ".join(f"nbgrader generate_assignment {name}" for name in ASSIGNED)
          + " (docs/classroom.md, Grading the code with nbgrader)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
