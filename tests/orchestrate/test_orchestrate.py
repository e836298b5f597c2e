"""The orchestrator driving real subprocess tasks: success, retry, timeout, escalation,
blocking, concurrency limit, cycles, and the files it leaves in .gonogo/."""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path

import pytest

from gonogo.orchestrate.session import Request, Session
from gonogo.orchestrate.state import Selection, StateStore, TaskStatus
from gonogo.plan.loader import parse_plan
from gonogo.probes.registry import all_probes

PY = sys.executable

COUNTER = (
    "import pathlib, sys; p = pathlib.Path('count.txt'); "
    "n = int(p.read_text()) if p.exists() else 0; p.write_text(str(n + 1)); "
    "sys.exit(0 if n >= 2 else 1)"
)


def plan_text(tasks: str, checks: str = "", extra: str = "") -> str:
    gates = f"gates:\n  - id: fix\n    checks:\n{checks}" if checks else "gates: []\n"
    return (
        "version: 1\nproject: demo\n"
        "defaults: {backoff: 10ms, backoff_max: 40ms}\n"
        f"{gates}tasks:\n{tasks}{extra}"
    )


def orchestrate(
    root: Path,
    text: str,
    *,
    selection: Selection | None = None,
    jobs: int = 4,
    resume: bool = False,
) -> tuple[int, str]:
    plan = parse_plan(text, all_probes(), source=str(root / "gonogo.yaml"))
    req = Request(root, plan, selection or Selection(), resume=resume, jobs=jobs)
    events = io.StringIO()
    outcome = Session(req, all_probes(), dict(os.environ), _Events(events)).run()
    return outcome.exit_code, events.getvalue()


class _Events:
    def __init__(self, stream: io.StringIO) -> None:
        from gonogo.orchestrate.progress import TerminalEvents

        self.inner = TerminalEvents(stream, clock=lambda: "00:00:00")

    def event(self, task: object, kind: str, message: str) -> None:
        self.inner.event(task, kind, message)  # type: ignore[arg-type]

    def write(self, text: str) -> None:
        self.inner.write(text)


def saved(root: Path):  # type: ignore[no-untyped-def]
    state = StateStore.load(root / ".gonogo" / "orchestrate.json")
    assert state is not None
    return state


def escalations(root: Path) -> list[dict[str, object]]:
    path = root / ".gonogo" / "escalations.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_succeed_fail_twice_then_succeed_and_never(tmp_path: Path) -> None:
    text = plan_text(
        f"""\
  - {{id: ok, priority: P1, run: [{PY}, -c, "open('ok.txt', 'w').write('1')"],
     acceptance: [ok-file]}}
  - {{id: flaky, priority: P0, run: [{PY}, -c, "{COUNTER}"], retries: 3}}
  - id: never
    title: Rotate the leaked key
    owner: security
    run: [{PY}, -c, "import sys; print('vault unreachable', file=sys.stderr); sys.exit(4)"]
    retries: 2
""",
        "      - {id: ok-file, kind: file.exists, path: ok.txt}\n",
    )
    code, log = orchestrate(tmp_path, text)
    state = saved(tmp_path)
    assert code == 1
    assert state.task("ok").status is TaskStatus.DONE
    assert state.task("ok").attempts == 1
    assert state.task("flaky").status is TaskStatus.DONE
    assert state.task("flaky").attempts == 3
    assert (tmp_path / "count.txt").read_text() == "3"
    never = state.task("never")
    assert never.status is TaskStatus.ESCALATED
    assert never.attempts == 3
    assert "exited 4: vault unreachable" in never.last_error
    (line,) = escalations(tmp_path)
    assert line["task_id"] == "never"
    assert line["title"] == "Rotate the leaked key"
    assert line["owner"] == "security"
    assert line["priority"] == "P2"
    assert line["attempts"] == 3
    assert line["requires_human"] is True
    assert "vault unreachable" in str(line["last_error"])
    assert line["timestamp"]
    assert "retry in" in log
    assert "✗ [P2] never: gave up after 3 attempt(s)" in log


