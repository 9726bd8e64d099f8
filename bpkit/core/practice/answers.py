"""Reading a learner's typed answer: a number or a direction, never evaluated as code.

A regex, then ``float`` or ``fractions.Fraction``; look-alike characters (full-width digits,
minus signs) read as their ASCII, and what cannot be read gets a message saying what to type.
"""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction

from bpkit.core import validate
from bpkit.core.errors import BpkitError

_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_FRACTION = re.compile(r"([+-]?\d+)\s*/\s*([+-]?\d+)", re.ASCII)
_NOT_FINITE = re.compile(r"[+-]?(nan|inf|infinity|\u221e)", re.IGNORECASE)
_ONE_COMMA = re.compile(r"([+-]?)(\d*),(\d*)", re.ASCII)
_THOUSANDS_COMMAS = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+)(\.\d*)?", re.ASCII)
_THOUSANDS_DOTS = re.compile(r"([+-]?)(\d{1,3}(?:\.\d{3})+),(\d+)", re.ASCII)
_MAX_LENGTH = 60
_EXAMPLES = "a number such as 1.4, -4 or 7/5"

_LOOKALIKES = {
    **dict.fromkeys((0x2212, 0x2012, 0x2013), "-"),  # minus signs and dashes
    **dict.fromkeys((0x2044, 0x2215), "/"),  # fraction slash, division slash
    **dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF), None),  # invisible characters
}
"""Characters that still look like number ASCII after NFKC, and what they stand for."""

_SCRIPT_FORMS = {"<super>": "superscript", "<sub>": "subscript", "<fraction>": "fraction"}
"""Compatibility forms NFKC would flatten into digits that mean something else ('2²' -> '22')."""


def _refuse_script_forms(text: str, shown: str) -> None:
    """Refuse superscripts, subscripts and fraction characters, saying what to type instead."""
    for char in text:
        form = _SCRIPT_FORMS.get(unicodedata.decomposition(char).split(" ", 1)[0])
        if form == "fraction":
            raise BpkitError(f"{shown} has the fraction character {char}: type it with a slash "
                             "and plain digits, e.g. 1/2 for \u00bd")
        if form:
            raise BpkitError(f"{shown} has the {form} {char}: bpkit reads plain numbers, not "
                             "powers or indices. Work a power out and type the number (4 for "
                             "2\u00b2), or write 1e-3 for 10\u207b\u00b3")


def _plain(text: str) -> str:
    """``text`` in ASCII where it only looks different: NFKC, then minus signs and digits.

    NFKC turns full-width forms ('\uff0d0.6', '\uff13\uff0f\uff15') into ASCII; the minus
    signs, slashes and invisible characters it keeps are mapped by hand, and digits of other
    scripts become their ASCII digit.
    """
    normal = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES)
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in normal)


def _comma_problem(plain: str, shown: str) -> str | None:
    """What to write instead of a number with commas in it, or None if it has no comma."""
    if "," not in plain:
        return None
    one = _ONE_COMMA.fullmatch(plain)
    if one and any(one.groups()[1:]):
        sign, whole, part = one.groups()
        if len(part) == 3 and whole and int(whole) != 0:
            decimal = f"{sign}{whole}.{part.rstrip('0') or '0'}"
            thousands = f"{sign}{int(whole + part)}"
            return (f"{shown} is ambiguous ({thousands} with a thousands comma, {decimal} with "
                    f"a decimal comma): write {thousands} or {decimal}, with a dot for decimals "
                    "and no thousands separators")
        return f"use a dot for decimals: write {plain.replace(',', '.')}, not {plain}"
    grouped = _THOUSANDS_COMMAS.fullmatch(plain)
    if grouped:
        sign, digits, fraction = grouped.groups()
        return (f"{shown} has thousands commas: write {sign}{digits.replace(',', '')}"
                f"{fraction or ''} (no thousands separators)")
    european = _THOUSANDS_DOTS.fullmatch(plain)
    if european:
        sign, digits, part = european.groups()
        return (f"{shown} uses dots for thousands and a decimal comma: write "
                f"{sign}{digits.replace('.', '')}.{part} (a dot for decimals, no separators)")
    return (f"{shown} is not a number bpkit can read: type {_EXAMPLES}, with a dot for "
            "decimals and no commas")


def _decimal_value(plain: str, shown: str) -> float:
    """The float of a text matching ``_DECIMAL``, refused if it overflows or underflows to 0."""
    value = float(plain)
    if not math.isfinite(value):
        raise BpkitError(f"{shown} is too large: floats stop near 1.8e308, and no answer "
                         "here is anywhere near that big")
    mantissa = re.split("[eE]", plain)[0]
    if value == 0 and any(digit in "123456789" for digit in mantissa):
        raise BpkitError(f"{shown} is too small to tell apart from 0 (floats stop near "
                         "1e-308): type 0 if you mean zero")
    return value


