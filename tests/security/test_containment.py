"""Nothing escapes the root: each repository of `containment_helpers` asks gonogo to read
or write outside it, and gets the exact refusal or finding, with every file outside
unchanged (checksums before and after)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from containment_helpers import SCENARIOS, Observed, Scenario, gonogo_runner, observe

_REFUSAL = (
    "{what}: {which} is a symbolic link (to {target}); gonogo keeps its state in real "
    "files inside the project and never follows links there; remove the link"
)
_PLAN = "; gonogo reads only inside the project, so write the path relative to the project root"
_OUT = "leads outside the project root through a symlink; not followed"

# scenario -> (exit code, the line gonogo prints on stderr, or the check's status and message)
EXPECTED: dict[str, tuple[int, str]] = {
    "absolute-path": (2, "gates[0].checks[0].path: '/etc' is an absolute path" + _PLAN),
    "dotdot-path": (
        2,
        "gates[0].checks[0].path: '../outside' climbs above the project root with `..`" + _PLAN,
    ),
    "link-to-outside-file": (1, f"fail: secret.txt {_OUT}"),
    "link-to-outside-dir": (1, f"fail: elsewhere {_OUT}"),
    "contains-through-link": (1, f"fail: secret.txt {_OUT}"),
    "junit-through-link": (1, f"fail: reports/junit.xml {_OUT}"),
    "device-through-link": (1, f"fail: zero.json {_OUT}"),
    "fifo-in-root": (1, "error: file.contains probe raised OSError: pipe is not a regular file"),
    "state-dir-is-a-link": (2, "root/.gonogo|it|outside"),
    "history-is-a-link": (2, "root/.gonogo/history.db|it|outside/empty.db"),
    "last-json-is-a-link": (0, "root/.gonogo/last.json|it|outside/secret.txt"),
    "history-read-through-link": (2, "root/.gonogo/history.db|it|outside/runs.db"),
    "lock-is-a-link": (2, "root/.gonogo/orchestrate.lock|it|outside/secret.txt"),
    "escalations-is-a-link": (2, "root/.gonogo/escalations.jsonl|it|outside/secret.txt"),
    "task-logs-dir-is-a-link": (2, "root/.gonogo/tasks|it|outside"),
    "state-read-through-link": (2, "root/.gonogo/orchestrate.json|it|outside/secret.txt"),
}


def _said(seen: Observed, root: Path, expected: str) -> str:
    """What the scenario's expectation is compared with: a refusal's text, a plan error's
    field and message, or the check's status and message."""
    if "|" in expected:
        return seen.ran.stderr
    if seen.ran.code == 2:
        where = f"gonogo: error: {root}/gonogo.yaml:5:36: "  # the `path:` value's line, column
        assert seen.ran.stderr.startswith(where)
        return seen.ran.stderr.strip().removeprefix(where)
    (check,) = json.loads((root / ".gonogo/last.json").read_text())["checks"]
    finding_rules = {f["rule"] for f in check["findings"]}
    assert finding_rules == ({"fs.outside-root"} if _OUT in check["message"] else set())
    return f"{check['status']}: {check['message']}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_nothing_outside_the_root_is_read_or_written(tmp_path: Path, scenario: Scenario) -> None:
    seen = observe(scenario, tmp_path, gonogo_runner({**os.environ, "NO_COLOR": "1"}))
    code, expected = EXPECTED[scenario.name]
    assert (seen.ran.code, seen.read, seen.wrote) == (code, False, False), seen.ran.text
    root = tmp_path / "root"
    said = _said(seen, root, expected)
    if "|" in expected:
        what, which, target = expected.split("|")
        line = _REFUSAL.format(
            what=tmp_path / what,
            which="it" if which == "it" else tmp_path / which,
            target=tmp_path / target,
        )
        assert f"refusing to use {line}" in said
    else:
        assert said == expected


def test_every_scenario_has_its_expectation() -> None:
    assert sorted(EXPECTED) == sorted(s.name for s in SCENARIOS)
