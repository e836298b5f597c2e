"""What a probe is: a kind name, a params model, a doc, and an async `run`.

A third-party package adds a kind by exposing a `Probe` in the `gonogo.probes`
entry-point group:

    [project.entry-points."gonogo.probes"]
    my_kind = "my_package.probes:PROBE"
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict

from gonogo.fs.contain import plan_path
from gonogo.fs.index import FileIndex
from gonogo.models import Outcome
from gonogo.redact import MIN_CHARS, Redactor
from gonogo.rules import Rule


class Params(BaseModel):
    """Base class of every probe's params: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


P = TypeVar("P", bound=Params)


def _valid_regex(value: str) -> str:
    from gonogo.patterns import problem

    why = problem(value)
    if why:
        raise ValueError(why)
    return value


Regex = Annotated[str, AfterValidator(_valid_regex)]
"""A param holding a regular expression (RE2 syntax, linear-time matching: see
`gonogo.patterns`), checked when the plan loads."""

RelPath = Annotated[str, AfterValidator(plan_path)]
"""A param holding a path or glob under the project root: an absolute path or a `..`
that climbs out is a plan error (`gonogo.fs.contain`)."""


def in_thread(fn: Callable[[P, Context], Outcome]) -> Callable[[P, Context], Awaitable[Outcome]]:
    """An async `run` for a blocking probe body: file reads and parsing never stall the loop."""

    async def run(params: P, ctx: Context) -> Outcome:
        return await asyncio.to_thread(fn, params, ctx)

    return run


@dataclass(frozen=True, slots=True)
class MeasureSpec:
    """A number a kind reports, read from its evidence after each evaluated run.

    `key` is the evidence key (default: `name`), `better` is "lower" or "higher", and
    `limit` the dotted params path of the absolute threshold the probe applies to it
    (`expect.p95_ms`), if any. A probe whose direction depends on its params attaches
    `Outcome.measures` itself and declares the names here all the same: `compare` is
    checked against them when the plan loads."""

    name: str
    unit: str = ""
    better: str = "lower"
    key: str = ""
    limit: str = ""


@dataclass(frozen=True, slots=True)
class ProbeDoc:
    summary: str
    why: str
    example: str
    remediation: str = ""


class DeadlinePassed(TimeoutError):
    """Raised by work that checks `Context.expired` (a parse in a worker thread) once the
    check's timeout has passed: the engine reports the timeout, and the thread ends."""


@dataclass
class Context:
    """Everything a probe may touch: the project root, its files, the environment."""

    root: Path
    files: FileIndex
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    timeout_s: float = 30.0
    check_id: str = ""
    secrets: set[str] = field(default_factory=set)
    started: float = field(default_factory=time.monotonic)
    redactor: Redactor = field(default_factory=Redactor)  # the run's: the plan's variables

    def expired(self) -> bool:
        """True once the check's timeout has passed since this attempt started."""
        return time.monotonic() - self.started >= self.timeout_s

    def expand(self, text: str) -> str:
        """Replace `${VAR}` and `${VAR:-default}` from the environment; remember the values
        so reports can redact them."""

        def sub(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(3)
            value = self.environ.get(name)
            if value is None or (value == "" and match.group(2) == ":-"):
                if default is None:
                    raise LookupError(f"environment variable {name} is not set")
                return default  # written in the plan itself: not a secret
            if len(value) >= MIN_CHARS:  # shorter values would mask ordinary words
                self.secrets.add(value)
            return value

        return _VAR.sub(sub, text)

    def masking(self) -> Redactor:
        """The run's redactor and the values this check expanded."""
        return self.redactor.plus(self.secrets)

    def redact(self, text: str) -> str:
        return self.masking().text(text)

    def path(self, rel: str) -> Path:
        return self.root / rel


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}")


@dataclass(frozen=True, slots=True)
class Probe(Generic[P]):
    """One check kind.

    `target` names the remote endpoint for the circuit breaker. `fast`, when given, is a
    synchronous evaluation for checks that never block (index lookups, a stat or two): the
    engine calls it inline, without a worker, timer or retry, which keeps plans of
    thousands of file checks fast. It may return None to defer to `run` for params that
    need real I/O. `measures` are the numbers it reports (the first is what `compare`
    uses unless the check names another)."""

    kind: str
    params: type[P]
    run: Callable[[P, Context], Awaitable[Outcome]]
    doc: ProbeDoc
    target: Callable[[P, Context], str | None] | None = None
    fast: Callable[[P, Context], Outcome | None] | None = None
    rules: tuple[Rule, ...] = ()  # every finding code it can emit (gonogo.rules)
    measures: tuple[MeasureSpec, ...] = ()


AnyProbe = Probe[Any]
