"""`command`: run a program (argv; a string only with `shell: true`) and judge its output."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from pydantic import Field, ValidationError, model_validator

from gonogo import patterns
from gonogo.models import Outcome, errored, failed, passed
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, Regex, RelPath
from gonogo.proc import OUTPUT_CAP, Completed, run_process
from gonogo.redact import for_names

BASE_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "LOGNAME", "TERM", "SYSTEMROOT")


class Expect(Params):
    exit: int | list[int] = Field(0, description="exit code(s) that count as success")
    stdout: Regex | None = Field(None, description="regex that must match stdout")
    stderr: Regex | None = Field(None, description="regex that must match stderr")


class CommandParams(Params):
    run: list[str] | str = Field(
        description="argv list (`${VAR}` expanded in each argument); a string only with "
        "`shell: true`"
    )
    shell: bool = Field(False, description="run `run` through /bin/sh (explicit opt-in)")
    cwd: RelPath | None = Field(None, description="working directory, relative to the root")
    env: dict[str, str] = Field(
        default_factory=dict, description="variables added to a clean environment"
    )
    pass_env: list[str] = Field(
        default_factory=list, description="names copied from gonogo's own environment"
    )
    expect: Expect = Expect()

    @model_validator(mode="after")
    def _argv(self) -> CommandParams:
        if isinstance(self.run, str) and not self.shell:
            raise _run_error(
                "`run` is a string; write an argv list, or set `shell: true`", self.run
            )
        if isinstance(self.run, list) and not self.run:
            raise _run_error("`run` is empty", self.run)
        return self


def _run_error(message: str, value: object) -> ValidationError:
    """An error located at `run` (a model validator's own errors name no field), so a plan
    error points at the `run:` line."""
    from pydantic_core import InitErrorDetails, PydanticCustomError

    error = PydanticCustomError("value_error", message)
    details = [InitErrorDetails(type=error, loc=("run",), input=value)]
    return ValidationError.from_exception_data("CommandParams", details)


def clean_env(ctx: Context, extra: dict[str, str], passed_names: list[str]) -> dict[str, str]:
    """A small explicit environment: locale, PATH, HOME, then the plan's `env` (expanded)."""
    env = {k: ctx.environ[k] for k in (*BASE_ENV, *passed_names) if k in ctx.environ}
    ctx.secrets.update(for_names(passed_names, ctx.environ).values)
    env.setdefault("PATH", os.defpath)
    env.update({k: ctx.expand(v) for k, v in extra.items()})
    return env


def argv_of(ctx: Context, run: list[str] | str) -> list[str]:
    """The argv to start: a list with `${VAR}` and `${VAR:-default}` expanded in each
    argument (values remembered for redaction; an unset variable is a LookupError), or a
    shell string left to the shell, which sees only the variables the check passes (a
    value pasted into a shell line could inject commands)."""
    if isinstance(run, str):
        return ["/bin/sh", "-c", run] if sys.platform != "win32" else ["cmd", "/c", run]
    return [ctx.expand(arg) for arg in run]


def _tail(text: str, lines: int = 20, chars: int = 4096) -> str:
    """The last lines of `text`, and at most `chars` of them (one huge line stays small)."""
    return "\n".join(text.rstrip().splitlines()[-lines:])[-chars:]


async def _run(p: CommandParams, ctx: Context) -> Outcome:
    cwd = (ctx.root / (p.cwd or ".")).resolve()
    if not cwd.is_relative_to(ctx.root.resolve()):
        return errored(f"cwd {p.cwd} is outside the project root")
    shown = p.run if isinstance(p.run, str) else " ".join(p.run)  # as written: no values
    argv = [shown]
    try:
        argv = argv_of(ctx, p.run)
        env = clean_env(ctx, p.env, p.pass_env)
        done = await run_process(argv, cwd=str(cwd), env=env, contain=True, settled=_settled(p))
    except LookupError as exc:
        return errored(f"`{shown}`: {exc}")
    except FileNotFoundError:
        return errored(f"`{shown}`: program {argv[0]!r} not found on PATH")
    except PermissionError:
        return errored(f"`{shown}`: {argv[0]!r} is not executable")
    except OSError as exc:
        return errored(f"`{shown}` could not start: {exc.strerror or exc}")
    return _judge(p, ctx, shown, done)


def _settled(p: CommandParams) -> Callable[[str, bytes], bool]:
    """Once a stream passed the cap, what was kept of it is all that will be searched: a
    pattern it does not match fails the check whatever the exit code, so the program is
    stopped there."""

    def settled(stream: str, kept: bytes) -> bool:
        pattern = getattr(p.expect, stream)
        return pattern is not None and not _found(pattern, kept.decode(errors="replace"))

    return settled


def _matches(p: CommandParams, done: Completed, stream: str) -> bool:
    pattern = getattr(p.expect, stream)
    return pattern is None or _found(pattern, getattr(done, stream))


def _found(pattern: str, text: str) -> bool:
    return patterns.compiled(pattern, multiline=True).search(text) is not None


def _judge(p: CommandParams, ctx: Context, shown: str, done: Completed) -> Outcome:
    evidence = {
        "exit": done.exit_code,
        "stdout_tail": _tail(ctx.redact(done.stdout)),
        "stderr_tail": _tail(ctx.redact(done.stderr)),
    }
    if done.truncated:
        evidence["truncated"] = f"output capped at {OUTPUT_CAP} bytes per stream"
    if done.stopped:
        stream = next(s for s in ("stdout", "stderr") if not _matches(p, done, s))
        return failed(
            f"`{shown}` {stream} does not match /{getattr(p.expect, stream)}/ in its first "
            f"{OUTPUT_CAP // 1048576} MiB (the program was stopped there: the answer could "
            "not change)",
            evidence=evidence,
        )
    allowed = p.expect.exit if isinstance(p.expect.exit, list) else [p.expect.exit]
    if done.exit_code not in allowed:
        last = _tail(ctx.redact(done.stderr or done.stdout), 1)
        detail = f": {last[:200]}" if last else ""
        want = allowed[0] if len(allowed) == 1 else allowed
        return failed(
            f"`{shown}` exited {done.exit_code}; expected {want}{detail}", evidence=evidence
        )
    for stream in ("stdout", "stderr"):
        if not _matches(p, done, stream):
            pattern = getattr(p.expect, stream)
            return failed(f"`{shown}` {stream} does not match /{pattern}/", evidence=evidence)
    return passed(f"`{shown}` exited {done.exit_code}", evidence=evidence)


PROBE = Probe(
    "command",
    CommandParams,
    _run,
    ProbeDoc(
        summary="Runs a program and checks its exit code and output.",
        why="'All tests pass' is a claim; the exit code of the test command is evidence.",
        example="{id: unit, kind: command, run: [python, -m, pytest, -q], timeout: 10m, "
        "expect: {exit: 0, stdout: 'passed'}}",
        remediation="Run the command locally, read its output, fix what it reports.",
    ),
)
