"""The built-in kinds: every one resolves to its probe, and only the kinds a plan uses
are imported (a plan of file checks does not pay for HTTP or database clients)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from gonogo.probes.registry import BUILTIN


def test_every_builtin_kind_names_its_own_probe() -> None:
    for kind, probe in BUILTIN.items():
        assert probe.kind == kind
    assert "nope" not in BUILTIN


def test_the_designed_kinds_are_all_built_in() -> None:
    """The kinds DESIGN.md promises are contracts: removing one breaks users' plans."""
    designed = {
        "file.exists", "file.absent", "file.contains", "file.not_contains", "file.valid",
        "command", "python.syntax", "http", "tcp", "postgres", "redis", "bench", "load",
        "secrets", "compose", "dockerfile", "junit", "coverage", "python.api", "git",
        "odoo.module",
    }  # fmt: skip
    assert designed - set(BUILTIN) == set()


def test_a_plan_of_file_checks_imports_no_network_or_database_probe(tmp_path) -> None:
    (tmp_path / "README.md").write_text("# hi\n")
    (tmp_path / "gonogo.yaml").write_text(
        "gates:\n  - id: docs\n    checks:\n"
        "      - {id: readme, kind: file.exists, path: README.md}\n"
    )
    script = textwrap.dedent(
        f"""
        import sys
        from gonogo.cli.main import main
        code = main(["check", {str(tmp_path)!r}, "--no-history", "--format", "json", "-o", "-"])
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in
                       ("httpx", "psycopg", "redis", "sqlalchemy", "junitparser"))
        heavy += sorted(m for m in sys.modules if m.startswith("gonogo.probes.")
                        and m.rsplit(".", 1)[1] in ("http", "postgres", "redis_probe", "load"))
        print(code, heavy)
        """
    )
    argv = [sys.executable, "-c", script]
    out = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "0 []"
