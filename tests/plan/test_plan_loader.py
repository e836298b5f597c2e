"""Plan loading: valid plans resolve; every bad plan is a located PlanError."""

from __future__ import annotations

import textwrap

import pytest

from gonogo.errors import GonogoError, PlanError, PlanErrors
from gonogo.plan.loader import parse_plan
from gonogo.probes.registry import BUILTIN


def load(text: str):
    return parse_plan(textwrap.dedent(text), BUILTIN, source="gonogo.yaml")


def error_of(text: str) -> str:
    with pytest.raises(GonogoError) as info:
        load(text)
    return str(info.value)


GOOD = """\
version: 1
project: shop
targets: {pass_rate: 95}
defaults: {timeout: 45s, retries: 2}
x-common: &readme {kind: file.exists, path: README.md}
gates:
  - id: infra
    title: Phase 1
    checks:
      - {id: readme, <<: *readme, priority: P0}
      - {id: unit, kind: command, run: [pytest, -q], timeout: 10m, needs: [readme]}
  - id: deploy
    requires: [infra]
    pass_rate: 80
    approvals: [devops]
    checks:
      - {id: ci, kind: file.valid, path: ".github/*.yml", format: yaml, retries: 0}
tasks:
  - {id: fix, priority: P0, run: [make, fix], acceptance: [readme]}
waivers:
  - {check: ci, reason: "next sprint", owner: ops, expires: 2027-01-31}
"""


