"""Untrusted text made safe to show: on a terminal, and in Markdown.

Plans, probe messages and the files they quote are written by others; an escape
sequence in a gate title must not clear the screen or retitle the window, and a
`<script>` in it must not run where the Markdown report is rendered.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides
# that make a line read differently from what it holds.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "\n": " ", "\r": " "}
_MARKDOWN_RE = re.compile("[&<>|\r\n]")


def printable(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\u202e`)."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def markdown_cell(text: str) -> str:
    """Text for a Markdown line or table cell: HTML inert (`&lt;script&gt;`), pipes
    escaped, one line, control characters shown."""
    return printable(_MARKDOWN_RE.sub(lambda m: _MARKDOWN[m.group()], text))


def code_span(text: str) -> str:
    """`text` as an inline code span that nothing inside can close."""
    text = printable(text.replace("\n", " ").replace("|", "\\|"))
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
