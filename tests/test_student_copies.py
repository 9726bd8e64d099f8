"""make student: output-free copies of every notebook, never overwriting a learner's own."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def run(folder: Path) -> str:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "student_copies.py"),
                           str(folder)], capture_output=True, text=True, check=True).stdout


def test_every_notebook_is_copied_with_its_cells_and_without_any_output(tmp_path):
    out = run(tmp_path)
    assert f"{len(NOTEBOOKS)} new notebook(s) without outputs" in out
    for path in NOTEBOOKS:
        original = nbformat.read(path, as_version=4)
        assert [c.source for c in nbformat.read(tmp_path / path.name, as_version=4).cells] == [
            c.source for c in original.cells]
        copy = json.loads((tmp_path / path.name).read_text())
        code = [c for c in copy["cells"] if c["cell_type"] == "code"]
        assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
        assert "widgets" not in copy["metadata"]


def test_a_learners_own_copy_is_kept(tmp_path):
    run(tmp_path)
    mine = tmp_path / NOTEBOOKS[1].name
    mine.write_text("my work")
    out = run(tmp_path)
    assert mine.read_text() == "my work"
    assert "kept your own" in out and NOTEBOOKS[1].name in out and "0 new notebook(s)" in out


def test_make_student_is_in_the_makefile_and_student_is_ignored_by_git():
    makefile = (ROOT / "Makefile").read_text()
    assert "tools/student_copies.py student" in makefile
    assert "--ServerApp.root_dir=student" in makefile
    assert "student/" in (ROOT / ".gitignore").read_text().split()
