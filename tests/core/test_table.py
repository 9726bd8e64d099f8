"""The shared table: the same rows read as HTML, plain text, CSV and LaTeX."""

import csv
import io
from html.parser import HTMLParser

import numpy as np

from bpkit.core.fmt import number
from bpkit.core.table import Table

THIRD = 1 / 3
TABLE = Table.of(["link", "gradient", "new weight"],
                 [["w(X0->Z1)", THIRD, np.float64(-4.0)], ["w(X1->Z1)", None, 7],
                  ["<b>", 0.5, 1e-7]])


class Cells(HTMLParser):
    """Each row's cells as (text, style) pairs, and the table's class."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str]]] = []
        self.table_class = None
        self._cell: list[str] | None = None
        self._style = ""
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            self.table_class = attributes.get("class")
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell, self._style = [], attributes.get("style") or ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(("".join(self._cell), self._style))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_html_shows_every_cell_as_learners_read_it():
    cells = Cells(TABLE._repr_html_())
    texts = [[text for text, _ in row] for row in cells.rows]
    assert texts == [list(TABLE.header),
                     ["w(X0->Z1)", number(THIRD), number(-4.0)],
                     ["w(X1->Z1)", "", "7"],
                     ["<b>", number(0.5), number(1e-7)]]
    assert cells.table_class is None


def test_html_right_aligns_numbers_and_can_carry_a_class():
    cells = Cells(TABLE.to_html(css_class="bpkit-readout-table"))
    assert cells.table_class == "bpkit-readout-table"
    for row in cells.rows[1:]:
        (_, name_style), *numbers = row
        assert "right" not in name_style
        assert all("text-align:right" in style for text, style in numbers if text)
    assert "<b>" not in TABLE.to_html() and "&lt;b&gt;" in TABLE.to_html()


def test_plain_text_lines_up_the_columns():
    lines = repr(TABLE).splitlines()
    assert len(lines) == 1 + len(TABLE.rows)
    assert lines[0].index("gradient") == lines[1].index(number(THIRD))
    assert lines[2].split() == ["w(X1->Z1)", "7"]


def test_csv_keeps_full_precision_and_leaves_missing_values_blank():
    rows = list(csv.reader(io.StringIO(TABLE.to_csv())))
    assert rows[0] == list(TABLE.header)
    assert float(rows[1][1]) == THIRD
    assert float(rows[1][2]) == -4.0
    assert rows[2] == ["w(X1->Z1)", "", "7"]


def test_latex_rounds_to_the_digits_asked_for_and_writes_the_articles_symbols():
    text = TABLE.to_latex(digits=3)
    assert text.startswith(r"\begin{tabular}{lrr}")
    assert r"\toprule" in text and r"\bottomrule" in text
    assert f"${THIRD:.3g}$" in text
    assert r"w(X0$\to$Z1)" in text
    assert r"$\delta$" in Table.of(["unit", "delta"], [["Z1", 1.0]]).to_latex()
