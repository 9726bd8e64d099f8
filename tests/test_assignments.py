"""Issue 18: nbgrader 0.9 grades the learner-code tasks of 10 and 11 (`make assignments`).

tools/assignments.py writes a course folder; nbgrader's own command line then generates the
students' version, autogrades three submissions in one call per course (all assignments, all
students) and exports the grades: the release as generated scores 0, a wrong answer part of the
points, the reference solutions all of them. About 45 s on this project's 2-core machine.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "assignments.py"
ASSIGNED = {"10_graph": 2, "11_matrices": 2}
"""Each assignment and its points: multiply and tanh 1 each; backprop 2."""
WRONG = {
    "multiply_backward": "def multiply_backward(a, b, grad):\n    return grad * b, grad * a\n",
    "tanh_backward": "def tanh_backward(a, z, grad):\n    return grad * (1 - a**2)\n",
}
"""A student who gets multiply right but uses 1 - a² for tanh (and sums in backprop, below)."""


def tool() -> object:
    """tools/assignments.py as a module."""
    spec = importlib.util.spec_from_file_location("assignments", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def graded(cell: nbformat.NotebookNode) -> dict:
    return cell.metadata.get("nbgrader", {})


# ----- the committed notebooks and the source tree (no nbgrader needed) --------------------------
@pytest.mark.parametrize("name", ASSIGNED)
def test_each_learner_code_cell_is_a_solution_cell_checked_by_a_locked_graded_cell(name):
    cells = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4).cells
    tasks = [i for i, c in enumerate(cells) if "learner-code" in c.metadata.get("tags", [])]
    assert tasks
    points = 0
    for index in tasks:
        assert graded(cells[index]) | {"grade_id": ""} == {
            "grade": False, "grade_id": "", "locked": False, "schema_version": 3,
            "solution": True, "task": False}
        check = next(c for c in cells[index + 1:] if c.cell_type == "code")
        assert {k: v for k, v in graded(check).items() if k not in ("grade_id", "points")} == {
            "grade": True, "locked": True, "schema_version": 3, "solution": False, "task": False}
        assert check.source.endswith(").graded()")
        [shown] = check.outputs  # the stub's verdict, shown (it raises only under nbgrader)
        assert shown.output_type == "execute_result"
        assert "not written yet" in shown.data["text/plain"]
        points += graded(check)["points"]
    assert points == ASSIGNED[name]


@pytest.mark.parametrize("name", ASSIGNED)
def test_the_source_version_holds_the_solutions_and_reveals_none(name):
    original = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    source = tool().source_notebook(ROOT / "notebooks" / f"{name}.ipynb")
    reveals = [c for c in original.cells if "<summary>Solution</summary>" in c.source]
    assert reveals and not any("<summary>Solution" in c.source for c in source.cells)
    assert len(source.cells) == len(original.cells) - len(reveals)
    kept = [c for c in original.cells if c not in reveals]
    for before, after in zip(kept, source.cells):
        assert after.get("outputs", []) == [] and after.get("execution_count") is None
        if graded(after).get("solution"):
            stub = before.source.splitlines()
            assert [line for line in stub if "NotImplementedError" not in line] == \
                after.source.splitlines()[:len(stub) - 1]  # the stub's def, docstring, hints
            assert re.search(r"\n( *)### BEGIN SOLUTION\n(\1.+\n)+\1### END SOLUTION$",
                             after.source), after.source
        else:
            assert after.source == before.source and after.metadata == before.metadata


def test_a_notebook_without_learner_code_stops_the_tool_with_a_clear_message(tmp_path):
    module = tool()
    plain = tmp_path / "01_setup.ipynb"
    shutil.copy(ROOT / "notebooks" / "01_setup.ipynb", plain)
    with pytest.raises(module.AssignmentError, match=re.escape(
            "01_setup.ipynb has no code cell tagged learner-code: there is nothing for a "
            "learner to write")):
        module.source_notebook(plain)
    notebook = nbformat.read(ROOT / "notebooks" / "10_graph.ipynb", as_version=4)
    notebook.cells = [c for c in notebook.cells if "<summary>Solution" not in c.source]
    nbformat.write(notebook, tmp_path / "10_graph.ipynb")
    with pytest.raises(module.AssignmentError, match="cell for multiply_backward has no "
                       r"<details><summary>Solution</summary> cell after it"):
        module.source_notebook(tmp_path / "10_graph.ipynb")


def test_make_assignments_runs_the_tool():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"(?m)^assignments: .*\n\t\$\(BIN\)/python tools/assignments\.py$", makefile)


# ----- nbgrader itself ---------------------------------------------------------------------------
@dataclass
class Course:
    """A graded course folder and what `nbgrader export` wrote: {(assignment, student): score}."""

    folder: Path
    scores: dict[tuple[str, str], tuple[float, float]]

    def autograded(self, student: str, name: str) -> nbformat.NotebookNode:
        return nbformat.read(self.folder / "autograded" / student / name / f"{name}.ipynb",
                             as_version=4)


def nbgrader(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run nbgrader's command line in the course folder, as a course would."""
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(folder.parent / "jupyter-config"),
           # nbgrader runs the `alembic` command when it creates its gradebook: this Python's
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr[-3000:]
    return done


