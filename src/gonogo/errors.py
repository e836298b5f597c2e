"""gonogo's exceptions: what callers of the library catch, and what the CLI (alone)
turns into exit code 2 and a one-paragraph message.

    GonogoError            a problem the user can fix
    ├── UsageError         bad command-line usage (raised by gonogo.cli only)
    ├── InputError         a file gonogo was given or keeps cannot be read or used
    ├── OutputError        a report or file cannot be written where it was asked
    ├── PlanError(s)       a plan that cannot be used, located by file, line and field
    ├── SelectionError     a selection names nothing in the plan (gate, task, check)
    ├── StoreError         the history store cannot be opened, migrated or written
    └── ProbeError         a check kind cannot be loaded (a broken plugin)

A check that cannot be evaluated is not an exception: it is an `error` result.
"""

from __future__ import annotations


class GonogoError(Exception):
    """Base class: a problem the user can fix."""


class UsageError(GonogoError):
    """Bad command-line usage."""


class InputError(GonogoError):
    """An input file (a report, a JUnit file, saved state) cannot be read or used."""


class OutputError(GonogoError):
    """A report or state file cannot be written where it was asked."""


class SelectionError(GonogoError):
    """A --gate, --task or --select names nothing in the plan."""


class StoreError(GonogoError):
    """The history store cannot be opened, migrated or written."""


class ProbeError(GonogoError):
    """A check kind cannot be loaded (a plugin that fails to import, a duplicate kind)."""


class PlanError(GonogoError):
    """A plan that cannot be used, located by file, line, column and field path."""

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        line: int | None = None,
        column: int | None = None,
        field: str = "",
        hint: str = "",
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.hint = hint
        self.detail = message
        super().__init__(self.render())

    def render(self) -> str:
        where = self.file or "<plan>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: "
        if self.field:
            text += f"{self.field}: "
        text += self.detail
        if self.hint:
            text += f" ({self.hint})"
        return text


class PlanErrors(GonogoError):
    """Several plan errors, reported together so one run shows them all."""

    def __init__(self, errors: list[PlanError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.render() for e in errors))
