"""Arbitrary text never crashes the loader: a valid plan or a PlanError, nothing else."""

from __future__ import annotations

import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonogo.errors import GonogoError
from gonogo.plan.loader import parse_plan
from gonogo.plan.model import Plan
from gonogo.probes.registry import BUILTIN

KEYS = [
    "version",
    "gates",
    "id",
    "kind",
    "checks",
    "path",
    "needs",
    "requires",
    "timeout",
    "retries",
    "priority",
    "targets",
    "pass_rate",
    "run",
    "when",
    "x-a",
    "<<",
    "tasks",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.text(max_size=12),
    st.sampled_from(["file.exists", "command", "P0", "30s", "soon", "g", "a"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
    ),
    max_leaves=30,
)


def _load(text: str | bytes) -> None:
    """A valid Plan, or a GonogoError whose message starts with the file name."""
    message = ""
    try:
        plan: object = parse_plan(text, BUILTIN, source="fuzz.yaml")
    except GonogoError as exc:
        plan, message = None, str(exc)
    if plan is None:
        assert message.startswith("fuzz.yaml")
    else:
        assert isinstance(plan, Plan)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=string.printable + "äé✅&*!|>-:[]{}", max_size=300))
def test_arbitrary_text(text: str) -> None:
    _load(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_arbitrary_yaml_structures(doc: object) -> None:
    _load(yaml.safe_dump(doc))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes(data: bytes) -> None:
    _load(data)
