"""Figures and marks stated with nothing to check them against: "**Errors:** 0 ✅",
"- **Unit Tests**: ✅ Passing", "Production Readiness Score: 75%", a paragraph line
"✅ **Complete CI/CD Pipeline** - 4 workflows". Each is a claim a reader should know
is taken on trust: unverifiable, unless another rule checks the same line."""

from __future__ import annotations

from gonogo.audit import markers as mk
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.regex import rx
from gonogo.audit.status import ADMITS

FIGURE = r"(\d+(\.\d+)?\s*%|\b\d+\s*/\s*\d+\b|\b\d[\d,.]*\+?(\s|$))"
METRIC_LABEL = (
    r"(?i)(error|warning|test|bug|coverage|vulnerab|score|readiness|pass|fail|skip|files?\b|"
    r"packages?\b|grade|completion|complete|progress|uptime|latency|build|audit|lint|issues?\s*$|"
    r"status)"
)
NOT_METRIC = (
    r"(?i)(date|version|issue\b|updated|release\b|author|owner|\beta\b|target|goal|deadline)"
)
# what a figure is of: a count, amount, percent, score or duration ("0 linting errors",
# "~3 days", "2-4 hours", "(90%)", "9.3/10")
ANY_FIGURE = (
    r"(?i)(\d+(\.\d+)?\s?%|\b\d+(\.\d+)?\s?/\s?10\b|\b\d[\d,.]*\+?\s*(-\s*\d[\d,.]*\s*)?"
    r"(ms|s|sec|seconds?|min|minutes?|h|hrs?|hours?|d|days?|weeks?|x|×|kb|mb|gb|[a-z]{3,})\b)"
)
COMMIT = r"(?i)^(commit|sha|hash|revision)s?$"
# "**Documentation:** 60+ files": a count of things, whatever the label
COUNTED = (
    r"(?i)^~?\d[\d,]*\+?\s+(files|tests|pages|documents|docs|lines|components|endpoints|"
    r"modules|packages|workflows|scripts|guides)\b"
)
REASON = "states a figure or a done mark but cites nothing it could be checked against"


def results(root: Node) -> list[ClaimResult]:
    out = []
    for node in root.walk():
        if _is_metric(node):
            claim = Claim(node.line, Source.LABEL, node.text[:160], node.section)
            out.append(ClaimResult(claim, Verdict.UNVERIFIABLE, REASON))
    return out


# "- 23 tests found with markers", "(90 minutes)", "99%+ coverage achieved": a count,
# amount or percent of something, stated in a list item with nothing cited
STATED_FIGURE = (
    r"(?i)(\d+(\.\d+)?\s?%|\b\d+(\.\d+)?/10\b|\b\d[\d,.]*\+?\s(tests?|files?|functions?|markers?|bugs?|"
    r"issues?|errors?|warnings?|sections?|cases?|criteria|slas?|mitigations?|minutes?|hours?|"
    r"days?|weeks?|kb|mb|bytes|lines?|ids?|scripts?|documents?|docs|packages?|components?)\b)"
)


def _is_metric(node: Node) -> bool:
    if node.kind == "line" and mk.leading_mark(node.text) is mk.Mark.DONE:
        return True
    if node.kind == "line" and _lead_figure(node.text):
        return True
    if node.kind not in ("item", "field", "heading", "label"):
        return False
    if node.kind == "item" and ":" not in node.text and not mk.leading_mark(node.text).pending:
        return _stated_figure(node.text) and not rx(ADMITS).search(node.text)
    head, sep, value = node.text.partition(":")
    head = head.strip().lstrip("-*+ #").strip()
    if not sep or not value.strip() or not head or len(head) > 60 or rx(NOT_METRIC).search(head):
        return False
    if rx(COMMIT).search(head):
        return True  # a commit named: not a file of the tree, nothing to check here
    if mk.leading_mark(value).pending or rx(ADMITS).search(value):
        return False  # open (another rule lists it), or admits what is open: claims nothing
    done = mk.leading_mark(value) is mk.Mark.DONE or mk.any_mark(value) is mk.Mark.DONE
    figure = rx(FIGURE).search(value) is not None
    if figure and rx(COUNTED).search(value.strip()) is not None:
        return True
    if node.kind == "item" and _stated_figure(value):
        return True
    if done or (figure and rx(METRIC_LABEL).search(head) is not None):
        return True
    # any short label over a figure ("**Estimated Time**: 2-4 hours", "Quality: 0 lint
    # errors"), or a status in words ("Status: Functional")
    short = len(head.split()) <= 5
    if short and rx(ANY_FIGURE).search(value) is not None:
        return True
    return short and rx(r"(?i)^(status|state)$").search(head) is not None


def _lead_figure(text: str) -> bool:
    """A line that opens with a figure in bold or parentheses: '**High (90%)** - ...'."""
    head = text.strip()[:40]
    return rx(r"^\W{0,3}[A-Za-z ]{0,20}\(\d{1,3}(\.\d+)?\s?%\)").search(head) is not None


_ORDINAL_WORDS = frozenset(
    ("phase", "sprint", "step", "task", "week", "stage", "part", "milestone", "track", "version")
)


def _stated_figure(text: str) -> bool:
    """A figure about something, not the number of a phase ("Phase 1 tests")."""
    for m in rx(STATED_FIGURE).finditer(text):
        before = text[: m.start()].split()[-1:]
        if not before or before[0].lower().strip("*_(") not in _ORDINAL_WORDS:
            return True
    return False
