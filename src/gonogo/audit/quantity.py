"""Numbers as a reviewer reads them: a percent a line states about itself, and
quantities with units ("2-3h", "~2.5 hours", "1,550+ lines", "5 pts") that add up.

Every pattern is RE2 (linear time), and values are Decimals so that "0.1 + 0.2" is 0.3.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from gonogo.audit.regex import rx

_NUM = r"(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.(\d{1,3}))?"
PERCENT = r"(\d{1,3}(?:\.\d{1,2})?)\s?%"
# A progress percent ends its phrase: "(80%)", "80% complete", "[███░] 40%", "…: 50%".
PROGRESS = PERCENT + r"\+?(?i:\s*(?:\)|$|,|;|\||complete|completed|done|finished|ready|progress))"
QUANTITY = (
    r"(?i)(~|≈|about\s+|approx\.?\s+)?" + _NUM + r"(?:\s*(?:-|–|to)\s*" + _NUM + r")?(\+)?"
    r"\s*(minutes|minute|mins|min|hours|hour|hrs|hr|h|days|day|d|weeks|week|wks|points|point|"
    r"pts|pt|sp|lines|line|loc|tests|test|tools|tool|files|file|items|item|tasks|task|stories|"
    r"story|checks|check|issues|issue|modules|module|services|service|endpoints|endpoint)\b"
)
_UNITS = {
    "min": ("time", Decimal(1)),
    "minute": ("time", Decimal(1)),
    "minutes": ("time", Decimal(1)),
    "mins": ("time", Decimal(1)),
    "h": ("time", Decimal(60)),
    "hr": ("time", Decimal(60)),
    "hrs": ("time", Decimal(60)),
    "hour": ("time", Decimal(60)),
    "hours": ("time", Decimal(60)),
    "day": ("days", Decimal(1)),
    "days": ("days", Decimal(1)),
    "d": ("days", Decimal(1)),
    "week": ("days", Decimal(7)),
    "weeks": ("days", Decimal(7)),
    "wks": ("days", Decimal(7)),
}
_FAMILY = {"pt": "points", "pts": "points", "point": "points", "points": "points", "sp": "points"}
_FAMILY |= {"line": "lines", "lines": "lines", "loc": "lines", "test": "tests", "tests": "tests"}
_FAMILY |= {"story": "stories", "stories": "stories"}
for _noun in ("tool", "file", "item", "task", "check", "issue", "module", "service", "endpoint"):
    _FAMILY |= {_noun: f"{_noun}s", f"{_noun}s": f"{_noun}s"}
_COMPARATORS = frozenset("≥≤<>=")


@dataclass(frozen=True, slots=True)
class Quantity:
    low: Decimal  # in the family's base unit (minutes for time)
    high: Decimal
    family: str  # time | days | points | lines | tests
    unit: str  # as written
    scale: Decimal  # base units per written unit
    places: int  # decimals written
    approx: bool = False
    plus: bool = False
    text: str = ""

    @property
    def is_range(self) -> bool:
        return self.low != self.high


def _dec(whole: str, frac: str | None) -> Decimal:
    return Decimal(whole.replace(",", "") + (f".{frac}" if frac else ""))


def quantities(text: str) -> list[Quantity]:
    """Each quantity with a unit in `text`, in order; targets ("<2min") left out."""
    out = []
    for m in rx(QUANTITY).finditer(text):
        before = text[max(0, m.start() - 2) : m.start()].strip()
        if before[-1:] in _COMPARATORS:
            continue
        written = m.group(7)
        unit = written.lower()
        family, scale = _UNITS.get(unit, (_FAMILY.get(unit, unit), Decimal(1)))
        low = _dec(m.group(2), m.group(3))
        high = _dec(m.group(4), m.group(5)) if m.group(4) else low
        places = max(len(m.group(3) or ""), len(m.group(5) or ""))
        out.append(
            Quantity(
                low * scale,
                high * scale,
                family,
                written,
                scale,
                places,
                bool(m.group(1)),
                bool(m.group(6)),
                m.group(0).strip(),
            )
        )
    return out


def show(low: Decimal, high: Decimal, scale: Decimal, unit: str) -> str:
    def one(v: Decimal) -> str:
        value = (v / scale).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
        return f"{value:f}"

    body = one(low) if low == high else f"{one(low)}–{one(high)}"
    return f"{body} {unit}"


def rounds_to(value: Decimal, claimed: Decimal, places: int) -> bool:
    step = Decimal(1).scaleb(-places)
    return value.quantize(step, rounding=ROUND_HALF_UP) == claimed.quantize(step)


CHANGE = r"(\d\s*[-–]\s*$|reduc|improv|increas|decreas|faster|smaller|\bby\s*$|\bup\s*$)"


def stated_percent(text: str) -> Decimal | None:
    """The percent a line states about itself: '(80% complete)', '(30%)', '[███░] 40%',
    '50% Complete'. A target ('≥95%', 'target: 90%', '> 90%') is not a state."""
    found = None
    for m in rx(PROGRESS).finditer(text.rstrip(" .:*")):
        before = text[max(0, m.start() - 12) : m.start()].lower()
        if before.rstrip()[-1:] in _COMPARATORS or "target" in before:
            continue
        if rx(CHANGE).search(before):
            continue  # "GC pressure reduced 50-70%": a change, not how complete it is
        found = Decimal(m.group(1))
    return found


def places_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
