"""Load a plan file: safe YAML → pydantic models → cross-reference checks → `Plan`.

Every problem is a `PlanError` naming the file, line, column and field path, with
the nearest valid name suggested for a misspelt kind or key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gonogo import yamlread
from gonogo.errors import PlanError, PlanErrors
from gonogo.plan.model import Check, Gate, Plan, Waiver
from gonogo.plan.schema import COMMON_CHECK_KEYS, CheckSpec, PlanSpec
from gonogo.probes.base import Probe

M = TypeVar("M", bound=BaseModel)
PLAN_NAMES = ("gonogo.yaml", "gonogo.yml", ".gonogo.yaml", ".gonogo.yml")


def find_plan(root: Path) -> Path | None:
    return next((root / n for n in PLAN_NAMES if (root / n).is_file()), None)


def load_plan(path: Path, probes: Mapping[str, Probe[Any]]) -> Plan:
    data = _read_plan(path)
    return parse_plan(data, probes, source=str(path), default_project=path.parent.resolve().name)


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _read_plan(path: Path) -> bytes:
    """The plan's bytes: a regular file of at most MAX_BYTES, opened without blocking (a
    FIFO never waits for a writer, /dev/zero is never read)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise PlanError(f"cannot read plan: {exc.strerror or exc}", file=str(path)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((what for test, what in _KINDS if test(mode)), "not a regular file")
        raise PlanError(f"is {kind}, not a plan file", file=str(path))
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(yamlread.MAX_BYTES + 1)
    if len(data) > yamlread.MAX_BYTES:
        raise PlanError(
            f"plan is larger than {yamlread.MAX_BYTES:,} bytes; refusing to read it", file=str(path)
        )
    return data


def parse_plan(
    text: str | bytes,
    probes: Mapping[str, Probe[Any]],
    *,
    source: str = "<plan>",
    default_project: str = "project",
    today: dt.date | None = None,
) -> Plan:
    raw = text.encode() if isinstance(text, str) else text
    try:
        doc = yamlread.load(raw)
    except yamlread.YamlError as exc:
        where = _dotted(exc.path) if exc.path else ""
        raise PlanError(
            exc.message, file=source, line=exc.line, column=exc.column, field=where
        ) from None
    if doc.data is None:
        hint = "write gates of checks; `gonogo init` writes a starter plan"
        raise PlanError("the plan is empty", file=source, hint=hint)
    data = doc.data
    if not isinstance(data, dict):
        raise PlanError(
            f"{_shown(data)}: a plan is a mapping with `gates:` at the top level",
            file=source,
            line=1,
            column=1,
        )
    ctx = _Locator(doc, source)
    try:
        spec = PlanSpec.model_validate(data)
    except ValidationError as exc:
        raise ctx.errors(exc, (), PlanSpec, data) from None
    plan = _resolve(spec, probes, ctx, data, default_project, today)
    errors = list(_cross_check(plan, spec, ctx))
    if errors:
        raise PlanErrors(errors) if len(errors) > 1 else errors[0]
    return _with_hash(plan, raw, source)


def load_model(raw: bytes, model: type[M], *, source: str, what: str) -> M:
    """A YAML document validated as `model`, every problem a PlanError naming the file,
    line and field: how files beside the plan (a fleet file) are read. `what` names the
    document in the errors ("a fleet file")."""
    try:
        doc = yamlread.load(raw)
    except yamlread.YamlError as exc:
        raise PlanError(exc.message, file=source, line=exc.line, column=exc.column) from None
    if not isinstance(doc.data, dict):
        shown = "the file is empty" if doc.data is None else f"{_shown(doc.data)}:"
        raise PlanError(f"{shown} {what} is a mapping", file=source, line=1, column=1)
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise _Locator(doc, source).errors(exc, (), model, doc.data) from None


def _with_hash(plan: Plan, raw: bytes, source: str) -> Plan:
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return Plan(
        plan.project,
        plan.gates,
        plan.defaults,
        plan.pass_rate,
        plan.tasks,
        plan.escalation,
        plan.waivers,
        source,
        digest,
    )


def _resolve(
    spec: PlanSpec,
    probes: Mapping[str, Probe[Any]],
    ctx: _Locator,
    data: dict[str, Any],
    default_project: str,
    today: dt.date | None = None,
) -> Plan:
    errors: list[PlanError] = []
    gates = []
    for gi, g in enumerate(spec.gates):
        checks = []
        for ci, c in enumerate(g.checks):
            path = ("gates", gi, "checks", ci)
            try:
                checks.append(_check(c, g.id, spec, probes, ctx, path, data))
            except PlanError as exc:
                errors.append(exc)
        threshold = spec.targets.pass_rate if g.pass_rate is None else g.pass_rate
        gates.append(
            Gate(
                g.id,
                g.title or g.id,
                tuple(checks),
                threshold,
                tuple(g.requires),
                tuple(g.approvals),
                g.owner,
                g.description,
                g.score,
            )
        )
    if errors:
        raise PlanErrors(errors) if len(errors) > 1 else errors[0]
    waivers = tuple(Waiver(w.check, w.reason, w.owner, w.expires) for w in spec.waivers)
    too_long = list(_long_waivers(spec, ctx, today or dt.date.today()))
    if too_long:
        raise PlanErrors(too_long) if len(too_long) > 1 else too_long[0]
    return Plan(
        spec.project or default_project,
        tuple(gates),
        spec.defaults,
        spec.targets.pass_rate,
        tuple(spec.tasks),
        spec.escalation,
        waivers,
    )


def _long_waivers(spec: PlanSpec, ctx: _Locator, today: dt.date) -> Iterable[PlanError]:
    """A waiver is a decision to look again: one set to expire years away (9999-12-31) is
    a silent permanent exception, refused beyond `defaults.waiver_max_days`."""
    limit = spec.defaults.waiver_max_days
    for wi, w in enumerate(spec.waivers):
        days = (w.expires - today).days
        if days > limit:
            yield ctx.error(
                ("waivers", wi, "expires"),
                f"{w.expires.isoformat()} is {days} days away; a waiver lasts at most {limit} "
                "days (`defaults.waiver_max_days`), so that it is reviewed again",
            )


def _check(
    c: CheckSpec,
    gate: str,
    spec: PlanSpec,
    probes: Mapping[str, Probe[Any]],
    ctx: _Locator,
    path: tuple[str | int, ...],
    data: dict[str, Any],
) -> Check:
    probe = probes.get(c.kind)
    if probe is None:
        raise ctx.error((*path, "kind"), f"unknown check kind {c.kind!r}", _suggest(c.kind, probes))
    try:
        params = probe.params.model_validate(c.params)
    except ValidationError as exc:
        raw = _get(data, path)
        raise ctx.errors(exc, path, probe.params, raw, extra_names=COMMON_CHECK_KEYS) from None
    wrong = c.compare.problem(c.kind, tuple(m.name for m in probe.measures)) if c.compare else ""
    if wrong:
        raise ctx.error((*path, "compare"), wrong)
    d = spec.defaults
    return Check(
        id=c.id,
        gate=gate,
        kind=c.kind,
        params=params,
        priority=c.priority or d.priority,
        owner=c.owner,
        needs=tuple(c.needs),
        timeout_s=d.timeout if c.timeout is None else c.timeout,
        retries=d.retries if c.retries is None else c.retries,
        tags=tuple(c.tags),
        description=c.description,
        when=c.when,
        compare=c.compare,
        weight=c.weight,
    )


def _cross_check(plan: Plan, spec: PlanSpec, ctx: _Locator) -> Iterable[PlanError]:
    check_ids: dict[str, tuple[str | int, ...]] = {}
    for gi, g in enumerate(spec.gates):
        for ci, c in enumerate(g.checks):
            path = ("gates", gi, "checks", ci, "id")
            if c.id in check_ids:
                yield ctx.error(path, f"duplicate check id {c.id!r}")
            check_ids.setdefault(c.id, path)
    gate_ids: set[str] = set()
    for gi, g in enumerate(spec.gates):
        if g.id in gate_ids:
            yield ctx.error(("gates", gi, "id"), f"duplicate gate id {g.id!r}")
        gate_ids.add(g.id)
    yield from _unknown_refs(spec, ctx, set(check_ids), gate_ids)
    yield from _cycles({c.id: c.needs for c in plan.checks}, "needs", ctx, check_ids)
    gate_paths = {g.id: ("gates", gi, "requires") for gi, g in enumerate(spec.gates)}
    yield from _cycles({g.id: g.requires for g in plan.gates}, "requires", ctx, gate_paths)
    task_paths = {t.id: ("tasks", ti, "depends_on") for ti, t in enumerate(spec.tasks)}
    yield from _cycles(
        {t.id: tuple(t.depends_on) for t in spec.tasks}, "depends_on", ctx, task_paths
    )


def _unknown_refs(
    spec: PlanSpec, ctx: _Locator, checks: set[str], gates: set[str]
) -> Iterable[PlanError]:
    tasks = {t.id for t in spec.tasks}
    refs: list[tuple[tuple[str | int, ...], Sequence[str], set[str], str]] = []
    for gi, g in enumerate(spec.gates):
        refs.append((("gates", gi, "requires"), g.requires, gates, "gate"))
        refs += [
            (("gates", gi, "checks", ci, "needs"), c.needs, checks, "check")
            for ci, c in enumerate(g.checks)
            if c.needs
        ]
    for ti, t in enumerate(spec.tasks):
        refs.append((("tasks", ti, "depends_on"), t.depends_on, tasks, "task"))
        refs.append((("tasks", ti, "acceptance"), t.acceptance, checks, "check"))
    for wi, w in enumerate(spec.waivers):
        refs.append((("waivers", wi, "check"), [w.check], checks, "check"))
    seen_task: set[str] = set()
    for ti, t in enumerate(spec.tasks):
        if t.id in seen_task:
            yield ctx.error(("tasks", ti, "id"), f"duplicate task id {t.id!r}")
        seen_task.add(t.id)
    for path, names, known, what in refs:
        for i, name in enumerate(names):
            if name not in known:
                at = path if path[-1] == "check" else (*path, i)
                yield ctx.error(at, f"unknown {what} {name!r}", _suggest(name, known))


def _cycles(
    graph: Mapping[str, Iterable[str]],
    field: str,
    ctx: _Locator,
    paths: Mapping[str, tuple[str | int, ...]],
) -> Iterable[PlanError]:
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()

    def visit(node: str, trail: list[str]) -> Iterable[PlanError]:
        state[node] = 1
        trail.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycle = [*trail[trail.index(nxt) :], nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    yield ctx.error(paths[nxt], f"`{field}` cycle: {' -> '.join(cycle)}")
            elif nxt not in state:
                yield from visit(nxt, trail)
        trail.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            yield from visit(node, [])


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


class _Locator:
    """Turns model paths into file:line:column and pydantic errors into PlanErrors."""

    def __init__(self, doc: yamlread.Located, source: str) -> None:
        self.doc = doc
        self.source = source

    def error(self, path: tuple[str | int, ...], message: str, hint: str = "") -> PlanError:
        line, col = self.doc.where(path)
        return PlanError(
            message, file=self.source, line=line, column=col, field=_dotted(path), hint=hint
        )

    def errors(
        self,
        exc: ValidationError,
        prefix: tuple[str | int, ...],
        model: type[BaseModel],
        raw: Any,
        extra_names: Iterable[str] = (),
    ) -> PlanError | PlanErrors:
        out = []
        for err in _deepest_branches(exc.errors()):
            loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
            if loc and loc[0] == "params" and prefix == ():
                loc = loc[1:]
            path = prefix + loc
            hint = ""
            if err["type"] == "extra_forbidden" and loc:
                names = _field_names(model, loc[:-1], raw) | set(extra_names)
                hint = _suggest(str(loc[-1]), names)
                message = "unknown key"
            else:
                message = _message(err)
            out.append(self.error(path, message, hint))
        return out[0] if len(out) == 1 else PlanErrors(out)


def _deepest_branches(errors: list[Any]) -> list[Any]:
    """Of a union's branches that failed (`run: [yes]` is neither a list of text nor
    text), keep the one that got furthest: the error inside the list, not the list."""
    paths = [tuple(p for p in e["loc"] if not _is_union_tag(p)) for e in errors]

    def shadowed(i: int) -> bool:
        union = any(_is_union_tag(p) for p in errors[i]["loc"])
        deeper = (p for j, p in enumerate(paths) if j != i and len(p) > len(paths[i]))
        return union and any(p[: len(paths[i])] == paths[i] for p in deeper)

    return [e for i, e in enumerate(errors) if not shadowed(i)]


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "list", "float"})


