"""Write a printable worksheet and its answer key as HTML and PDF (``make worksheet``).

Usage: python tools/worksheet.py [--seed N] [--count K] [--out FOLDER] [--html-only]

SEED (default 1) and COUNT (default 6) come from the environment, as ``make worksheet SEED=n
COUNT=k`` passes them; --seed and --count override them. Each seed gives its own sheet (one per
student) of COUNT questions from the generator notebook 08 uses, ``bpkit.random_question``, and
an answer key with each answer and worked solution. The files are
FOLDER/worksheet-seed<n>.{html,pdf} and FOLDER/answers-seed<n>.{html,pdf}.

The formulas are drawn offline: no MathJax ships in the environment, so each $...$ and $$...$$
becomes an inline SVG drawn by matplotlib's mathtext. The HTML needs nothing else to display;
Chromium (through Playwright) prints it to PDF.
"""

from __future__ import annotations

import argparse
import functools
import html
import io
import os
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib import mathtext, rc_context
from matplotlib.font_manager import FontProperties

from bpkit import Question, number, random_question
from bpkit.core.practice.answers import DIRECTIONS
from bpkit.core.practice.builders import BUILDERS
from bpkit.core.practice.prose import on_paper

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "worksheets"
DEFAULT_SEED, DEFAULT_COUNT = "1", "6"
MAX_SEED, MAX_COUNT = 999_999_999, 50
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
"""The browser tests' launch arguments (tests/browser/conftest.py), for a headless print."""
FONT_SIZE_PT = 11
MATH_STYLE = {"mathtext.fontset": "cm", "svg.hashsalt": "bpkit-worksheet",
              "savefig.transparent": True}
"""Computer Modern formulas; a fixed hash salt and no background, so each sheet is the same."""
_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)
_ALIGNED = re.compile(r"\s*\\begin\{aligned\}(.*)\\end\{aligned\}\s*", re.DOTALL)
_GLYPH = re.compile(r'<path id="([^"]+)"[^>]*/>')
_ASK = re.compile(r"<b>(.*?)</b>", re.DOTALL)


class UsageError(Exception):
    """A SEED, COUNT or option the tool cannot use; its message says what to give instead."""


# ----- reading SEED and COUNT -------------------------------------------------------------------
def whole_number(text: str, name: str, low: int, high: int, example: str) -> int:
    """``text`` as a whole number from ``low`` to ``high``, else a UsageError naming ``name``."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:40])
    problem = (f"{name} must be a whole number from {low} to {high}, written with the digits "
               f"0-9, such as {example}; got '{shown}'")
    if not re.fullmatch(r"[0-9]{1,10}", text):
        raise UsageError(problem)
    value = int(text)
    if not low <= value <= high:
        raise UsageError(problem)
    return value


def read_arguments(argv: Sequence[str], environ: dict[str, str]) -> argparse.Namespace:
    """The command line, with SEED and COUNT from the environment unless given as options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seed", default=environ.get("SEED", DEFAULT_SEED),
                        help="which sheet: one seed per student (default: $SEED, else 1)")
    parser.add_argument("--count", default=environ.get("COUNT", DEFAULT_COUNT),
                        help="how many questions (default: $COUNT, else 6)")
    parser.add_argument("--out", type=Path, default=OUT, help="the folder to write into")
    parser.add_argument("--html-only", action="store_true",
                        help="write the HTML only (no browser, no PDF)")
    args = parser.parse_args(argv)
    args.seed = whole_number(args.seed, "SEED", 0, MAX_SEED, "7 (one seed per student)")
    args.count = whole_number(args.count, "COUNT", 1, MAX_COUNT, "6")
    return args


# ----- the questions ----------------------------------------------------------------------------
def sheet_questions(seed: int, count: int) -> list[Question]:
    """The sheet's questions: every kind once (in an order drawn from ``seed``) before repeats."""
    rng = random.Random(f"bpkit worksheet {seed}")
    kinds = list(BUILDERS)
    rng.shuffle(kinds)
    return [random_question(rng.randrange(2**31), kinds[index % len(kinds)])
            for index in range(count)]


