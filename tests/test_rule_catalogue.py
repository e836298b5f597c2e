"""The rule catalogue is complete and its generated docs are current."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from gonogo.cli.explain import rules_markdown
from gonogo.probes.registry import BUILTIN
from gonogo.pyparse import parse
from gonogo.rules import catalogue

SRC = Path(__file__).resolve().parents[1] / "src" / "gonogo"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
CODE = re.compile(r"([a-z0-9]+)\.[a-z][a-z0-9-]*")


def _code_literals(path: Path) -> list[tuple[int, str]]:
    """String constants in `path` shaped like a finding code of a known family."""
    rules = catalogue(BUILTIN)
    families = {c.split(".")[0] for c in rules} | {k.split(".")[0] for k in BUILTIN}
    out = []
    for node in ast.walk(parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        m = CODE.fullmatch(node.value)
        if m and m.group(1) in families and node.value not in BUILTIN:
            out.append((node.lineno, node.value))
    return out


def test_every_code_written_in_a_probe_or_the_engine_is_declared() -> None:
    rules = catalogue(BUILTIN)
    sources = sorted((SRC / "probes").glob("*.py")) + sorted((SRC / "engine").glob("*.py"))
    # `file.invalid-` is the prefix of the declared file.invalid-<format> codes.
    missing = [
        f"{path.relative_to(SRC)}:{line}: {code}"
        for path in sources
        for line, code in _code_literals(path)
        if code not in rules and not code.endswith("-")
    ]
    assert missing == []


def test_the_catalogue_holds_each_live_probe_code() -> None:
    rules = catalogue(BUILTIN)
    for code, kind in [
        ("http.status", "http"),
        ("load.fd-growth", "load"),
        ("postgres.rls-disabled", "postgres"),
        ("slo.burn-rate", "slo"),
        ("prometheus.no-data", "prometheus"),
        ("git.dirty", "git"),
        ("compare.regression", None),
    ]:
        rule = rules[code]
        assert rule.code == code
        owners = [k for k, p in BUILTIN.items() if rule in p.rules]
        assert owners == ([kind] if kind else [])


def test_docs_rules_md_is_generated_from_the_catalogue() -> None:
    rules = sorted({r.code: r for r in catalogue(BUILTIN).values()}.values(), key=lambda r: r.code)
    expected = rules_markdown(rules, BUILTIN)
    assert DOCS.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is out of date: run `gonogo explain --rules --format md > docs/rules.md`"
    )


def test_explain_a_rule_code_names_its_kind(cli: Any) -> None:
    result = cli("explain", "postgres.rls-disabled")
    assert result.code == 0
    assert result.stdout.splitlines()[:4] == [
        "postgres.rls-disabled: A table has no row-level security",
        "",
        "Severity: error",
        "Check kind: postgres",
    ]