def test_a_full_plan_resolves_with_defaults_and_overrides() -> None:
    plan = load(GOOD)
    assert plan.project == "shop"
    readme, unit, ci = plan.checks
    assert (readme.kind, readme.priority, readme.timeout_s, readme.retries) == (
        "file.exists",
        "P0",
        45.0,
        2,
    )
    assert unit.timeout_s == 600.0 and unit.needs == ("readme",) and unit.priority == "P2"
    assert ci.retries == 0 and ci.gate == "deploy"
    infra, deploy = plan.gates
    assert infra.threshold == 95 and deploy.threshold == 80
    assert deploy.requires == ("infra",) and deploy.approvals == ("devops",)
    assert plan.tasks[0].acceptance == ("readme",)
    assert plan.waivers[0].expires.isoformat() == "2027-01-31"
    assert len(plan.hash) == 16


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a misspelt common key, located and with a suggestion
        (
            "gates:\n  - id: g\n    checks:\n      - id: a\n        kind: file.exists\n"
            "        path: x\n        timout: 5s\n",
            "gonogo.yaml:7:9: gates[0].checks[0].timout: unknown key (did you mean 'timeout'?)",
        ),
        # a misspelt kind
        (
            "gates:\n  - id: g\n    checks:\n      - {id: a, kind: file.exist, path: x}\n",
            "gonogo.yaml:4:17: gates[0].checks[0].kind: unknown check kind 'file.exist' "
            "(did you mean 'file.exists'?)",
        ),
        # a misspelt probe param
        (
            "gates:\n  - id: g\n    checks:\n      - {id: a, kind: file.contains, path: x, "
            "patern: y}\n",
            "gates[0].checks[0].patern: unknown key (did you mean 'pattern'?)",
        ),
        # a misspelt top-level key
        ("gatez: []\n", "gonogo.yaml:1:1: gatez: unknown key (did you mean 'gates'?)"),
        (
            "gates:\n  - id: g\n    checks:\n      - {id: a, kind: file.exists, path: x}\n"
            "      - {id: a, kind: file.exists, path: y}\n",
            "gonogo.yaml:5:10: gates[0].checks[1].id: duplicate check id 'a'",
        ),
        (
            "gates:\n  - id: g\n    checks:\n      - {id: a, kind: file.exists, path: x, "
            "needs: [b]}\n",
            "gates[0].checks[0].needs[0]: unknown check 'b'",
        ),
        ("gates:\n  - id: g\n    requires: [h]\n", "gates[0].requires[0]: unknown gate 'h'"),
        (
            "gates:\n  - id: g\n    checks:\n"
            "      - {id: a, kind: file.exists, path: x, needs: [b]}\n"
            "      - {id: b, kind: file.exists, path: x, needs: [a]}\n",
            "`needs` cycle: a -> b -> a",
        ),
        (
            "gates:\n  - {id: g, requires: [h]}\n  - {id: h, requires: [g]}\n",
            "`requires` cycle: g -> h -> g",
        ),
        (
            "targets: {pass_rate: 120}\n",
            "targets.pass_rate: 120: must be ≤ 100",
        ),
        ("gates:\n  - {id: g, pass_rate: -1}\n", "gates[0].pass_rate: -1: must be ≥ 0"),
        ("defaults: {retries: -1}\n", "gonogo.yaml:1:12: defaults.retries: -1: must be ≥ 0"),
        ("defaults: {timeout: soon}\n", "defaults.timeout: 'soon' is not a duration"),
        (
            "gates:\n  - id: g\n    checks:\n      - {id: a, kind: command, run: 'make test'}\n",
            "`run` is a string; write an argv list, or set `shell: true`",
        ),
        (
            "gates:\n  - id: g\n    checks:\n      - {id: a, kind: file.contains, path: x, "
            "pattern: '('}\n",
            "invalid regular expression",
        ),
        (
            "waivers:\n  - {check: nope, reason: r, owner: o, expires: 2027-01-01}\n",
            "waivers[0].check: unknown check 'nope'",
        ),
        (
            "gates: []\nwaivers:\n  - {check: nope, owner: o, expires: 2027-01-01}\n",
            "waivers[0].reason: required key is missing",
        ),
        ("tasks:\n  - {id: t, priority: P1}\n", "a task needs `run`, `acceptance`, or both"),
        (
            "tasks:\n  - {id: t, run: [a], depends_on: [u]}\n"
            "  - {id: u, run: [a], depends_on: [t]}\n",
            "`depends_on` cycle: t -> u -> t",
        ),
        ("tasks:\n  - {id: t, acceptance: [ghost]}\n", "tasks[0].acceptance[0]: unknown check"),
        ("gates: [\n", "gonogo.yaml:2:1: invalid YAML"),
        ("- just\n- a list\n", 'gonogo.yaml:1:1: ["just", "a list"]: a plan is a mapping'),
        (
            "gates: !!python/object:os.system {}\n",
            "gonogo.yaml:1:8: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed",
        ),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("version: 2\n", "version: 2: must be 1"),
        (
            "gates:\n  - id: g\n    checks:\n      - {id: a, kind: file.exists, path: x, "
            "priority: P9}\n",
            "gates[0].checks[0].priority: 'P9': must be 'P0', 'P1', 'P2' or 'P3'",
        ),
        (
            "gates:\n  - id: g\n    checks:\n      - {id: a, kind: file.exists, path: x, "
            "non_empty: maybe}\n",
            "gates[0].checks[0].non_empty: 'maybe': must be a valid boolean",
        ),
        ("gates: {a: 1}\n", 'gonogo.yaml:1:1: gates: {"a": 1}: must be a valid list'),
    ],
)
def test_bad_plans_name_file_line_and_field(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_all_errors_are_reported_at_once() -> None:
    with pytest.raises(PlanErrors) as info:
        load(
            "gates:\n  - id: g\n    checks:\n"
            "      - {id: a, kind: nope, path: x}\n      - {id: b, kind: nada, path: x}\n"
        )
    assert len(info.value.errors) == 2


def test_x_keys_are_ignored_and_merge_keys_expand() -> None:
    plan = load(
        "x-base: &b {kind: file.exists, priority: P1}\n"
        "gates:\n  - id: g\n    checks:\n      - {<<: *b, id: a, path: README.md}\n"
    )
    assert plan.checks[0].priority == "P1"


def test_oversized_plan_is_refused_before_parsing() -> None:
    text = "x-pad: '" + "a" * (1024 * 1024) + "'\n"
    with pytest.raises(PlanError, match="the limit is 1,048,576 bytes"):
        parse_plan(text, BUILTIN, source="big.yaml")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("gates: [*a9]")
    with pytest.raises(PlanError, match="alias-expansion bomb"):  # refused, never expanded
        parse_plan("\n".join(lines), BUILTIN, source="bomb.yaml")


@pytest.mark.parametrize("text", ["", "\n\n", "# a plan, some day\n# gates: []\n", "---\n"])
def test_an_empty_or_comment_only_plan_is_an_error(text: str) -> None:
    assert error_of(text) == (
        "gonogo.yaml: the plan is empty (write gates of checks; `gonogo init` writes a "
        "starter plan)"
    )


def test_a_plan_with_an_empty_gate_list_is_valid() -> None:
    assert load("gates: []\n").gates == ()