def test_task_already_accepted_does_not_run(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("already fixed")
    text = plan_text(
        f"  - {{id: ok, run: [{PY}, -c, \"open('ran.txt', 'w')\"], acceptance: [ok-file]}}\n",
        "      - {id: ok-file, kind: file.exists, path: ok.txt}\n",
    )
    code, _ = orchestrate(tmp_path, text)
    assert code == 0
    assert not (tmp_path / "ran.txt").exists()
    st = saved(tmp_path).task("ok")
    assert st.status is TaskStatus.DONE
    assert st.ran is False
    assert st.attempts == 0


def test_exit_zero_without_acceptance_passing_is_retried_then_escalated(tmp_path: Path) -> None:
    text = plan_text(
        f"  - {{id: noop, run: [{PY}, -c, 'pass'], acceptance: [ok-file], retries: 1}}\n",
        "      - {id: ok-file, kind: file.exists, path: ok.txt}\n",
    )
    code, _ = orchestrate(tmp_path, text)
    assert code == 1
    st = saved(tmp_path).task("noop")
    assert st.status is TaskStatus.ESCALATED
    assert st.attempts == 2
    assert "ok-file fail" in st.last_error
    (line,) = escalations(tmp_path)
    assert line["blockers"] == ["ok-file"]


def _dead(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ")[-1].startswith("Z")


def test_hang_past_timeout_kills_the_process_group(tmp_path: Path) -> None:
    hang = (
        "import subprocess, sys, time; "
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
        "open('child.pid', 'w').write(str(child.pid)); time.sleep(60)"
    )
    text = plan_text(f'  - {{id: hang, run: [{PY}, -c, "{hang}"], timeout: 700ms, retries: 0}}\n')
    code, _ = orchestrate(tmp_path, text)
    assert code == 1
    st = saved(tmp_path).task("hang")
    assert st.status is TaskStatus.ESCALATED
    assert "timed out after 700ms and was killed" in st.last_error
    child = int((tmp_path / "child.pid").read_text())
    deadline = time.monotonic() + 5
    while not _dead(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _dead(child), "the task's own child must be killed with its process group"


def test_dependents_of_an_escalated_task_are_blocked_and_others_continue(tmp_path: Path) -> None:
    text = plan_text(f"""\
  - {{id: base, priority: P0, run: [{PY}, -c, 'raise SystemExit(1)'], retries: 0}}
  - {{id: mid, run: [{PY}, -c, "open('mid', 'w')"], depends_on: [base]}}
  - {{id: top, run: [{PY}, -c, "open('top', 'w')"], depends_on: [mid]}}
  - {{id: free, priority: P3, run: [{PY}, -c, "open('free', 'w')"]}}
""")
    code, _ = orchestrate(tmp_path, text)
    state = saved(tmp_path)
    assert code == 1
    assert state.task("base").status is TaskStatus.ESCALATED
    assert state.task("mid").status is TaskStatus.BLOCKED
    assert state.task("mid").blockers == ("base",)
    assert state.task("top").status is TaskStatus.BLOCKED
    assert state.task("top").blockers == ("mid",)
    assert state.task("free").status is TaskStatus.DONE
    assert not (tmp_path / "mid").exists()
    assert not (tmp_path / "top").exists()
    (line,) = escalations(tmp_path)
    assert line["blocks"] == ["mid", "top"]


def test_dependencies_then_priority_then_plan_order(tmp_path: Path) -> None:
    def task(tid: str, prio: str, deps: str = "") -> str:
        step = f"open('order.log', 'a').write('{tid} ')"
        after = f", depends_on: [{deps}]" if deps else ""
        return f'  - {{id: {tid}, priority: {prio}, run: [{PY}, -c, "{step}"]{after}}}\n'

    text = plan_text(
        task("docs", "P3")
        + task("deploy", "P0", "migrate")
        + task("lint", "P2")
        + task("migrate", "P1", "schema")
        + task("schema", "P2")
        + task("tests", "P2")
    )
    code, _ = orchestrate(tmp_path, text, jobs=1)
    assert code == 0
    order = (tmp_path / "order.log").read_text().split()
    # `schema` (P2) and `migrate` (P1) are on the P0 `deploy`'s path, so they run as P0;
    # the remaining P2 tasks follow in plan order, the P3 last.
    assert order == ["schema", "migrate", "deploy", "lint", "tests", "docs"]


def test_concurrency_limit_is_respected(tmp_path: Path) -> None:
    work = (
        "import os, time; t0 = time.time(); time.sleep(0.4); "
        "open('spans/' + os.environ['GONOGO_TASK'], 'w').write(f'{t0} {time.time()}')"
    )
    (tmp_path / "spans").mkdir()
    tasks = "".join(f'  - {{id: t{i}, run: [{PY}, -c, "{work}"]}}\n' for i in range(6))
    code, _ = orchestrate(tmp_path, plan_text(tasks), jobs=2)
    assert code == 0
    spans = [tuple(map(float, p.read_text().split())) for p in (tmp_path / "spans").iterdir()]
    assert len(spans) == 6
    events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    running = peak = 0
    for _, delta in events:
        running += delta
        peak = max(peak, running)
    assert peak == 2


def test_manual_task_is_escalated_at_once(tmp_path: Path) -> None:
    text = plan_text(
        "  - {id: sign-off, title: Legal sign-off, priority: P0, acceptance: [signed]}\n",
        "      - {id: signed, kind: file.exists, path: SIGNED-OFF.md}\n",
    )
    code, _ = orchestrate(tmp_path, text)
    assert code == 1
    (line,) = escalations(tmp_path)
    assert line["task_id"] == "sign-off"
    assert line["attempts"] == 0
    assert line["reason"] == "manual task: nothing to run"
    assert line["blockers"] == ["signed"]


def test_progress_md_is_measured(tmp_path: Path) -> None:
    text = plan_text(
        f"""\
  - {{id: fix-a, priority: P0, run: [{PY}, -c, "open('a.txt', 'w').write('1')"], acceptance: [a]}}
  - {{id: fix-b, priority: P1, run: [{PY}, -c, 'raise SystemExit(2)'], acceptance: [b], retries: 0}}
  - {{id: later, priority: P1, run: [{PY}, -c, 'pass'], depends_on: [fix-b]}}
""",
        "      - {id: a, kind: file.exists, path: a.txt}\n"
        "      - {id: b, kind: file.exists, path: b.txt}\n",
    )
    orchestrate(tmp_path, text)
    md = (tmp_path / ".gonogo" / "progress.md").read_text()
    assert "**1/3 tasks done (33%)**" in md
    assert "| P0 | 1 | 1 | `██████████` 100% |" in md
    assert "| P1 | 0 | 2 | `░░░░░░░░░░` 0% |" in md
    assert "| fix | NO-GO | 50% | 1/2 | b |" in md
    assert "`fix-b` | P1 | 1 |" in md
    assert "- [P1] `later`: waits for fix-b" in md


def test_every_stops_early_when_every_gate_is_go(tmp_path: Path) -> None:
    text = plan_text(
        f"  - {{id: fix, run: [{PY}, -c, \"open('a.txt', 'w')\"], acceptance: [a]}}\n",
        "      - {id: a, kind: file.exists, path: a.txt, non_empty: false}\n",
    )
    sel = Selection(every_s=0.05, max_cycles=5)
    code, log = orchestrate(tmp_path, text, selection=sel)
    assert code == 0
    assert saved(tmp_path).cycle == 1
    assert "cycle 2" not in log


def test_every_repeats_up_to_max_cycles(tmp_path: Path) -> None:
    text = plan_text(
        f"  - {{id: fix, run: [{PY}, -c, \"open('runs', 'a').write('x')\"], acceptance: [a], "
        "retries: 0}\n",
        "      - {id: a, kind: file.exists, path: never.txt}\n",
    )
    code, log = orchestrate(tmp_path, text, selection=Selection(every_s=0.05, max_cycles=3))
    assert code == 1
    state = saved(tmp_path)
    assert state.cycle == 3
    assert state.status == "finished"
    assert (tmp_path / "runs").read_text() == "xxx"
    assert [e["cycle"] for e in escalations(tmp_path)] == [1, 2, 3]
    assert "cycle 3: 1 task(s)" in log


@pytest.mark.parametrize(
    ("selection", "ran"),
    [
        (Selection("gate", "security"), {"rotate", "vault"}),
        (Selection("task", "deploy"), {"deploy", "vault", "rotate"}),
        (Selection("task", "docs"), {"docs"}),
    ],
)
def test_gate_and_task_modes(tmp_path: Path, selection: Selection, ran: set[str]) -> None:
    def task(tid: str, extra: str = "") -> str:
        return f"  - {{id: {tid}, run: [{PY}, -c, \"open('ran-{tid}', 'w')\"]{extra}}}\n"

    text = (
        "version: 1\ngates:\n"
        "  - id: security\n    checks:\n"
        "      - {id: rotated, kind: file.exists, path: ran-rotate, non_empty: false}\n"
        "  - id: release\n    checks:\n"
        "      - {id: deployed, kind: file.exists, path: ran-deploy, non_empty: false}\n"
        "tasks:\n"
        + task("vault")
        + task("rotate", ", depends_on: [vault], acceptance: [rotated]")
        + task("deploy", ", depends_on: [rotate], acceptance: [deployed]")
        + task("docs")
    )
    code, _ = orchestrate(tmp_path, text, selection=selection)
    assert code == 0
    assert {p.name.removeprefix("ran-") for p in tmp_path.glob("ran-*")} == ran
    assert set(saved(tmp_path).tasks) == ran


@pytest.mark.parametrize(
    ("tasks", "expected"),
    [
        # priority first among ready tasks, plan order breaks ties
        ([("a", "P2", []), ("b", "P0", []), ("c", "P2", []), ("d", "P1", [])], "b d a c"),
        # the P3 task a P0 waits on is on the critical path: it runs as a P0
        (
            [("x", "P2", []), ("fix", "P0", ["base"]), ("base", "P3", []), ("y", "P1", [])],
            "base fix y x",
        ),
        # diamond: both sides inherit P0 from `top`, so plan order decides
        (
            [
                ("top", "P0", ["l", "r"]),
                ("l", "P2", ["root"]),
                ("r", "P1", ["root"]),
                ("root", "P2", []),
            ],
            "root l r top",
        ),
    ],
)
def test_order_is_dependencies_then_priority_then_plan_order(
    tasks: list[tuple[str, str, list[str]]], expected: str
) -> None:
    from gonogo.orchestrate.ordering import order
    from gonogo.plan.schema import TaskSpec

    specs = [TaskSpec(id=i, priority=p, depends_on=d, run=["make"]) for i, p, d in tasks]  # type: ignore[arg-type]
    assert " ".join(t.id for t in order(specs)) == expected
