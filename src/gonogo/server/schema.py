"""The `gonogo.report/v1` body a CI job pushes, as pydantic models: what the server
accepts is what `gonogo check --format json` writes. Unknown fields are ignored (v1 may
grow fields); wrong types, unknown statuses and duplicate ids are refused with the
field's path in the message."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gonogo.models import REPORT_SCHEMA

Id = Field(min_length=1, max_length=255)
Text = Field(default="", max_length=100_000)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class GitIn(_Model):
    commit: str | None = Field(default=None, max_length=64)
    branch: str | None = Field(default=None, max_length=255)
    dirty: bool | None = None


class FindingIn(_Model):
    rule: str = Field(min_length=1, max_length=255)
    message: str = Field(max_length=100_000)
    path: str | None = Field(default=None, max_length=4096)
    line: int | None = Field(default=None, ge=0)
    severity: str = Field(default="error", max_length=16)
    key: str | None = Field(default=None, max_length=1024)


class MeasureIn(_Model):
    name: str = Field(min_length=1, max_length=255)
    value: float
    unit: str = Field(default="", max_length=32)
    better: Literal["lower", "higher"] = "lower"
    limit: float | None = None


class CheckIn(_Model):
    id: str = Id
    gate: str = Id
    kind: str = Id
    priority: str = Field(default="P2", max_length=4)
    owner: str | None = Field(default=None, max_length=255)
    status: Literal["pass", "fail", "error", "blocked", "skip", "waived"]
    message: str = Text
    duration_s: float = Field(default=0.0, ge=0)
    attempts: int = Field(default=1, ge=0)
    evidence: dict[str, Any] = Field(default_factory=dict)
    findings: list[FindingIn] = Field(default_factory=list, max_length=10_000)
    description: str | None = Field(default=None, max_length=100_000)
    waiver: dict[str, Any] | None = None
    flaky: bool = False
    measures: list[MeasureIn] = Field(default_factory=list, max_length=1000)


class ApprovalsIn(_Model):
    required: list[str] = Field(default_factory=list)
    given: list[str] = Field(default_factory=list)


class ScoreIn(_Model):
    value: float
    pass_: float = Field(alias="pass")
    warn: float
    status: str = Field(max_length=16)


class GateIn(_Model):
    id: str = Id
    title: str = Field(default="", max_length=1000)
    verdict: Literal["GO", "NO-GO"]
    pass_rate: float | None = Field(default=None, ge=0, le=100)
    passed: int = Field(default=0, ge=0)
    total: int = Field(default=0, ge=0)
    skipped: int = Field(default=0, ge=0)
    waived: int = Field(default=0, ge=0)
    threshold: float = Field(default=100.0, ge=0, le=100)
    blockers: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    approvals: ApprovalsIn = Field(default_factory=ApprovalsIn)
    score: ScoreIn | None = None


class ReportIn(_Model):
    """A run as `gonogo check --format json` writes it (schema `gonogo.report/v1`)."""

    schema_: Literal["gonogo.report/v1"] = Field(alias="schema")
    project: str = Field(default="", max_length=255)
    run_id: str = Field(pattern=r"^[0-9a-f][0-9a-f-]{7,63}$")
    started_at: str = Field(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
    duration_s: float = Field(default=0.0, ge=0)
    git: GitIn = Field(default_factory=GitIn)
    verdict: Literal["GO", "NO-GO"]
    pass_rate: float | None = Field(default=None, ge=0, le=100)
    plan_hash: str = Field(default="", max_length=64)
    plan: str = Field(default="", max_length=4096)
    root: str = Field(default="", max_length=4096)
    interrupted: bool = False
    notes: list[str] = Field(default_factory=list, max_length=1000)
    gates: list[GateIn] = Field(default_factory=list, max_length=1000)
    checks: list[CheckIn] = Field(default_factory=list, max_length=50_000)

    @model_validator(mode="after")
    def _unique_ids(self) -> ReportIn:
        for what, ids in (
            ("gates", [g.id for g in self.gates]),
            ("checks", [c.id for c in self.checks]),
        ):
            seen: set[str] = set()
            for i, item in enumerate(ids):
                if item in seen:
                    raise ValueError(f"{what}[{i}].id {item!r} appears twice in one run")
                seen.add(item)
        return self


class BadReport(ValueError):
    """A pushed body that is not a `gonogo.report/v1` run; the message names the field."""


def parse(body: bytes) -> dict[str, Any]:
    """The body as report data (`RunReport.from_dict` reads it) or `BadReport`.

    A well-formed run is parsed and validated in one pass over the bytes (pydantic's own
    JSON reader); anything it refuses is read again with the `json` module, whose
    messages, and whose answer for the rare input the two readers see differently (a
    UTF-16 body, a lone surrogate escape), are the ones the server gives."""
    try:
        model = ReportIn.model_validate_json(body)
    except ValidationError:
        return _parse_slowly(body)
    return model.model_dump(by_alias=True)


def _parse_slowly(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadReport(f"the body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadReport(
            f"the body must be a JSON object (a {REPORT_SCHEMA} run), not {type(data).__name__}"
        )
    if data.get("schema") != REPORT_SCHEMA:
        raise BadReport(f"schema: expected {REPORT_SCHEMA!r}, got {data.get('schema')!r}")
    try:
        model = ReportIn.model_validate(data)
    except ValidationError as exc:
        raise BadReport(explain(exc)) from None
    return model.model_dump(by_alias=True)


def explain(exc: ValidationError, limit: int = 5) -> str:
    """`checks[3].status: Input should be 'pass', … (got 'nope')`, for the first errors."""
    parts = []
    for err in exc.errors()[:limit]:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
        if err["type"] == "value_error":  # our own validators say the whole thing
            parts.append(str(err["ctx"]["error"]))
            continue
        got = err.get("input")
        plain = isinstance(got, dict | list) or err["type"] == "missing"
        shown = "" if plain else f" (got {_short(got)})"
        parts.append(f"{where.lstrip('.') or 'body'}: {err['msg']}{shown}")
    more = len(exc.errors()) - limit
    tail = f"; and {more} more" if more > 0 else ""
    return f"not a {REPORT_SCHEMA} run: " + "; ".join(parts) + tail


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
