"""Every built-in probe's doc is data that holds: its example is a valid check of its kind."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from gonogo.plan.loader import parse_plan
from gonogo.probes.base import Probe
from gonogo.probes.registry import BUILTIN

PROBES = list(BUILTIN.values())


def test_registry_keys_are_the_probes_kinds() -> None:
    assert PROBES
    assert all(kind == probe.kind for kind, probe in BUILTIN.items())


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.kind)
def test_doc_example_is_a_valid_check(probe: Probe[Any]) -> None:
    check = yaml.safe_load(probe.doc.example)
    assert isinstance(check, dict), f"{probe.kind}: example is not a YAML mapping"
    assert check.get("kind") == probe.kind
    assert isinstance(check.get("id"), str)
    plan = parse_plan(
        json.dumps({"gates": [{"id": "docs", "checks": [check]}]}),
        BUILTIN,
        source=f"<{probe.kind} example>",
    )
    [loaded] = plan.checks
    assert (loaded.id, loaded.kind, loaded.gate) == (check["id"], probe.kind, "docs")
    assert isinstance(loaded.params, probe.params)


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.kind)
def test_doc_example_loads_as_written_in_a_plan(probe: Probe[Any]) -> None:
    text = f"gates:\n  - id: docs\n    checks:\n      - {probe.doc.example}\n"
    [loaded] = parse_plan(text, BUILTIN).checks
    assert loaded.kind == probe.kind


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.kind)
def test_doc_has_summary_and_why(probe: Probe[Any]) -> None:
    assert probe.doc.summary.strip()
    assert probe.doc.why.strip()
    assert "\n" not in probe.doc.example.strip(), "the example is one flow-mapping line"
