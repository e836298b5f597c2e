"""Pydantic models of the plan file as the user writes it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from gonogo.durations import DURATION_JSON, RATIO_JSON, parse_duration, parse_ratio
from gonogo.fs.contain import plan_path

Duration = Annotated[
    float, BeforeValidator(parse_duration), Field(ge=0), WithJsonSchema(DURATION_JSON)
]
Priority = Literal["P0", "P1", "P2", "P3"]
_ID = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.\-]*\Z")


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"{value!r} is not a valid id (letters, digits, '.', '_' and '-', "
            "starting with a letter or digit)"
        )
    return value


Ident = Annotated[str, AfterValidator(_check_id)]
Argv = Annotated[list[str], Field(min_length=1)]
RelPath = Annotated[str, AfterValidator(plan_path)]  # under the root (gonogo.fs.contain)


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must say something: it is blank")
    return value


Text = Annotated[str, AfterValidator(_text)]  # not empty, not only whitespace


Ratio = Annotated[float, BeforeValidator(parse_ratio), Field(ge=0), WithJsonSchema(RATIO_JSON)]
_BASELINE = re.compile(r"\A(last_passing|last|run:[0-9a-fA-F]{4,64})\Z")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Breaker(Strict):
    threshold: int = Field(5, ge=1, description="consecutive errors that open a target's circuit")
    cooldown: Duration = Field(60.0, description="time before an open circuit half-opens")


class Defaults(Strict):
    timeout: Duration = Field(30.0, description="per-check timeout")
    retries: int = Field(0, ge=0, le=20, description="retries of an `error` result")
    backoff: Duration = Field(0.5, description="first retry delay; doubles each attempt")
    backoff_max: Duration = Field(8.0, description="longest retry delay")
    priority: Priority = "P2"
    breaker: Breaker = Breaker()
    waiver_max_days: int = Field(
        365, ge=1, description="longest a waiver may run, from the day the plan is read"
    )


class Targets(Strict):
    pass_rate: float = Field(100.0, ge=0, le=100, description="default gate threshold, percent")


class When(Strict):
    """Conditions that must all hold for a check to run; otherwise it is `skip`."""

    env: str | None = Field(None, description="environment variable that must be set, non-empty")
    equals: str | None = Field(None, description="with `env`: the value it must have")
    file: RelPath | None = Field(None, description="glob that must match at least one file")
    platform: str | None = Field(None, description="sys.platform prefix, e.g. linux, darwin")

    @model_validator(mode="after")
    def _equals_needs_env(self) -> When:
        if self.equals is not None and self.env is None:
            raise ValueError("`equals` needs `env`")
        return self


class CompareSpec(Strict):
    """Judge a check's measure against an earlier run's, from the history store."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )

    with_: str = Field(
        "last_passing",
        alias="with",
        description="baseline: last_passing, last (the newest run that measured it) or run:ID",
    )
    max_regression: Ratio = Field(
        description="how much worse than the baseline is still a pass: '10%' or 0.1"
    )
    measure: str | None = Field(None, description="which measure (default: the kind's first)")

    @model_validator(mode="after")
    def _known_baseline(self) -> CompareSpec:
        if not _BASELINE.match(self.with_):
            raise ValueError(
                f"`with: {self.with_}` is not a baseline: write last_passing, last or "
                "run:ID (a run id or its first 4+ hex digits, from `gonogo history`)"
            )
        return self

    def problem(self, kind: str, names: tuple[str, ...]) -> str:
        """Why this comparison cannot apply to a kind reporting `names`, or ''."""
        if not names:
            return (
                f"check kind {kind!r} reports no measure, so there is nothing to `compare` "
                "(`gonogo explain KIND` lists a kind's measures)"
            )
        if self.measure is not None and self.measure not in names:
            return f"check kind {kind!r} reports no measure {self.measure!r} ({', '.join(names)})"
        return ""


