"""A table of numbers by the article's names: shown as HTML in a notebook, exported as CSV or LaTeX.

Every number in it is written by ``bpkit.core.fmt.number`` when shown; exports keep full
precision (CSV) or round to significant figures (LaTeX, for handouts).
"""

from __future__ import annotations

import csv
import html
import io
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bpkit.core import validate
from bpkit.core.errors import BpkitError
from bpkit.core.fmt import number


@dataclass(frozen=True)
class Table:
    """A header and rows of names and numbers; None is an empty cell."""

    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]

    def __post_init__(self) -> None:
        """Refuse a header or rows the table cannot show, naming the bad part."""
        if (not _is_list(self.header) or not self.header
                or not all(isinstance(name, str) for name in self.header)):
            raise BpkitError(f"header must be a list of column names, such as ['unit', 'z']; "
                             f"got {self.header!r:.60}")
        if not _is_list(self.rows):
            raise BpkitError(f"rows must be a list of rows, each a list of {len(self.header)} "
                             f"cells (one per column); got {self.rows!r:.60}")
        for index, row in enumerate(self.rows):
            if not _is_list(row) or len(row) != len(self.header):
                raise BpkitError(f"rows[{index}] must be a list of {len(self.header)} cells, "
                                 f"one per column of {list(self.header)}; got {row!r:.60}")
            for cell in row:
                if cell is not None and (isinstance(cell, bool) or not isinstance(
                        cell, (str, numbers.Real))):
                    raise BpkitError(f"rows[{index}] holds {type(cell).__name__} {cell!r:.40}: "
                                     "a cell is text, a real number, or None (left blank)")

    @classmethod
    def of(cls, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
        """A table from any header and rows (lists or tuples), each checked."""
        if not _is_list(header):
            raise BpkitError(f"header must be a list of column names, such as ['unit', 'z']; "
                             f"got {header!r:.60}")
        if not _is_list(rows):
            raise BpkitError(f"rows must be a list of rows, each a list of {len(header)} cells "
                             f"(one per column); got {rows!r:.60}")
        return cls(tuple(header), tuple(tuple(row) if _is_list(row) else row for row in rows))

    def to_html(self, css_class: str = "") -> str:
        """The table as HTML, numbers as learners read them and right-aligned.

        ``css_class`` is put on the ``<table>`` so a page or widget can style it.
        """
        if not isinstance(css_class, str):
            raise BpkitError(f"css_class must be text, such as 'bpkit-table'; "
                             f"got {css_class!r:.40}")
        opening = f'<table class="{html.escape(css_class)}">' if css_class else "<table>"
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(_html_cell(v) for v in row) + "</tr>"
                       for row in self.rows)
        return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def _repr_html_(self) -> str:
        """The table as HTML for a notebook cell."""
        return self.to_html()

    def __repr__(self) -> str:
        widths = [max(len(_text_cell(v)) for v in column)
                  for column in zip(self.header, *self.rows)]
        lines = [[_text_cell(v).ljust(w) for v, w in zip(row, widths)]
                 for row in (self.header, *self.rows)]
        return "\n".join("  ".join(line).rstrip() for line in lines)

    def to_csv(self) -> str:
        """The table as CSV text: full precision, blank where there is no value."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header)
        for row in self.rows:
            writer.writerow(["" if v is None else repr(float(v)) if _is_float(v) else v
                             for v in row])
        return out.getvalue()

    def to_latex(self, digits: int = 4) -> str:
        """The table as a LaTeX tabular for handouts (booktabs rules), numbers to ``digits``."""
        digits = validate.whole_number(digits, "digits", 1, 17, "significant figures")
        text_columns = sum(1 for v in self.rows[0] if not _is_number(v)) if self.rows else 1
        align = "l" * text_columns + "r" * (len(self.header) - text_columns)
        lines = [rf"\begin{{tabular}}{{{align}}}", r"\toprule",
                 " & ".join(_latex_text(str(h)) for h in self.header) + r" \\", r"\midrule"]
        lines += [" & ".join(_latex_cell(v, digits) for v in row) + r" \\" for row in self.rows]
        lines += [r"\bottomrule", r"\end{tabular}"]
        return "\n".join(lines) + "\n"


def _is_list(value: object) -> bool:
    """True for a list, tuple or other sequence that is not itself text."""
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _is_float(value: object) -> bool:
    return isinstance(value, (float, np.floating))


def _is_number(value: object) -> bool:
    return value is None or (isinstance(value, (int, float, np.number))
                             and not isinstance(value, bool))


def _text_cell(value: object) -> str:
    if value is None:
        return ""
    return number(float(value)) if _is_float(value) else str(value)


def _html_cell(value: object) -> str:
    """One ``<td>``: numbers right-aligned so their digits line up, text as it is."""
    align = ' style="text-align:right"' if value is not None and _is_number(value) else ""
    return f"<td{align}>{html.escape(_text_cell(value))}</td>"


def _latex_text(text: str) -> str:
    r"""A header or name as LaTeX: arrows become \to, delta becomes \delta."""
    return text.replace("->", r"$\to$").replace("delta", r"$\delta$")


def _latex_cell(value: object, digits: int) -> str:
    """One table cell as LaTeX: numbers rounded to ``digits`` significant figures."""
    if value is None:
        return ""
    if _is_float(value):
        return f"${float(value):.{digits}g}$"
    return _latex_text(str(value))