def answer_text(question: Question) -> str:
    """A question's answer as the key prints it: bpkit's number, or up / down / same."""
    if question.answer_form == "direction":
        return DIRECTIONS[question.answer]
    return number(question.answer)


# ----- formulas as SVG --------------------------------------------------------------------------
@dataclass(frozen=True)
class Formula:
    """One formula drawn as SVG: the drawing (glyphs referenced by id), its glyphs, its depth."""

    svg: str
    glyphs: tuple[tuple[str, str], ...]
    depth_pt: float


def mathtext_spelling(tex: str, display: bool) -> str:
    """``tex`` as mathtext draws it best: ':=' as one symbol; display fractions full size."""
    tex = tex.strip().replace(":=", "\\coloneq ")
    return re.sub(r"\\frac(?=\{)", r"\\dfrac", tex) if display else tex


@functools.cache
def draw_formula(tex: str) -> Formula:
    """``tex`` drawn by matplotlib's mathtext, cleaned to inline in HTML beside others."""
    buffer = io.BytesIO()
    with rc_context(MATH_STYLE):
        depth = mathtext.math_to_image(f"${tex}$", buffer, prop=FontProperties(size=FONT_SIZE_PT),
                                       dpi=72, format="svg")
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg"):]
    for pattern in (r"<metadata>.*?</metadata>", r"<!--.*?-->", r"<defs>\s*<style.*?</defs>",
                    r'<g id="patch_1">.*?</g>', r' id="(?:figure|text)_\d+"'):
        svg = re.sub(pattern, "", svg, flags=re.DOTALL)
    glyphs = tuple((match.group(1), match.group(0)) for match in _GLYPH.finditer(svg))
    svg = re.sub(r"<defs>.*?</defs>", "", svg, flags=re.DOTALL)
    return Formula(re.sub(r">\s+<", "><", svg).strip(), glyphs, float(depth))


class MathRenderer:
    """Turns the $...$ and $$...$$ of bpkit's HTML into SVG, sharing glyphs across a document."""

    def __init__(self) -> None:
        self.glyphs: dict[str, str] = {}

    def inline(self, tex: str, display: bool = False) -> str:
        """One formula in the line of text, its baseline on the text's baseline."""
        formula = draw_formula(mathtext_spelling(tex, display))
        self.glyphs.update(formula.glyphs)
        return (f'<span class="math" role="img" aria-label="{html.escape(tex.strip())}" '
                f'style="vertical-align: -{formula.depth_pt:g}pt">{formula.svg}</span>')

    def display(self, tex: str) -> str:
        """A display formula; an aligned block becomes a table, one row per line."""
        aligned = _ALIGNED.fullmatch(tex)
        if not aligned:
            return f'<div class="display">{self.inline(tex, display=True)}</div>'
        rows = []
        for line in aligned.group(1).split(r"\\"):
            left, _, right = line.partition("&")
            cells = (self.inline(part, display=True) if part.strip() else ""
                     for part in (left, right))
            rows.append('<tr><td class="lhs">{}</td><td class="rhs">{}</td></tr>'.format(*cells))
        return f'<table class="aligned">{"".join(rows)}</table>'

    def __call__(self, text: str) -> str:
        """``text`` with every formula drawn."""
        return _MATH.sub(lambda m: self.display(m.group(1)) if m.group(1) is not None
                         else self.inline(m.group(2)), text)

    def sprite(self) -> str:
        """A hidden SVG defining every glyph the document's formulas use, once each."""
        paths = "".join(self.glyphs[name] for name in sorted(self.glyphs))
        return (f'<svg class="glyphs" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">'
                f"<defs>{paths}</defs></svg>")


