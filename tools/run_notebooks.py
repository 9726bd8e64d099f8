"""Execute notebooks top to bottom from a fresh kernel and save them with their outputs.

Usage: python tools/run_notebooks.py [notebooks/NN_name.ipynb ...]   (default: all of them)
nbval then re-runs them in `make test` and compares against what this stored.

A live widget cannot be stored: without a kernel it shows as "Error displaying widget" in
JupyterLab and as raw text elsewhere. So a widget output that carries a static picture
(``text/html``, from ``bpkit.widgets.view.WidgetView``) is stored as that picture alone, and no
widget state is saved; running the notebook brings the live widget back.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def run(path: Path) -> None:
    """Run one notebook in its own folder with a fresh kernel, then write it back."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=True)  # nbclient needs it for Output widgets
    client.execute()
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                data.pop(WIDGET_VIEW, None)
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, path)
    print(f"executed {path.name}")


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for notebook_path in paths:
        run(notebook_path)
