from __future__ import annotations

import pytest

from gonogo.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("500ms", 0.5),
        ("30s", 30.0),
        ("10m", 600.0),
        ("2h", 7200.0),
        ("1d", 86400.0),
        ("1m30s", 90.0),
        (" 1.5s ", 1.5),
        (12, 12.0),
        (0.25, 0.25),
    ],
)
def test_parse(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["soon", "10", "5 minutes", "-1s", "", True, None, [], -3])
def test_parse_rejects(bad: object) -> None:
    with pytest.raises(ValueError, match=r"duration|negative"):
        parse_duration(bad)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.0004, "0.4ms"),
        (0.012, "12ms"),
        (1.34, "1.3s"),
        (125, "2m05s"),
        (3720, "1h02m"),
        (30 * 86400 + 3600, "30d01h"),
    ],
)
def test_format(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