def _fraction_value(numerator: str, denominator: str, shown: str) -> float:
    """The float of numerator/denominator, refusing a division by zero."""
    if int(denominator) == 0:
        raise BpkitError(f"{shown} divides by zero, which has no value")
    return float(Fraction(int(numerator), int(denominator)))


def _quoted(text: str) -> str:
    """``text`` in single quotes for a message, with unprintable characters escaped."""
    return "'" + "".join(c if c.isprintable() else repr(c)[1:-1] for c in text) + "'"


def _described(value: object) -> str:
    """A non-text answer named for a message: 'None', or its type and a short repr."""
    return "None" if value is None else f"{type(value).__name__} {value!r:.30}"


def _readable(text: object, example: str) -> tuple[str, str]:
    """The typed text as plain ASCII and as quoted for messages; refuses what cannot be read."""
    if not isinstance(text, str):
        raise BpkitError(f"the answer must be text such as {example!r}; got {_described(text)}")
    cleaned = text.strip()
    if len(cleaned) > _MAX_LENGTH:
        raise BpkitError(f"that answer is {len(cleaned)} characters long (at most "
                         f"{_MAX_LENGTH}): type one answer such as {example}")
    shown = _quoted(cleaned)
    _refuse_script_forms(cleaned, shown)
    return _plain(cleaned).strip(), shown


def parse_answer(text: str) -> float:
    """A learner's typed number: '4', '-4', ' 1.4 ', '7/5', '-7/5', '1e-3'; else a BpkitError.

    The text is NFKC-normalised, so full-width digits and signs ('\uff0d0.6', '\uff13\uff0f\uff15')
    read as their ASCII; superscripts, subscripts and fraction characters are refused (NFKC
    would read '2\u00b2' as 22). Commas are refused with what to write instead.
    """
    plain, shown = _readable(text, "1.4")
    if not plain:
        raise BpkitError(f"no answer yet: type {_EXAMPLES}")
    if plain in ("+", "-"):
        raise BpkitError(f"{shown} is a sign with no number after it: type {_EXAMPLES}")
    comma = _comma_problem(plain, shown)
    if comma:
        raise BpkitError(comma)
    if _NOT_FINITE.fullmatch(plain):
        raise BpkitError(f"{shown} is not a finite number: the answer is an ordinary number")
    if _DECIMAL.fullmatch(plain):
        return _decimal_value(plain, shown)
    fraction = _FRACTION.fullmatch(plain)
    if fraction:
        return _fraction_value(*fraction.groups(), shown)
    raise BpkitError(f"{shown} is not a number bpkit can read: type a number such as "
                     "1.4, -4, 7/5 or 1e-3 (a dot for decimals, no formulas)")


DIRECTIONS = {1.0: "up", -1.0: "down", 0.0: "same"}
"""A direction question's answers, +1, -1 and 0, by the word a learner types."""
_DIRECTION_WORDS = {
    **dict.fromkeys(("up", "goes up", "rises", "rise", "increases", "increase", "higher",
                     "\u2191"), 1.0),
    **dict.fromkeys(("down", "goes down", "falls", "fall", "decreases", "decrease", "lower",
                     "\u2193"), -1.0),
    **dict.fromkeys(("same", "the same", "stays", "stays the same", "unchanged",
                     "no change"), 0.0),
}


def parse_direction(text: str) -> float:
    """A learner's typed direction: 'up' (+1), 'down' (-1) or 'same' (0); else a BpkitError.

    Case and surrounding spaces do not matter, full-width letters read as ASCII, and a few
    synonyms ('rises', 'falls', 'unchanged') are understood. Nothing is evaluated.
    """
    plain, shown = _readable(text, "up")
    words = " ".join(plain.lower().rstrip(".!").split())
    if not words:
        raise BpkitError("no answer yet: type up, down or same")
    if words in _DIRECTION_WORDS:
        return _DIRECTION_WORDS[words]
    if _DECIMAL.fullmatch(words) or _FRACTION.fullmatch(words):
        raise BpkitError(f"{shown} is a number: this question asks which way the weight moves. "
                         "Type up, down or same")
    raise BpkitError(f"{shown} is not a direction bpkit can read: type up, down or same")


def significant_figures(text: str) -> int | None:
    """How many significant figures a typed decimal has ('2' 1, '2.020' 4, '0.05' 1).

    None for a fraction or anything ``parse_answer`` would not read as a decimal.
    """
    if not isinstance(text, str):
        return None
    plain = _plain(text.strip()).strip().lstrip("+-")
    if not _DECIMAL.fullmatch(plain):
        return None
    digits = re.split("[eE]", plain)[0].replace(".", "").lstrip("0")
    return max(1, len(digits))