def submit(folder: Path, student: str, name: str, answers: dict[str, str] | None) -> None:
    """The released notebook with ``answers`` (by grade_id) in its solution cells, submitted."""
    notebook = nbformat.read(folder / "release" / name / f"{name}.ipynb", as_version=4)
    for cell in notebook.cells:
        if answers and graded(cell).get("solution"):
            cell.source = answers[graded(cell)["grade_id"]]
    target = folder / "submitted" / student / name / f"{name}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(notebook, target)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    """The course written by tools/assignments.py, generated, submitted, autograded, exported."""
    if importlib.util.find_spec("nbgrader") is None:
        message = "the nbgrader test needs nbgrader 0.9 (pip install -e '.[test]'; `make test`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("course") / "course"
    subprocess.run([sys.executable, str(TOOL), str(folder)], check=True, capture_output=True)
    nbgrader(folder, "generate_assignment", "*")
    for name in ASSIGNED:
        source = nbformat.read(folder / "source" / name / f"{name}.ipynb", as_version=4)
        solutions = {graded(c)["grade_id"]: c.source for c in source.cells
                     if graded(c).get("solution")}
        wrong = {**WRONG, "backprop": solutions.get("backprop", "").replace(" / n", "")}
        submit(folder, "unsolved", name, None)
        submit(folder, "wrong", name, {key: wrong[key] for key in solutions})
        submit(folder, "solved", name, solutions)
    nbgrader(folder, "autograde", "*")
    nbgrader(folder, "export")
    with (folder / "grades.csv").open() as grades:
        scores = {(row["assignment"], row["student_id"]): (float(row["score"]),
                                                             float(row["max_score"]))
                  for row in csv.DictReader(grades)}
    yield Course(folder, scores)


def total(course: Course, student: str) -> float:
    return sum(course.scores[name, student][0] for name in ASSIGNED)


def test_the_points_are_those_of_the_check_cells(course):
    for (name, _), (_, most) in course.scores.items():
        assert most == ASSIGNED[name]
    assert len(course.scores) == len(ASSIGNED) * 3


def test_unsolved_scores_nothing_wrong_some_and_solved_everything(course):
    assert total(course, "unsolved") == 0
    assert 0 < total(course, "wrong") < sum(ASSIGNED.values())
    assert course.scores["10_graph", "wrong"] == (1, 2)  # multiply right, tanh wrong
    assert course.scores["11_matrices", "wrong"] == (0, 2)
    assert total(course, "solved") == sum(ASSIGNED.values())


def test_the_students_get_the_stub_not_the_solution(course):
    for name in ASSIGNED:
        release = (course.folder / "release" / name / f"{name}.ipynb").read_text()
        assert "BEGIN SOLUTION" not in release and "<summary>Solution" not in release
        assert "raise NotImplementedError()" in release


def test_a_wrong_answers_failing_check_carries_the_checkers_message(course):
    """Each failing check cell holds the message bpkit's checker gives that code: the mistake."""
    from bpkit import check_backprop, check_backward, f_prime

    def errors(name: str) -> dict[str, str]:
        return {graded(c)["grade_id"]: "\n".join(o.evalue for o in c.outputs
                                                 if o.output_type == "error")
                for c in course.autograded("wrong", name).cells if graded(c).get("grade")}

    def defined(name: str, grade_id: str) -> object:
        [cell] = [c for c in course.autograded("wrong", name).cells
                  if graded(c).get("grade_id") == grade_id]
        namespace = {"f_prime": f_prime}
        exec(cell.source, namespace)  # the student's submitted code, as the kernel ran it
        return namespace[grade_id]

    graph, matrices = errors("10_graph"), errors("11_matrices")
    assert graph["check_multiply_backward"] == ""
    tanh = check_backward("tanh", defined("10_graph", "tanh_backward"))
    backprop = check_backprop(defined("11_matrices", "backprop"))
    assert not tanh.correct and graph["check_tanh_backward"] == tanh.message
    assert not backprop.correct and matrices["check_backprop"] == backprop.message
    assert "a²" in tanh.message and "sum" in backprop.message  # each names its mistake
