"""Whole numbers read from text nobody vetted (report attributes, webhook headers) the
strict way: ASCII digits only. Python's `int()` also takes `1_000`, `+5`, ` 5 ` and
digits of other scripts (`٥`), which no tool writes and a forger may."""

from __future__ import annotations

_MAX_DIGITS = 30  # beyond any count or timestamp; keeps int() of a huge text cheap


def ascii_int(text: str, *, signed: bool = False) -> int | None:
    """The value of `text` when it is ASCII digits (after one `-` if `signed`), else None."""
    digits = text[1:] if signed and text.startswith("-") else text
    if not digits or len(digits) > _MAX_DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    return int(text)
