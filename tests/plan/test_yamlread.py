"""The plan YAML reader: same values as PyYAML's SafeLoader, positions on demand."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonogo import yamlread

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False),
    st.text(max_size=10),
    st.sampled_from(
        ["yes", "No", "on", "~", "0x1F", "0o17", "1_000", "1:30", ".inf", "2024-02-29", "<<", "="]
    ),
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=6), st.integers(0, 9)), children, max_size=4),
    ),
    max_leaves=25,
)


def _strict(value: Any) -> Any:
    """`value` with every scalar's type beside it: 1, 1.0 and True must not compare equal."""
    if isinstance(value, dict):
        return {(type(k).__name__, k): _strict(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strict(v) for v in value]
    return (type(value).__name__, repr(value))


def _same_as_safe_loader(text: str) -> None:
    try:
        ours = yamlread.load(text).data
    except yamlread.YamlError:
        return  # refused (tags, duplicate keys, ...): the loader tests cover the messages
    assert _strict(ours) == _strict(yaml.load(text, Loader=yaml.CSafeLoader))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents, st.booleans(), st.sampled_from([None, "'", '"']))
def test_dumped_documents_load_as_safe_loader_loads_them(
    doc: Any, flow: bool, style: str | None
) -> None:
    _same_as_safe_loader(yaml.safe_dump(doc, default_flow_style=flow, default_style=style))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet="ab:-[]{},'\"&*!<>#|?\n 01.~", max_size=60))
def test_arbitrary_text_loads_as_safe_loader_loads_it_or_is_refused(text: str) -> None:
    try:
        yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        with pytest.raises(yamlread.YamlError):
            yamlread.load(text)
        return
    except (RecursionError, TypeError, ValueError):
        return  # PyYAML itself gives up (unhashable keys, bad dates): not a comparison
    _same_as_safe_loader(text)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents.filter(lambda d: isinstance(d, dict)))
def test_json_documents_load_as_safe_loader_loads_them(doc: Any) -> None:
    """A plan written as JSON (the audit's own plans are) is read by the JSON parser."""
    _same_as_safe_loader(json.dumps(doc, default=str, indent=2, ensure_ascii=False))


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{\n  "a": 1,\n  "a": 2\n}\n', "duplicate key 'a'", 3),
        ('{"a":' * 70 + "1" + "}" * 70, "deeper than 64 levels", 1),
    ],
)
def test_json_documents_are_refused_as_yaml_ones_are(text: str, message: str, line: int) -> None:
    with pytest.raises(yamlread.YamlError) as info:
        yamlread.load(text)
    assert message in info.value.message
    assert info.value.line == line


def test_positions_are_found_for_a_json_document() -> None:
    doc = yamlread.load('{\n  "gates": [\n    {"id": "build", "checks": []}\n  ]\n}\n')
    assert doc.data == {"gates": [{"id": "build", "checks": []}]}
    assert doc.where(("gates", 0, "id")) == (3, 6)


def test_positions_are_found_for_a_document_read_on_the_fast_path() -> None:
    doc = yamlread.load("gates:\n  - id: build\n    checks:\n      - {id: a, kind: x}\n")
    assert doc.where(("gates", 0, "checks", 0, "kind")) == (4, 17)
    assert doc.where(("gates", 0, "id")) == (2, 5)
    assert doc.where(("gates", 0, "nope", 3)) == (2, 5)


def test_anchors_merge_keys_and_tags_keep_their_meaning() -> None:
    text = "base: &b {timeout: 5s, retries: 2}\ncheck:\n  <<: *b\n  retries: 3\nn: !!str 12\n"
    doc = yamlread.load(text)
    assert doc.data["check"] == {"timeout": "5s", "retries": 3}
    assert doc.data["n"] == "12"
    assert doc.where(("check", "retries")) == (4, 3)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: 1\na: 2\n", "duplicate key 'a'", 2),
        ("a: !!python/name:os.system x\n", "YAML tag", 1),
        ("a: 1\n---\nb: 2\n", "single document", 2),
        ("a: [1, 2\n", "invalid YAML", 2),
        ("? [1, 2]\n: x\n", "mapping keys must be plain scalars", 1),
    ],
)
def test_problems_name_their_line(text: str, message: str, line: int) -> None:
    with pytest.raises(yamlread.YamlError) as info:
        yamlread.load(text)
    assert message in info.value.message
    assert info.value.line == line


def test_load_all_reads_every_document_with_positions() -> None:
    """Kubernetes manifests are multi-document; positions count from the file's top."""
    docs = yamlread.load_all(
        "kind: Service\nmetadata: {name: a}\n---\nkind: Deployment\nspec:\n  replicas: 2\n"
    )
    assert [d.data["kind"] for d in docs] == ["Service", "Deployment"]
    assert docs[1].where(("spec", "replicas")) == (6, 3)


def test_load_all_keeps_the_limits_and_the_ban_on_tags() -> None:
    with pytest.raises(yamlread.YamlError, match="is not allowed"):
        yamlread.load_all("a: 1\n---\nb: !!python/object:os.system ls\n")
    with pytest.raises(yamlread.YamlError, match="the limit is 10 bytes"):
        yamlread.load_all("a: 12345678901\n", max_bytes=10)
