"""Percent rounding rule: the claim must equal the exact ratio rounded half up to the
precision it is written with; truncation (16.6 for 16.67) is not rounding."""

from __future__ import annotations

import pytest

from gonogo.audit.arith import percent_check
from gonogo.audit.reading import repair


@pytest.mark.parametrize(
    ("claimed", "num", "den", "holds", "off"),
    [
        ("16.6", 2, 12, False, 0.07),
        ("16.7", 2, 12, True, 0.03),
        ("17", 2, 12, True, 0.33),
        ("16", 2, 12, False, 0.67),
        ("83.4", 10, 12, False, 0.07),
        ("83.3", 10, 12, True, 0.03),
        ("50", 1, 2, True, 0.0),
        ("12.5", 1, 8, True, 0.0),
        ("13", 1, 8, True, 0.5),  # 12.5 rounds half up to 13
        ("12", 1, 8, False, 0.5),
        ("100", 9, 9, True, 0.0),
        ("100", 99, 100, False, 1.0),
    ],
)
def test_percent_rounding(claimed: str, num: int, den: int, holds: bool, off: float) -> None:
    ok, numbers = percent_check(claimed, num, den)
    assert ok is holds
    assert numbers["off"] == off


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("| 0.1 | âœ… | `spec/` |", "| 0.1 | ✅ | `spec/` |"),  # Windows-1252
        ("| 3 | ğŸ”² PENDING |", "| 3 | 🔲 PENDING |"),  # Windows-1254
        ("1. ‚úÖ Gap analysis completed", "1. ✅ Gap analysis completed"),  # Mac Roman
        ("- âœ… ok\n- âŒ Blocked", "- ✅ ok\n- ❌ Blocked"),  # 0x9D dropped on the way
        ("Café ✅ naïve", "Café ✅ naïve"),  # genuine text is left alone
    ],
)
def test_mojibake_repair(broken: str, fixed: str) -> None:
    assert repair(broken)[0] == fixed
