"""The finding rules of the file probes and `python.syntax`."""

from __future__ import annotations

from gonogo.rules import Rule

STALE = (
    Rule(
        "evidence.stale",
        "An evidence file is older than the check allows",
        remediation="Re-run what produces the file (tests, coverage, a backup), then check.",
        docs="A report from before the last commit says nothing about the code shipped.",
    ),
)

PRESENT = (
    Rule(
        "file.present",
        "A file that should not be in the repository is",
        remediation="Remove it from the repository (and its history, if it held a secret), "
        "and add it to .gitignore.",
    ),
)

MISSING_PATTERN = (
    Rule(
        "file.missing-pattern",
        "A file lacks required content",
        remediation="Add the content the check looks for.",
    ),
)

FORBIDDEN_PATTERN = (
    Rule(
        "file.forbidden-pattern",
        "A file holds content that must not ship",
        remediation="Remove each reported occurrence.",
    ),
)

INVALID = tuple(
    Rule(
        f"file.invalid-{fmt}",
        f"A file is not valid {fmt}",
        remediation="Fix the syntax error at the reported line.",
        docs="A config file that does not parse fails at deploy time, not at review time.",
    )
    for fmt in ("yaml", "json", "toml", "xml", "python")
)

SYNTAX_ERROR = (
    Rule(
        "python.syntax-error",
        "A Python file does not parse for the targeted Python version",
        remediation="Fix the line, or declare the Python version the code really needs.",
        docs="The file fails to import on that version: everything importing it fails.",
    ),
)