def _message(err: Any) -> str:
    """Pydantic's message, shorter, after the offending value: `-1: must be ≥ 0`."""
    if err["type"] == "missing":
        return "required key is missing"
    if err["type"] == "string_type" and isinstance(err.get("input"), bool):
        return _yaml_boolean(err["input"])
    kind, ctx = err["type"], err.get("ctx") or {}
    bounds = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤"}
    bounds["less_than"] = "<"
    if kind in bounds:
        key = {"≥": "ge", ">": "gt", "≤": "le", "<": "lt"}[bounds[kind]]
        bound = ctx.get(key)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        msg = f"must be {bounds[kind]} {bound}"
    else:
        msg = str(err["msg"]).removeprefix("Value error, ").replace("Input should be", "must be")
    # A mapping that failed its own rule is not quoted whole: the line points at it.
    whole = kind in {"model_type", "value_error", "assertion_error"}
    if "input" not in err or (isinstance(err["input"], dict) and whole):
        return msg
    value = _shown(err["input"])
    return msg if value in msg or repr(err["input"]) in msg else f"{value}: {msg}"


def _yaml_boolean(value: bool) -> str:
    words = "yes, on or true" if value else "no, off or false"
    example = "yes" if value else "no"
    return (
        f"{_shown(value)}: text is needed here, and YAML reads an unquoted {words} as a "
        f'boolean; quote it ("{example}") to mean the word'
    )


def _shown(value: Any) -> str:
    """A value as the plan wrote it, short: `-1`, `'abc'`, `[1, 2]`."""
    if isinstance(value, str):
        text = repr(value)
    elif value is None or isinstance(value, bool):
        text = {None: "null", True: "true", False: "false"}[value]
    else:
        text = str(value) if isinstance(value, int | float) else _json(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _json(value: Any) -> str:
    import json

    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _field_names(model: type[BaseModel], loc: tuple[Any, ...], raw: Any) -> set[str]:
    """Field names valid at `loc` inside `model` (best effort, for suggestions)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return set()
        current = _inner_model(info.annotation)
        if current is None:
            return set()
    names = set(getattr(current, "model_fields", {}))
    if current is CheckSpec:
        names.discard("params")
    return names


def _inner_model(annotation: Any) -> Any:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
