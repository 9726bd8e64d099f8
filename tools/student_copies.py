"""Write output-free copies of the notebooks for a learner to work in (``make student``).

Usage: python tools/student_copies.py [FOLDER]   (default: student/, which git ignores)

The committed notebooks keep their outputs (nbval compares them), so they give every answer
away before a learner has predicted it. The copies have none: each number appears only when
its cell runs. A copy that already exists is never overwritten (it holds the learner's work);
delete it to get a fresh one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def blank(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` without outputs, execution counts or saved widget state."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.metadata.pop("widgets", None)
    return notebook


def write_copies(folder: Path) -> tuple[list[str], list[str]]:
    """Write a blank copy of every notebook into ``folder``; return (written, kept) names."""
    folder.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        target = folder / path.name
        if target.exists():
            kept.append(path.name)
            continue
        nbformat.write(blank(path), target)
        written.append(path.name)
    return written, kept


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "student"
    written, kept = write_copies(folder)
    print(f"{folder}: {len(written)} new notebook(s) without outputs"
          + (f"; kept your own {', '.join(kept)} (delete one to start it afresh)" if kept else ""))
