"""Exceptions that the CLI turns into exit codes and one-paragraph messages."""

from __future__ import annotations


class GonogoError(Exception):
    """Base class: a problem the user can fix; exit code 2."""

    exit_code = 2


class UsageError(GonogoError):
    """Bad command-line usage or an unreadable input file."""


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
