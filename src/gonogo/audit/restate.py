"""Figures stated again: a count a line repeats from elsewhere in the report holds as the
line it repeats ("36 test failures" beside the "36 failures" of line 117, "77 basis
functions" beside the table row "Basis Functions | 77 | 120"), and a phase's time
written under its heading ("### Time: ~2 hours") holds as its row in the phase table.

A figure taken from a table repeats the table; one stated twice in prose is the later
line repeating the earlier. A count whose noun is given other values elsewhere ("37
missing tests" here, "44" there) is not confirmed by either, and nothing is judged
broken here: a figure that disagrees with another is a matter for the rules that know
which one is the total (counts, totals, summaries)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from gonogo.audit import markers as mk
from gonogo.audit.counts import stem
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import PHASE_WORDS, Node
from gonogo.audit.quantity import quantities
from gonogo.audit.regex import rx

# a count and the noun it counts: "36 failures", "77 basis functions", "All 15 procedures"
COUNT_NOUN = r"(?i)(?:^|[^\w.,/:#-])(\d{1,6})(\+?)\s+((?:[a-z][a-z-]*\s+){0,2}[a-z][a-z-]*)"
_NOT_NOUNS = frozenset(
    (
        "of", "and", "or", "to", "in", "on", "at", "by", "for", "from", "with", "vs", "the",
        "a", "an", "is", "are", "was", "were", "x", "more", "less", "than", "per", "times",
        "percent", "minutes", "minute", "hours", "hour", "days", "day", "weeks", "week",
        "min", "h", "d", "ms", "s", "kb", "mb", "gb",
    )
)  # fmt: skip
_ORDINAL = frozenset((*PHASE_WORDS, "version", "v", "issue", "task", "item", "line", "lines"))


@dataclass(frozen=True, slots=True)
class _Figure:
    node: Node
    value: int
    key: str
    in_table: bool


def results(root: Node, judged: set[int]) -> list[ClaimResult]:
    """Restated figures on lines no other rule could check (`judged`: lines that hold
    or are broken already)."""
    prose = list(_figures(root, rows=False))
    if all(f.node.line in judged for f in prose):
        return _phase_times(root, judged)
    wanted = {f.key for f in prose}
    figures = [*prose, *(f for f in _figures(root, rows=True) if f.key in wanted)]
    figures.sort(key=lambda f: f.node.line)
    by_key: dict[str, list[_Figure]] = defaultdict(list)
    for f in figures:
        by_key[f.key].append(f)
    out = []
    seen: set[int] = set()
    for f in figures:
        line = f.node.line
        if f.in_table or line in judged or line in seen:
            continue
        source = _source(f, by_key[f.key])
        if source is None:
            continue
        seen.add(line)
        where = "the table row" if source.in_table else "line"
        said = (
            f"{f.value / 100:g}% {f.key[:-1]}" if f.key.endswith("%") else f"{f.value} {f.key}(s)"
        )
        reason = f"{said}, as {where} {source.node.line} says"
        claim = Claim(line, Source.ARITHMETIC, f.node.text[:160], f.node.section)
        out.append(ClaimResult(claim, Verdict.HOLDS, reason))
    return out + _phase_times(root, judged | seen)


def _source(f: _Figure, same: list[_Figure]) -> _Figure | None:
    """The earlier figure (or any table cell) this one repeats, when no other value is
    given for the same noun."""
    if any(o.value != f.value for o in same):
        return None
    tables = [o for o in same if o.in_table]
    if tables:
        return tables[0]
    before = [o for o in same if o.node.line < f.node.line]
    return before[0] if before else None


def _figures(root: Node, *, rows: bool) -> Iterator[_Figure]:
    """The figures of prose lines, or (with `rows`) of table rows."""
    for node in root.walk():
        if node.kind in ("heading", "bar") or (node.kind == "row") is not rows:
            continue
        if rows:
            yield from _row_figures(node)
            continue
        for value, key in _counts(node.text):
            yield _Figure(node, value, key, in_table=False)


# "Tests: 173 passing", "Coverage: 75% (target: 90%+)": the figure counts the label's noun
FIELD_FIGURE = r"^\W{0,4}([A-Za-z][A-Za-z -]{0,40}?)\s*:\s*~?(\d{1,6}(?:\.\d{1,2})?)\s?(%?)(\+?)"
# "75% coverage", "75% code coverage": a share of the noun after it
PERCENT_NOUN = r"(?i)(?:^|[^\w.,/:#-])(\d{1,3}(?:\.\d{1,2})?)\s?%\s+((?:[a-z]+\s+)?[a-z]{3,})"
_AIMED = frozenset(("target", "goal", "estimate", "estimated", "budget", "expected", "threshold"))
_PERCENT_FILLER = frozenset(("code", "line", "test", "branch", "overall", "total", "of"))


def _counts(text: str) -> Iterator[tuple[int, str]]:
    if not any(c.isdigit() for c in text):
        return
    plain = mk.plain(text).replace("*", " ")
    lead = rx(r"^\D*").search(plain)
    if lead is not None and _AIMED & {stem(w.strip(":()")) for w in lead.group(0).lower().split()}:
        return  # "Target: 90% coverage", "Coverage goal: 95%": an aim, not a figure
    field = list(_field_figure(plain))
    yield from field
    if "%" in plain:
        yield from _percents(plain)
    labelled = {key.rsplit(" ", 1)[-1] for _, key in field}  # "Unit Tests: 12 tests": one figure
    for m in rx(COUNT_NOUN).finditer(plain):
        before = plain[: m.start(1)].split()[-1:]
        if before and before[0].lower().strip("(#:") in _ORDINAL:
            continue  # "Phase 2 tasks", "version 3 files": the number names a thing
        tokens = m.group(3).lower().split()
        cut = next((i for i, w in enumerate(tokens) if w in _NOT_NOUNS), len(tokens))
        words = tokens[:cut]
        if not words or m.group(2):
            continue
        value = int(m.group(1))
        if 1900 <= value <= 2100 or stem(words[-1]) in labelled:
            continue  # a year, or the figure the line's label counts already
        yield value, stem(words[-1])


def _field_figure(plain: str) -> Iterator[tuple[int, str]]:
    m = rx(FIELD_FIGURE).search(plain)
    if m is None or ("." in m.group(2) and not m.group(3)) or m.group(4) == "+":
        return
    words = m.group(1).lower().split()
    if (
        not words
        or words[-1] in _NOT_NOUNS
        or words[-1] in _ORDINAL
        or _AIMED & {stem(w) for w in words}
    ):
        return
    if float(m.group(2)) == 0 or (m.group(3) and float(m.group(2)) >= 100):
        return  # "0" and "100%" say none and all, as often a target as a result
    if plain[m.end(2) : m.end(2) + 1] in ("-", "–", "/", "x", ".", ","):
        return  # a range, a fraction, a version
    unit = plain[m.end() :].split()[:1]
    if not m.group(3) and unit and unit[0].lower().strip(".,;()") in _NOT_NOUNS:
        return  # "Time: 2 hours" is an amount, not a count of the label's noun
    yield _figure(m.group(2), m.group(3)), " ".join(stem(w) for w in words[-2:]) + m.group(3)


def _percents(plain: str) -> Iterator[tuple[int, str]]:
    for m in rx(PERCENT_NOUN).finditer(plain):
        words = [w for w in m.group(2).lower().split() if w not in _PERCENT_FILLER]
        fine = words and words[-1] not in _NOT_NOUNS and not _AIMED & {stem(w) for w in words}
        if fine and 0 < float(m.group(1)) < 100:
            yield _figure(m.group(1), "%"), stem(words[-1]) + "%"


def _figure(number: str, percent: str) -> int:
    """A count, or a percent in hundredths (75% and 75.0% are one figure)."""
    return round(float(number) * 100) if percent else int(number)


def _row_figures(node: Node) -> Iterator[_Figure]:
    """'| Basis Functions | 77 | 120 | ...': each bare number counts the row's label noun;
    a cell '15 procedures extracted' counts its own noun."""
    table = node.table
    row = table.row_at(node.line) if table else None
    if table is None or row is None:
        return
    cells = table.texts(row)
    label = cells[0].lower().split() if cells else []
    head = stem(label[-1]) if label and label[-1].isalpha() else ""
    for cell in cells[1:]:
        value = cell.replace(",", "").strip()
        if head and value.isdigit() and not 1900 <= int(value) <= 2100:
            yield _Figure(node, int(value), head, in_table=True)
        for v, key in _counts(cell):
            yield _Figure(node, v, key, in_table=True)


def _phase_times(root: Node, judged: set[int]) -> list[ClaimResult]:
    """'### Time: ~2 hours ✅' under '## Phase 1: …' against the Phase 1 row of a phase
    table that gives the same time."""
    rows = [n for n in root.walk() if n.kind == "row" and n.table is not None]
    out = []
    for node in root.walk():
        if node.line in judged or node.kind == "row":
            continue
        label, sep, value = mk.plain(node.text).partition(":")
        if not sep or not rx(r"(?i)^\W*(time|duration|effort|time spent)\s*$").search(label):
            continue
        said = quantities(value)
        phase = next((a for a in node.ancestors() if a.kind == "heading" and _phase(a.text)), None)
        if len(said) != 1 or phase is None:
            continue
        name = _phase(phase.text)
        for r in rows:
            cells = r.text.split(" | ")
            if not cells or cells[0].lower().strip("* ") != name:
                continue
            same = [q for c in cells[1:] for q in quantities(c) if q.family == said[0].family]
            if same and (same[0].low, same[0].high) == (said[0].low, said[0].high):
                claim = Claim(node.line, Source.ARITHMETIC, node.text[:160], node.section)
                reason = f"{said[0].text}, as the {name} row of the table (line {r.line})"
                out.append(ClaimResult(claim, Verdict.HOLDS, reason))
                break
    return out


def _phase(text: str) -> str:
    """'✅ Phase 1: Analysis' → 'phase 1'; '' when the heading names no phase."""
    m = rx(r"(?i)\b(" + "|".join(PHASE_WORDS) + r")\s+(\d{1,3}|[a-z])\b").search(text)
    return f"{m.group(1).lower()} {m.group(2).lower()}" if m is not None else ""
