"""Read a report safely: bounded size, binary refused, mojibake repaired.

Reports pasted through the wrong code page turn `✅` into `âœ…` (Windows-1252),
`ğŸ”²` (Windows-1254) or `‚úÖ` (Mac Roman). Repair runs in three steps:
known lossy forms whose middle byte was dropped are restored, ftfy fixes what it
recognises, then each line still holding non-ASCII text is tried through the
usual code pages back to UTF-8; a strict round trip is the evidence, since
genuine text (`café`, `✅`) does not survive it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gonogo.errors import UsageError

MAX_BYTES = 10 * 1024 * 1024
_CODE_PAGES = ("cp1252", "cp1254", "mac_roman", "latin-1")
# UTF-8 bytes that Windows code pages leave undefined vanish on the way: E2 9D 8C (❌)
# comes out as "âŒ". Restored only in a text that shows other mojibake.
_LOSSY = {"âŒ": "❌", "â³": "⏳", "â¸": "⏸"}
_MOJIBAKE_SIGNS = ("âœ", "ðŸ", "ğŸ", "‚úÖ", "Ã", "â€")
# What the lead byte of a multi-byte UTF-8 sequence turns into through each code page:
# a line holding none of these cannot be mojibake, and is not re-encoded.
_LEADS = frozenset(
    bytes([b]).decode(codec, errors="ignore") for b in range(0xC2, 0xF5) for codec in _CODE_PAGES
) - {""}


@dataclass(frozen=True, slots=True)
class ReportText:
    text: str
    notes: tuple[str, ...]


def read_report(path: Path, *, max_bytes: int = MAX_BYTES) -> ReportText:
    """The report's text, or a UsageError naming the file and the reason."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UsageError(f"{path}: not a regular file")
        if size > max_bytes:
            raise UsageError(
                f"{path}: {size:,} bytes is larger than the {max_bytes:,}-byte limit for "
                "reports; refusing to read it"
            )
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read report: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise UsageError(f"{path}: larger than the {max_bytes:,}-byte limit; refusing to read it")
    text, notes = decode(data, str(path))
    fixed, repair_notes = repair(text)
    return ReportText(fixed, notes + repair_notes)


def decode(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ("decoded as UTF-16",)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:65536] or _control_ratio(data[:65536]) > 0.05:
        raise UsageError(f"{name}: looks like a binary file, not a Markdown or text report")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        note = f"not valid UTF-8 (first bad byte on line {line}); decoded as Windows-1252"
        return data.decode("cp1252", errors="replace"), (note,)


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(sample)


def repair(text: str) -> tuple[str, tuple[str, ...]]:
    """Undo wrong-code-page mojibake; returns the text and what was done."""
    if text.isascii():
        return text, ()
    if _LEADS.isdisjoint(set(text)):  # no character a wrong code page leaves behind
        return text, ()
    if any(sign in text for sign in _MOJIBAKE_SIGNS):
        for bad, good in _LOSSY.items():
            text = text.replace(bad, good)
    signs = any(sign in text for sign in _MOJIBAKE_SIGNS)
    fixed = _ftfy(text) if signs and _looks_bad(text) else text
    lines = fixed.split("\n")
    used: dict[str, int] = {}
    for i, line in enumerate(lines):
        if line.isascii() or _LEADS.isdisjoint(line):
            continue
        for codec in _CODE_PAGES:
            try:
                candidate = line.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if candidate != line:
                lines[i] = candidate
                used[codec] = used.get(codec, 0) + 1
            break
    notes = []
    if fixed != text:
        notes.append("repaired mojibake with ftfy")
    notes += [f"repaired {n} line(s) re-encoded through {c}" for c, n in sorted(used.items())]
    return "\n".join(lines), tuple(notes)


def _looks_bad(text: str) -> bool:
    from ftfy.badness import is_bad

    return is_bad(text)


def _ftfy(text: str) -> str:
    import ftfy

    config = ftfy.TextFixerConfig(
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_character_width=False,
        normalization=None,
        explain=False,
    )
    return ftfy.fix_text(text, config)