class ScoreSpec(Strict):
    """A gate's weighted score target: at or above `pass` is fine, at or above `warn` is
    GO with a warning, below `warn` is NO-GO."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )

    pass_at: float = Field(alias="pass", ge=0, le=100, description="score for a clean pass")
    warn: float | None = Field(
        None, ge=0, le=100, description="lowest score that is still GO, with a warning"
    )

    @model_validator(mode="after")
    def _ordered(self) -> ScoreSpec:
        if self.warn is not None and self.warn > self.pass_at:
            raise ValueError(f"`warn: {self.warn:g}` is above `pass: {self.pass_at:g}`")
        return self

    @property
    def warn_at(self) -> float:
        return self.pass_at if self.warn is None else self.warn


COMMON_CHECK_KEYS = frozenset(
    (
        "id",
        "kind",
        "priority",
        "owner",
        "needs",
        "timeout",
        "retries",
        "tags",
        "description",
        "when",
        "compare",
        "weight",
    )
)


class CheckSpec(Strict):
    id: Ident
    kind: str
    priority: Priority | None = None
    owner: str | None = None
    needs: tuple[Ident, ...] = ()
    timeout: Duration | None = None
    retries: int | None = Field(None, ge=0, le=20)
    tags: tuple[str, ...] = ()
    description: str | None = None
    when: When | None = None
    compare: CompareSpec | None = Field(
        None, description="also judge the measure against an earlier run's"
    )
    weight: float | None = Field(None, ge=0, description="weight in the gate's score (default 1)")
    params: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _collect_params(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        common = {k: v for k, v in data.items() if k in COMMON_CHECK_KEYS}
        common["params"] = {k: v for k, v in data.items() if k not in COMMON_CHECK_KEYS}
        return common


class GateSpec(Strict):
    id: Ident
    title: str | None = None
    description: str | None = None
    owner: str | None = None
    requires: tuple[Ident, ...] = ()
    approvals: tuple[str, ...] = ()
    pass_rate: float | None = Field(None, ge=0, le=100, description="overrides targets.pass_rate")
    score: ScoreSpec | None = Field(
        None, description="weighted score target {pass, warn}, judged beside the pass rate"
    )
    checks: tuple[CheckSpec, ...] = ()

    @model_validator(mode="after")
    def _weights_need_a_score(self) -> GateSpec:
        weighted = [c.id for c in self.checks if c.weight is not None]
        if weighted and self.score is None:
            raise ValueError(
                f"check(s) {', '.join(weighted)} set `weight:` but gate {self.id!r} has no "
                "`score:` target, so the weights would change nothing; add e.g. "
                "`score: {pass: 90, warn: 75}` or drop the weights"
            )
        return self


class TaskSpec(Strict):
    id: Ident
    title: str | None = None
    priority: Priority = "P2"
    depends_on: tuple[Ident, ...] = ()
    run: Argv | str | None = None
    shell: bool = False
    cwd: RelPath | None = None
    env: dict[str, str] = Field(default_factory=dict)
    acceptance: tuple[Ident, ...] = ()
    timeout: Duration = 600.0
    retries: int = Field(3, ge=0, le=20)
    owner: str | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _has_work(self) -> TaskSpec:
        if self.run is None and not self.acceptance:
            raise ValueError("a task needs `run`, `acceptance`, or both")
        if isinstance(self.run, str) and not self.shell:
            raise ValueError("`run` is a string; write an argv list, or set `shell: true`")
        return self


class EscalationSpec(Strict):
    webhook: str | None = None
    secret_env: str | None = Field(
        None, description="variable holding the webhook's HMAC secret (deliveries are signed)"
    )
    allow_unsigned: bool = Field(
        False, description="send the webhook without `secret_env`, unsigned (with a warning)"
    )
    timeout: Duration = 10.0


class WaiverSpec(Strict):
    check: Ident
    reason: Text
    owner: Text
    expires: dt.date


class PlanSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    version: Literal[1] = 1
    project: str | None = None
    targets: Targets = Targets()
    defaults: Defaults = Defaults()
    gates: list[GateSpec] = Field(default_factory=list)
    tasks: tuple[TaskSpec, ...] = ()
    escalation: EscalationSpec | None = None
    waivers: tuple[WaiverSpec, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _drop_extensions(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {
                k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))
            }
        return data