# ----- the pages --------------------------------------------------------------------------------
STYLE = f"""
@page {{ size: A4; margin: 15mm 14mm; }}
body {{ font-family: "DejaVu Serif", Georgia, serif; font-size: {FONT_SIZE_PT}pt;
       line-height: 1.45; max-width: 48em; margin: 1em auto; color: #000; }}
h1 {{ font-size: 16pt; margin: 0 0 .2em; }}
.who {{ margin: .4em 0 1em; }}
section {{ border-top: 1px solid #888; margin-top: 1em; padding-top: .4em; }}
.worksheet section {{ break-inside: avoid; }}
h2 {{ font-size: 12pt; margin: 0 0 .3em; }}
table {{ border-collapse: collapse; margin: .3em 0; }}
th, td {{ border: 1px solid #aaa; padding: 1px 8px; text-align: center; }}
table.aligned td {{ border: none; padding: 2px 1px; }}
table.aligned tr {{ break-inside: avoid; }}
td.lhs {{ text-align: right; }} td.rhs {{ text-align: left; }}
.display {{ text-align: center; margin: .4em 0; }}
.answer {{ font-weight: bold; }}
.line {{ display: inline-block; width: 14em; border-bottom: 1px solid #000; }}
svg.glyphs {{ position: absolute; width: 0; height: 0; overflow: hidden; }}
"""


def page(title: str, kind: str, body: str, render: MathRenderer) -> str:
    """A whole self-contained HTML page: style, the glyphs its formulas use, then ``body``."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            f'<body class="{kind}">{render.sprite()}{body}</body></html>\n')


def worksheet_html(seed: int, questions: Sequence[Question]) -> str:
    """The students' sheet: each question's prompt and a line for the answer."""
    render = MathRenderer()
    sections = "".join(
        f"<section><h2>Question {index}</h2>{render(on_paper(question.prompt))}"
        f'<p>Your answer: <span class="line"></span></p></section>'
        for index, question in enumerate(questions, 1))
    title = f"Backpropagation worksheet, sheet {seed}"
    body = (f"<h1>{title}</h1><p class=\"who\">Name: <span class=\"line\"></span> "
            f"{len(questions)} questions. Work each one out on paper; give 4 significant "
            f"figures.</p>{sections}")
    return page(title, "worksheet", body, render)


def answers_html(seed: int, questions: Sequence[Question]) -> str:
    """The answer key: each question's task, its answer as bpkit computes it, the solution."""
    render = MathRenderer()
    sections = []
    for index, question in enumerate(questions, 1):
        ask = _ASK.search(question.prompt)
        task = f"<p>{render(ask.group(1))}</p>" if ask else ""
        sections.append(
            f"<section><h2>Question {index}</h2>{task}<p class=\"answer\">Answer: "
            f"{html.escape(answer_text(question))}</p>{render(question.solution)}</section>")
    title = f"Answer key for worksheet sheet {seed}"
    return page(title, "answers", f"<h1>{title}</h1>{''.join(sections)}", render)


# ----- writing ----------------------------------------------------------------------------------
def write_html(folder: Path, seed: int, count: int) -> list[Path]:
    """Write the sheet and its key as HTML into ``folder``; return their paths."""
    questions = sheet_questions(seed, count)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, text in ((f"worksheet-seed{seed}", worksheet_html(seed, questions)),
                       (f"answers-seed{seed}", answers_html(seed, questions))):
        path = folder / f"{stem}.html"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def print_pdfs(pages: Sequence[Path]) -> list[Path]:
    """Print each HTML page to a PDF beside it with headless Chromium; return the PDFs."""
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from find_browser import FIX, find
    from playwright.sync_api import sync_playwright

    executable = find()
    if executable is None:
        raise UsageError(f"no Chromium to print the PDF with: {FIX}; or pass --html-only")
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            for path in pages:
                tab.goto(path.resolve().as_uri())
                pdf = path.with_suffix(".pdf")
                tab.pdf(path=str(pdf), format="A4", print_background=True,
                        prefer_css_page_size=True)
                written.append(pdf)
        finally:
            browser.close()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; 0 when written, 2 (with a message) for a bad SEED, COUNT or browser."""
    try:
        args = read_arguments(sys.argv[1:] if argv is None else argv, dict(os.environ))
        written = write_html(args.out, args.seed, args.count)
        if not args.html_only:
            written += print_pdfs(written)
    except UsageError as err:
        print(f"worksheet: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
