"""The committed notebooks: executed in order, clean outputs, short cells, numbers from code.

nbval (run by `make test`) re-executes them and compares outputs; these checks cover what nbval
does not: how they were stored, and the suite's rules for notebook style.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
EXPECTED = ["00_welcome", "01_setup", "02_forward_pass", "03_deltas", "04_gradients",
            "05_weight_updates", "06_training", "07_symmetry_and_rates", "08_exercises",
            "09_two_outputs", "10_graph", "11_matrices", "12_depth", "13_playground",
            "14_part2_practice"]
MAX_CELLS = 35
"""A notebook fits one sitting: at most this many cells, code and markdown."""
RAW_WIDGET_TEXT = ["VBox(", "HBox(", "Explorer(phase", "StepPlayer(phase", "QuestionWidget(",
                   "interactive(children", "Error displaying widget"]
"""What a widget cell shows where no kernel runs, unless it carries a static picture."""
WARNING_TEXT = re.compile(r"\b\w*Warning\b|Traceback")
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d*)?(?![\w])")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
LEARNER_CODE = "learner-code"
"""The tag of a cell where the learner writes a function (a stub until they do)."""


def cells(path: Path, kind: str) -> list[dict]:
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == kind]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def output_text(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append("".join(out.get("text", "")))
        for key, value in out.get("data", {}).items():
            if key.startswith("text/"):
                parts.append("".join(value))
    return "\n".join(parts)


def test_the_suite_has_every_notebook_in_order():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_executed_once_top_to_bottom_from_a_fresh_kernel(path):
    counts = [c["execution_count"] for c in cells(path, "code") if source(c).strip()]
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_error_warning_or_stderr_is_stored(path):
    for cell in cells(path, "code"):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", (path.name, source(cell))
            assert out.get("name") != "stderr", (path.name, source(cell))
        assert not WARNING_TEXT.search(output_text(cell)), (path.name, source(cell))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_are_short_and_define_no_helpers(path):
    """Learners' own code (cells tagged learner-code) may define the one function asked for."""
    for cell in cells(path, "code"):
        lines = [ln for ln in source(cell).splitlines() if ln.strip()]
        assert len(lines) <= 15, (path.name, source(cell))
        definitions = re.findall(r"^\s*(def|class) ", source(cell), re.M)
        allowed = 1 if LEARNER_CODE in cell.get("metadata", {}).get("tags", []) else 0
        assert len(definitions) <= allowed, (path.name, source(cell))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_carry_no_test_plumbing(path):
    """nbval's instructions are cell tags (nbval-ignore-output), never comments a learner or a
    projector shows."""
    for cell in cells(path, "code"):
        assert "NBVAL_" not in source(cell), (path.name, source(cell))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markdown_is_short(path):
    for cell in cells(path, "markdown"):
        text = source(cell)
        if "|" in text or text.lstrip().startswith("## Check yourself"):
            continue  # tables and the closing questions are lists, not narrative
        for paragraph in re.split(r"\n\n|\n(?=- )", text):
            sentences = re.findall(r"[.!?:](?:\s|$)", paragraph.strip())
            assert len(sentences) <= 3, (path.name, paragraph)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_number_in_markdown_is_computed_in_the_notebook(path):
    outputs = "\n".join(output_text(c) for c in cells(path, "code"))
    computed = {float(n) for n in NUMBER.findall(outputs)}
    for cell in cells(path, "markdown"):
        text = LINK_TARGET.sub("]", source(cell))
        text = re.sub(r"(?m)^#+ \d\d ·", "", text)  # the notebook's own number in its title
        text = re.sub(r"\[\d\d [^\]]*\]", "", text)  # links to other notebooks
        text = re.sub(r"(?m)^\s*\d+\. ", "", text)  # numbered list markers
        for token in NUMBER.findall(text):
            if re.fullmatch(r"0\d\.?", token):
                continue  # a notebook's number, as in "02 to 04"
            assert float(token) in computed, f"{path.name}: {token} in markdown is not computed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_ends_with_check_yourself_and_a_link_to_the_next(path):
    last = source(cells(path, "markdown")[-1])
    assert "## Check yourself" in last
    questions = re.findall(r"(?m)^\d+\. ", last)
    assert 3 <= len(questions) <= 5
    index = EXPECTED.index(path.stem)
    if index + 1 < len(EXPECTED):
        assert f"({EXPECTED[index + 1]}.ipynb)" in last


PUBLIC_FACES = {"bpkit", "bpkit.draw", "bpkit.widgets"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_import_only_the_public_faces(path):
    """Notebooks use bpkit, bpkit.draw and bpkit.widgets, never an inner file."""
    for cell in cells(path, "code"):
        for module in re.findall(r"(?m)^\s*(?:from|import)\s+(bpkit[\w.]*)", source(cell)):
            assert module in PUBLIC_FACES, f"{path.name} imports {module}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_fits_one_sitting(path):
    notebook = json.loads(path.read_text())
    assert len(notebook["cells"]) <= MAX_CELLS, f"{path.name}: {len(notebook['cells'])} cells"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_first_cell_says_how_to_bring_it_to_life(path):
    assert "Run All Cells" in source(cells(path, "markdown")[0])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_check_yourself_question_has_an_answer_to_reveal(path):
    last = source(cells(path, "markdown")[-1])
    questions = re.findall(r"(?m)^\d+\. ", last)
    answers = re.findall(r"<details>\s*<summary>Answer</summary>(.+?)</details>", last, re.S)
    assert len(answers) == len(questions), path.name
    assert all(len(answer.split()) >= 8 for answer in answers), path.name  # explained, not bare


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_developer_demo_is_shown_to_learners(path):
    text = "\n".join(source(c) for c in json.loads(path.read_text())["cells"])
    assert "__import__" not in text and "eval(" not in text, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_widget_reads_without_a_kernel(path):
    """A widget output carries a static picture; nbconvert's page shows no raw widget text."""
    from nbconvert import HTMLExporter

    for cell in cells(path, "code"):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data or any(
                    raw in "".join(data.get("text/plain", "")) for raw in RAW_WIDGET_TEXT):
                assert "text/html" in data, (path.name, source(cell))
    outputs, _ = HTMLExporter(exclude_input=True, exclude_markdown=True).from_filename(str(path))
    for raw in RAW_WIDGET_TEXT:
        assert raw not in outputs, (path.name, raw)
