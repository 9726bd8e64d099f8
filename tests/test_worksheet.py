"""make worksheet: a printable sheet of questions per seed and its answer key, HTML and PDF."""

import importlib.util
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser.find_browser import FIX, find

from bpkit import number
from bpkit.core.practice.answers import DIRECTIONS
from bpkit.core.practice.prose import on_paper

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "worksheet.py"
SEED, COUNT = 3, 6

_spec = importlib.util.spec_from_file_location("worksheet", TOOL)
worksheet = importlib.util.module_from_spec(_spec)
sys.modules["worksheet"] = worksheet
_spec.loader.exec_module(worksheet)


class _Text(HTMLParser):
    """A page's text, each drawn formula read back as $tex$ from its label, its SVG skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.in_math = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and "math" in (attrs.get("class") or "").split():
            self.parts.append(f"${attrs['aria-label']}$")
            self.in_math += 1
        elif tag == "span" and self.in_math:
            self.in_math += 1

    def handle_endtag(self, tag):
        if tag == "span" and self.in_math:
            self.in_math -= 1

    def handle_data(self, data):
        if not self.in_math:
            self.parts.append(data)


def text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join("".join(parser.parts).split())


def by_question(shown: str, count: int) -> list[str]:
    """The text of each numbered question's section, in order."""
    starts = [shown.index(f"Question {index}") for index in range(1, count + 1)]
    return [shown[start:end] for start, end in zip(starts, [*starts[1:], len(shown)])]


def run_tool(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in ("SEED", "COUNT")}
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True,
                          env={**clean, **env}, cwd=ROOT, timeout=120)


def read(folder: Path, seed: int) -> tuple[str, str]:
    return ((folder / f"worksheet-seed{seed}.html").read_text(encoding="utf-8"),
            (folder / f"answers-seed{seed}.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sheet and key for SEED, COUNT from the environment, printed to PDF by Chromium."""
    if find() is None:
        pytest.fail(f"no browser to print the worksheet PDF: {FIX}")
    folder = tmp_path_factory.mktemp("worksheets")
    done = run_tool("--out", str(folder), SEED=str(SEED), COUNT=str(COUNT))
    assert done.returncode == 0, done.stderr
    return folder


def test_the_sheet_and_the_key_are_written_as_html_and_as_pdf(printed):
    for stem in (f"worksheet-seed{SEED}", f"answers-seed{SEED}"):
        pdf = (printed / f"{stem}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-")
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1
        assert (printed / f"{stem}.html").stat().st_size > 0


def test_the_sheet_asks_every_question_and_gives_no_answer_away(printed):
    sheet, _ = read(printed, SEED)
    shown = text(sheet)
    questions = worksheet.sheet_questions(SEED, COUNT)
    assert len(questions) == COUNT and len({q.prompt for q in questions}) == COUNT
    for question, section in zip(questions, by_question(shown, COUNT)):
        assert text(on_paper(question.prompt)) in section
        assert text(question.solution.rsplit("$$", 1)[1]) not in shown
    assert "Answer:" not in shown and "Question 7" not in shown


def test_the_sheet_says_nothing_that_is_only_true_on_screen(printed):
    shown = text(read(printed, SEED)[0])
    for screen in ("works too", "Type up", "more is fine"):
        assert screen not in shown
    assert "Give 4 significant figures." in shown


def test_the_key_has_each_answer_bpkit_computes_and_its_worked_solution(printed):
    _, key = read(printed, SEED)
    questions = worksheet.sheet_questions(SEED, COUNT)
    for question, section in zip(questions, by_question(text(key), COUNT)):
        expected = (DIRECTIONS[question.answer] if question.answer_form == "direction"
                    else number(question.answer))
        ask = re.search(r"<b>(.*?)</b>", question.prompt, re.DOTALL).group(1)
        assert text(ask) in section
        assert re.search(rf"Answer: {re.escape(expected)}(?![0-9])", section)
        assert text(question.solution.rsplit("$$", 1)[1]) in section


def test_every_formula_is_drawn_offline_as_svg(printed):
    for page in read(printed, SEED):
        parser = _Text()
        parser.feed(page)
        outside_math = "".join(part for part in parser.parts if not part.startswith("$"))
        assert "$" not in outside_math
        assert page.count('class="math"') > 20
        assert page.count("<svg") == page.count('class="math"') + 1  # one shared glyph sprite
        assert not re.search(r"(src|href)=\"(https?:|//)", page)
        assert "<script" not in page


def test_the_same_seed_gives_the_same_sheet(printed, tmp_path):
    done = run_tool("--seed", str(SEED), "--count", str(COUNT), "--out", str(tmp_path),
                    "--html-only")
    assert done.returncode == 0, done.stderr
    assert read(tmp_path, SEED) == read(printed, SEED)
    assert not list(tmp_path.glob("*.pdf"))


def test_two_seeds_give_different_sheets(tmp_path):
    for seed in (SEED, SEED + 1):
        assert worksheet.main(["--seed", str(seed), "--count", "2", "--out", str(tmp_path),
                               "--html-only"]) == 0
    first, second = read(tmp_path, SEED), read(tmp_path, SEED + 1)
    assert text(first[0]) != text(second[0]) and text(first[1]) != text(second[1])
    prompts = [{q.prompt for q in worksheet.sheet_questions(s, 2)} for s in (SEED, SEED + 1)]
    assert not prompts[0] & prompts[1]


def test_defaults_are_seed_1_and_6_questions(tmp_path, monkeypatch):
    monkeypatch.delenv("SEED", raising=False)
    monkeypatch.delenv("COUNT", raising=False)
    assert worksheet.main(["--out", str(tmp_path), "--html-only"]) == 0
    sheet, key = read(tmp_path, 1)
    assert "Question 6" in text(sheet) and "Question 7" not in text(sheet)
    assert text(key).count("Answer:") == 6


@pytest.mark.parametrize(("seed", "count", "named", "shown"), [
    ("abc", "6", "SEED", "'abc'"), ("-1", "6", "SEED", "'-1'"), ("1.5", "6", "SEED", "'1.5'"),
    ("", "6", "SEED", "''"), (" 4", "6", "SEED", "' 4'"), ("1e3", "6", "SEED", "'1e3'"),
    ("1000000000", "6", "SEED", "'1000000000'"), ("\uff13", "6", "SEED", "'\uff13'"),
    ("1", "0", "COUNT", "'0'"), ("1", "51", "COUNT", "'51'"), ("1", "six", "COUNT", "'six'"),
    ("1", "2; rm -rf x", "COUNT", "'2; rm -rf x'"),
])
def test_a_bad_seed_or_count_stops_with_a_clear_message_and_exit_code_2(
        seed, count, named, shown, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SEED", seed)
    monkeypatch.setenv("COUNT", count)
    assert worksheet.main(["--out", str(tmp_path / "out")]) == 2
    message = capsys.readouterr().err
    assert f"{named} must be a whole number from" in message and "such as" in message
    assert f"got {shown}" in message
    assert not (tmp_path / "out").exists()


def test_make_worksheet_passes_seed_as_typed_and_never_runs_it(tmp_path):
    marker = tmp_path / "ran"
    done = subprocess.run(
        ["make", "-s", "-o", ".venv/.installed-test", "worksheet", f"SEED=$(shell touch {marker})",
         "COUNT=2"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert "SEED must be a whole number from 0 to 999999999" in done.stderr
    assert "got '$(shell touch /" in done.stderr
    assert not marker.exists()
