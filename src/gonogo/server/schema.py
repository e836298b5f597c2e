"""The `gonogo.report/v1` body a CI job pushes, as pydantic types: what the server
accepts is what `gonogo check --format json` writes. Unknown fields are ignored (v1 may
grow fields); wrong types, unknown statuses and duplicate ids are refused with the
field's path in the message."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, NotRequired, cast

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict  # pydantic's choice below Python 3.12

from gonogo.models import REPORT_SCHEMA

# TypedDicts, not models: pydantic validates the bytes straight into the plain dicts
# `RunReport.from_dict` reads (a model would be dumped into them again, which costs
# more than validating). A key left out takes `from_dict`'s default.
_CONFIG = ConfigDict(extra="ignore")
Id = Annotated[str, Field(min_length=1, max_length=255)]
Text = Annotated[str, Field(max_length=100_000)]
Str = Annotated[str | None, Field(max_length=255)]
Count = Annotated[int, Field(ge=0)]
Rate = Annotated[float | None, Field(ge=0, le=100)]
_STARTED_AT = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"


class GitIn(TypedDict):
    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    commit: NotRequired[Annotated[str | None, Field(max_length=64)]]
    branch: NotRequired[Str]
    dirty: NotRequired[bool | None]


class FindingIn(TypedDict):
    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    rule: Id
    message: Text
    path: NotRequired[Annotated[str | None, Field(max_length=4096)]]
    line: NotRequired[Annotated[int | None, Field(ge=0)]]
    severity: NotRequired[Annotated[str, Field(max_length=16)]]
    key: NotRequired[Annotated[str | None, Field(max_length=1024)]]


class MeasureIn(TypedDict):
    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    name: Id
    value: float
    unit: NotRequired[Annotated[str, Field(max_length=32)]]
    better: NotRequired[Literal["lower", "higher"]]
    limit: NotRequired[float | None]


class CheckIn(TypedDict):
    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    id: Id
    gate: Id
    kind: Id
    priority: NotRequired[Annotated[str, Field(max_length=4)]]
    owner: NotRequired[Str]
    status: Literal["pass", "fail", "error", "blocked", "skip", "waived"]
    message: NotRequired[Text]
    duration_s: NotRequired[Annotated[float, Field(ge=0)]]
    attempts: NotRequired[Count]
    evidence: NotRequired[dict[str, Any]]
    findings: NotRequired[Annotated[list[FindingIn], Field(max_length=10_000)]]
    description: NotRequired[Annotated[str | None, Field(max_length=100_000)]]
    waiver: NotRequired[dict[str, Any] | None]
    flaky: NotRequired[bool]
    measures: NotRequired[Annotated[list[MeasureIn], Field(max_length=1000)]]


class ApprovalsIn(TypedDict):
    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    required: NotRequired[list[str]]
    given: NotRequired[list[str]]


# `pass` is a keyword: the functional form
ScoreIn = TypedDict(
    "ScoreIn",
    {"value": float, "pass": float, "warn": float, "status": Annotated[str, Field(max_length=16)]},
)
ScoreIn.__pydantic_config__ = _CONFIG  # type: ignore[attr-defined]


class GateIn(TypedDict):
    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    id: Id
    title: NotRequired[Annotated[str, Field(max_length=1000)]]
    verdict: Literal["GO", "NO-GO"]
    pass_rate: NotRequired[Rate]
    passed: NotRequired[Count]
    total: NotRequired[Count]
    skipped: NotRequired[Count]
    waived: NotRequired[Count]
    threshold: NotRequired[Annotated[float, Field(ge=0, le=100)]]
    blockers: NotRequired[list[str]]
    reasons: NotRequired[list[str]]
    approvals: NotRequired[ApprovalsIn]
    score: NotRequired[ScoreIn | None]


class ReportIn(TypedDict):
    """A run as `gonogo check --format json` writes it (schema `gonogo.report/v1`)."""

    __pydantic_config__ = _CONFIG  # type: ignore[misc]
    schema: Literal["gonogo.report/v1"]
    project: NotRequired[Annotated[str, Field(max_length=255)]]
    run_id: Annotated[str, Field(pattern=r"^[0-9a-f][0-9a-f-]{7,63}$")]
    started_at: Annotated[str, Field(pattern=_STARTED_AT)]
    duration_s: NotRequired[Annotated[float, Field(ge=0)]]
    git: NotRequired[GitIn]
    verdict: Literal["GO", "NO-GO"]
    pass_rate: NotRequired[Rate]
    plan_hash: NotRequired[Annotated[str, Field(max_length=64)]]
    plan: NotRequired[Annotated[str, Field(max_length=4096)]]
    root: NotRequired[Annotated[str, Field(max_length=4096)]]
    interrupted: NotRequired[bool]
    notes: NotRequired[Annotated[list[str], Field(max_length=1000)]]
    gates: NotRequired[Annotated[list[GateIn], Field(max_length=1000)]]
    checks: NotRequired[Annotated[list[CheckIn], Field(max_length=50_000)]]


REPORT = TypeAdapter(ReportIn)


class BadReport(ValueError):
    """A pushed body that is not a `gonogo.report/v1` run; the message names the field."""


def parse(body: bytes) -> dict[str, Any]:
    """The body as report data (`RunReport.from_dict` reads it) or `BadReport`.

    A well-formed run is parsed and validated in one pass over the bytes (pydantic's own
    JSON reader); anything it refuses is read again with the `json` module, whose
    messages, and whose answer for the rare input the two readers see differently (a
    UTF-16 body, a lone surrogate escape), are the ones the server gives."""
    try:
        data = cast(dict[str, Any], REPORT.validate_json(body))
    except ValidationError:
        return _parse_slowly(body)
    return _checked(data)


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
        valid = cast(dict[str, Any], REPORT.validate_python(data))
    except ValidationError as exc:
        raise BadReport(explain(exc)) from None
    return _checked(valid)


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    """Ids unique within the run; a gate without a title gets the empty one a report's
    model gives it."""
    for what in ("gates", "checks"):
        seen: set[str] = set()
        for i, item in enumerate(data.get(what, ())):
            if item["id"] in seen:
                raise BadReport(
                    f"not a {REPORT_SCHEMA} run: {what}[{i}].id {item['id']!r} appears twice "
                    "in one run"
                )
            seen.add(item["id"])
    for g in data.get("gates", ()):
        g.setdefault("title", "")
    return data


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
