"""Coverage reports read and checked: Cobertura XML, coverage.py JSON and lcov.

No real coverage tool writes NaN, a negative count, more covered lines than lines, a
percent that is not what its counts say, or a report of zero lines; a report that does
is forged or broken, and `ReportError` names what is wrong with it instead of a percent
anyone could type. Every number is checked: counts are non-negative whole numbers (a
boolean is not one), percents and rates finite and in range, totals equal to the sum of
their parts where the report lists them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gonogo.probes import xmlstream
from gonogo.probes.formats import XmlError
from gonogo.strictnum import ascii_int

PERCENT_SLACK = 0.5  # a stated percent may differ from covered/valid by rounding only


class ReportError(Exception):
    """Not a coverage report, or one whose numbers cannot be true."""


@dataclass(frozen=True, slots=True)
class Lines:
    covered: int
    valid: int

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.valid


def percent_of(data: bytes, rel: str, expired: Callable[[], bool] | None = None) -> float:
    """Line coverage in percent, from any of the three formats (sniffed from the content);
    XML is read as a stream that stops at `expired` (the check's deadline)."""
    head = data.lstrip()[:3]
    if head.startswith(b"{"):
        return _from_json(data, rel)
    if head.startswith(b"<"):
        return _from_cobertura(data, rel, expired)
    if head in (b"TN:", b"SF:"):
        return _lines(_from_lcov(data, rel), rel).percent
    raise ReportError(f"{rel}: neither Cobertura XML, coverage.py JSON nor lcov")


def count(value: Any, what: str, rel: str) -> int:
    """A count from a report: a non-negative whole number (not a boolean, not 5.0)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ReportError(f"{rel}: {what} is {_shown(value)}, not a whole number")
    if value < 0:
        raise ReportError(f"{rel}: {what} is {value}, a negative count")
    return value


def number(value: Any, what: str, rel: str, high: float) -> float:
    """A finite number from 0 to `high` (100 for a percent, 1 for a rate)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReportError(f"{rel}: {what} is {_shown(value)}, not a number")
    if not math.isfinite(value):
        raise ReportError(f"{rel}: {what} is {_shown(value)}, not a finite number")
    if not 0 <= value <= high:
        raise ReportError(f"{rel}: {what} is {_shown(value)}, outside 0–{high:g}")
    return float(value)


def _shown(value: Any) -> str:
    text = json.dumps(value) if isinstance(value, bool | None | str) else repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _lines(lines: Lines, rel: str, stated: float | None = None, what: str = "") -> Lines:
    """Counts that can be true: covered ≤ valid, some lines, and a stated percent that
    says what they say."""
    if lines.covered > lines.valid:
        raise ReportError(f"{rel}: {lines.covered} lines covered out of {lines.valid}")
    if lines.valid == 0:
        raise ReportError(f"{rel}: the report counts 0 lines, so it measured nothing")
    if stated is not None and abs(stated - lines.percent) > PERCENT_SLACK:
        raise ReportError(
            f"{rel}: {what} says {stated:g}% but {lines.covered}/{lines.valid} lines "
            f"is {lines.percent:.2f}%"
        )
    return lines


def _from_json(data: bytes, rel: str) -> float:
    doc = _json(data, rel)
    totals = doc.get("totals") if isinstance(doc, dict) else None
    if not isinstance(totals, dict):
        raise ReportError(f"{rel}: no `totals` object (not a coverage.py JSON report)")
    pct = totals.get("percent_covered")
    stated = None if pct is None else number(pct, "totals.percent_covered", rel, 100)
    if "num_statements" not in totals and "covered_lines" not in totals:
        if stated is None:
            raise ReportError(f"{rel}: totals lack num_statements/covered_lines")
        return stated
    lines = Lines(
        count(totals.get("covered_lines"), "totals.covered_lines", rel),
        count(totals.get("num_statements"), "totals.num_statements", rel),
    )
    _same_as_files(doc.get("files"), lines, rel)
    return _lines(lines, rel, stated, "totals.percent_covered").percent


def _json(data: bytes, rel: str) -> Any:
    def refuse(name: str) -> float:
        raise ReportError(f"{rel}: the report holds {name}, which no coverage tool writes")

    def finite(text: str) -> float:
        value = float(text)
        return value if math.isfinite(value) else refuse(text)

    try:
        return json.loads(data, parse_constant=refuse, parse_float=finite)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise ReportError(f"{rel}{f':{line}' if line else ''}: invalid JSON: {exc}") from None
    except RecursionError:  # json's C scanner counts its depth: no crash, this error
        raise ReportError(f"{rel}: invalid JSON: nesting is too deep") from None


def _same_as_files(files: Any, totals: Lines, rel: str) -> None:
    """coverage.py's totals are the sum of its files' summaries."""
    if not isinstance(files, dict) or not files:
        return
    covered = valid = 0
    for name, entry in files.items():
        summary = entry.get("summary") if isinstance(entry, dict) else None
        if not isinstance(summary, dict):
            continue
        covered += count(summary.get("covered_lines"), f"{name} covered_lines", rel)
        valid += count(summary.get("num_statements"), f"{name} num_statements", rel)
    if (covered, valid) != (totals.covered, totals.valid):
        raise ReportError(
            f"{rel}: totals say {totals.covered}/{totals.valid} lines covered, its files "
            f"add up to {covered}/{valid}"
        )


def _from_cobertura(data: bytes, rel: str, expired: Callable[[], bool] | None) -> float:
    root = _cobertura_root(data, rel, expired)
    valid, covered, rate = (root.get(k) for k in ("lines-valid", "lines-covered", "line-rate"))
    stated = None if rate is None else 100 * number(_float(rate, rel), "line-rate", rel, 1)
    if valid is None or covered is None:
        if stated is None:
            raise ReportError(
                f"{rel}: <coverage> has neither lines-valid/lines-covered nor line-rate"
            )
        return stated
    lines = Lines(_int(covered, "lines-covered", rel), _int(valid, "lines-valid", rel))
    return _lines(lines, rel, stated, "line-rate").percent


def _cobertura_root(data: bytes, rel: str, expired: Callable[[], bool] | None) -> dict[str, str]:
    """The root element's attributes; the rest of the document is read (it must be
    well-formed, within the stream's depth and element caps) and dropped as it goes."""
    root: dict[str, str] | None = None
    try:
        for event, elem, parents in xmlstream.events(data, expired):
            if root is None:
                if elem.tag != "coverage":
                    raise ReportError(f"{rel}: not a Cobertura report (root element <{elem.tag}>)")
                root = dict(elem.attrib)
            elif event == "end" and parents:
                xmlstream.drop(elem, parents)
    except XmlError as exc:
        raise ReportError(exc.located(rel)) from None
    assert root is not None  # a document without a root element is malformed XML
    return root


def _int(text: str, what: str, rel: str) -> int:
    value = ascii_int(text.strip(), signed=True)
    if value is None:
        raise ReportError(f"{rel}: {what}={text!r} is not a whole number")
    return count(value, what, rel)


def _float(text: str, rel: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ReportError(f"{rel}: line-rate={text!r} is not a number") from None


def _from_lcov(data: bytes, rel: str) -> Lines:
    """lcov's tracefile: per source file, LF lines found and LH hit, and the DA records
    they count."""
    covered = valid = 0
    record = _Record()
    for n, raw in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        key, _, value = raw.strip().partition(":")
        where = f"{rel}:{n}"
        if key == "DA":
            record.da(value, where)
        elif key in ("LF", "LH"):
            setattr(record, key.lower(), _int(value, key, where))
        elif key == "end_of_record":
            lines = record.close(where)
            covered, valid = covered + lines.covered, valid + lines.valid
            record = _Record()
    return Lines(covered, valid)


class _Record:
    def __init__(self) -> None:
        self.lf: int | None = None
        self.lh: int | None = None
        self.found = 0
        self.hit = 0

    def da(self, value: str, where: str) -> None:
        parts = value.split(",")
        if len(parts) < 2:
            raise ReportError(f"{where}: DA:{value} is not LINE,HITS")
        _int(parts[0], "DA line", where)
        self.found += 1
        self.hit += _int(parts[1], "DA hits", where) > 0

    def close(self, where: str) -> Lines:
        lf = self.found if self.lf is None else self.lf
        lh = self.hit if self.lh is None else self.lh
        if self.found and (lf, lh) != (self.found, self.hit):
            raise ReportError(
                f"{where}: LF:{lf} LH:{lh}, but the record's DA lines count {self.found} "
                f"lines, {self.hit} hit"
            )
        if lh > lf:
            raise ReportError(f"{where}: LH:{lh} lines hit out of LF:{lf}")
        return Lines(lh, lf)