# ----- a shape: rows and columns ------------------------------------------------------------------
SHAPE_LIMIT = 100_000
"""Sizes in a typed shape stay below this: no array of bpkit has as many rows or columns (a
layer has at most 10,000 units, a batch in ``pass_shapes`` at most 10,000 samples)."""
_SHAPE_EXAMPLE = "a shape such as (7, 5), 7, 5 or 7x5: the rows, then the columns"
_SHAPE_SEPARATOR = re.compile(r"\s*(?:,|;|\u00d7|[xX]|\bby\b)\s*|\s+")
_BRACKETS = {"(": ")", "[": "]"}


def shape_value(rows: int, columns: int) -> float:
    """A shape as the one number a Question holds: rows · SHAPE_LIMIT + columns.

    A direction is held as +1, -1 or 0 the same way; ``shape_of`` reads it back. Every shape
    of whole sizes from 1 to SHAPE_LIMIT - 1 has its own number, exact in a float.
    """
    sizes = [validate.whole_number(size, f"a shape's {what}", 1, SHAPE_LIMIT - 1)
             for size, what in ((rows, "rows"), (columns, "columns"))]
    return float(sizes[0] * SHAPE_LIMIT + sizes[1])


def shape_of(value: float) -> tuple[int, int]:
    """The (rows, columns) a number from ``shape_value`` stands for; else a BpkitError."""
    number = validate.real_number(value, "a shape's number", "a number from shape_value")
    rows, columns = divmod(number, SHAPE_LIMIT)
    if not number.is_integer() or not 1 <= rows < SHAPE_LIMIT or columns < 1:
        raise BpkitError(f"{number!r:.20} is not a shape's number: make one with "
                         "shape_value(rows, columns)")
    return int(rows), int(columns)


def shape_words(value: float) -> str:
    """A shape's number written as a learner types it: (7, 5)."""
    rows, columns = shape_of(value)
    return f"({rows}, {columns})"


def _size(token: str, shown: str) -> int:
    """One typed size: a whole number from 1 to SHAPE_LIMIT - 1, else a message saying why."""
    if re.fullmatch(r"\d+", token, re.ASCII):
        size = int(token)
        if size == 0:
            raise BpkitError(f"{shown} has a size 0: every array here has at least one row and "
                             "one column")
        if size >= SHAPE_LIMIT:
            raise BpkitError(f"{shown} has a size of {len(token)} digits: no array here has "
                             f"{SHAPE_LIMIT:,} rows or columns or more")
        return size
    if re.fullmatch(r"-\d+", token, re.ASCII):
        raise BpkitError(f"{shown} has a negative size, {token}: a shape counts rows and "
                         "columns, so each is a whole number of at least 1")
    if _DECIMAL.fullmatch(token) or _FRACTION.fullmatch(token):
        raise BpkitError(f"{shown} has the size {token}, which is not whole: a shape counts "
                         "rows and columns, such as (7, 5)")
    raise BpkitError(f"{shown} is not a shape bpkit can read ({_quoted(token)} is not a size): "
                     f"type {_SHAPE_EXAMPLE}, with numbers, not names such as n")


def parse_shape(text: str) -> tuple[int, int]:
    """A learner's typed shape: '(7, 5)', '7, 5', '7x5', '7 × 5', '7 by 5', '[7, 5]'.

    Read by a regex, never evaluated; full-width characters read as ASCII. Anything else gets
    a BpkitError saying what to type: one size, three sizes, a product such as 7*5, a size
    that is 0, negative, not whole or a name, an unmatched bracket.
    """
    plain, shown = _readable(text, "(7, 5)")
    if not plain:
        raise BpkitError(f"no answer yet: type {_SHAPE_EXAMPLE}")
    if any(plain.count(opening) != plain.count(closing) for opening, closing in _BRACKETS.items()):
        raise BpkitError(f"{shown} has an unmatched bracket: type (7, 5), or 7, 5 without "
                         "brackets")
    inner = plain[1:-1].strip() if _BRACKETS.get(plain[0]) == plain[-1] else plain
    if "*" in inner or "\u00b7" in inner:
        raise BpkitError(f"{shown} looks like a product: a shape is two sizes side by side, "
                         "the rows then the columns, such as (7, 5) or 7x5")
    sizes = _SHAPE_SEPARATOR.split(inner)
    if len(sizes) > 2:
        raise BpkitError(f"{shown} has {len(sizes)} parts: every array here is a matrix with "
                         "two sizes, the rows and the columns, such as (7, 5)")
    if len(sizes) == 2 and not all(sizes):
        raise BpkitError(f"{shown} is missing a size: type both, the rows and the columns, "
                         "such as (7, 5)")
    if len(sizes) == 1:
        one = sizes[0]
        if _DECIMAL.fullmatch(one) or _FRACTION.fullmatch(one):
            raise BpkitError(f"{shown} is one number: a shape here has two, the rows and the "
                             "columns, such as (7, 5)")
        raise BpkitError(f"{shown} is not a shape bpkit can read: type {_SHAPE_EXAMPLE}")
    rows, columns = (_size(token, shown) for token in sizes)
    return rows, columns
