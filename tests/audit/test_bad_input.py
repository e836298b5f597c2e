"""Bad input: a clear message (exit 2) or an empty result, never a traceback or a hang."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gonogo.audit import Verdict, audit
from gonogo.audit.reading import MAX_BYTES, read_report
from gonogo.errors import UsageError

pytestmark = pytest.mark.timeout(120)


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
            "looks like a binary file",
        ),
        (bytes(range(1, 32)) * 100, "looks like a binary file"),
    ],
)
def test_binary_file(tmp_path: Path, cli: Callable[..., object], data: bytes, message: str) -> None:
    path = _write(tmp_path, "report.md", data)
    result = cli("audit", str(path), "--root", str(tmp_path))
    assert result.code == 2  # type: ignore[attr-defined]
    assert message in result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]


def test_fifty_megabytes_is_refused_unread(tmp_path: Path, cli: Callable[..., object]) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as fh:
        fh.write(b"| a | Status |\n|---|---|\n")
        fh.truncate(50 * 1024 * 1024)
    result = cli("audit", str(path), "--root", str(tmp_path))
    assert result.code == 2  # type: ignore[attr-defined]
    assert "52,428,800 bytes is larger than the 10,485,760-byte limit" in result.stderr  # type: ignore[attr-defined]


def test_missing_and_directory_reports(tmp_path: Path, cli: Callable[..., object]) -> None:
    missing = cli("audit", str(tmp_path / "nope.md"))
    assert missing.code == 2  # type: ignore[attr-defined]
    assert "no such report" in missing.stderr  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="not a regular file"):
        read_report(tmp_path)


def test_size_limit_is_a_parameter(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.md", "x" * 2000)
    with pytest.raises(UsageError, match="larger than the 1,000-byte limit"):
        read_report(path, max_bytes=1000)
    assert MAX_BYTES == 10 * 1024 * 1024


def test_no_tables_no_claims(tmp_path: Path, cli: Callable[..., object]) -> None:
    path = _write(tmp_path, "prose.md", "# Notes\n\nWe met and talked.\n\nNothing to claim.\n")
    result = audit(path, tmp_path)
    assert result.results == ()
    assert result.exit_code == 0
    out = cli("audit", str(path), "--root", str(tmp_path))
    assert out.code == 0  # type: ignore[attr-defined]
    assert "No claims found" in out.stdout  # type: ignore[attr-defined]
    assert "0 hold, 0 broken, 0 open, 0 unverifiable" in out.stdout  # type: ignore[attr-defined]


def test_empty_file(tmp_path: Path) -> None:
    assert audit(_write(tmp_path, "empty.md", ""), tmp_path).results == ()


def test_not_utf8_is_read_as_windows_1252(tmp_path: Path) -> None:
    path = _write(tmp_path, "latin.md", "- [x] Caf\xe9 menu `menu.txt`\n".encode("cp1252"))
    (tmp_path / "menu.txt").write_text("soup\n")
    result = audit(path, tmp_path)
    assert any("not valid UTF-8" in n for n in result.notes)
    assert [r.verdict for r in result.results] == [Verdict.HOLDS]
    assert "Café" in result.results[0].claim.text


@pytest.mark.parametrize(
    "text",
    [
        "- " * 5000 + "[x] deep `deep.sh`\n",
        "> " * 5000 + "- [x] quoted `q.sh`\n",
        "".join("  " * i + "- ✅ level\n" for i in range(400)),
        "".join("> " * i + "- [ ] x\n" for i in range(300)),
    ],
    ids=["inline-nesting", "quote-nesting", "indented-nesting", "quote-staircase"],
)
def test_deeply_nested_lists(tmp_path: Path, text: str) -> None:
    result = audit(_write(tmp_path, "nested.md", text), tmp_path)
    assert all(r.verdict in Verdict for r in result.results)


def test_pathological_table_rows(tmp_path: Path) -> None:
    rows = "| a | Status | Evidence |\n|---|---|---|\n"
    rows += "|" + " x |" * 100_000 + "\n"  # one row of 100,000 cells
    rows += "| b | ✅ | `" + "a" * 100_000 + "` |\n"  # a code span longer than any path
    rows += "| c | ✅ | " + "1" * 200_000 + "% (" + "9" * 50_000 + "\n"  # digit runs
    rows += "| d | ✅ | " + "`" * 100_000 + " |\n"  # backtick storm
    result = audit(_write(tmp_path, "rows.md", rows), tmp_path)
    assert all(r.verdict is Verdict.UNVERIFIABLE for r in result.results)


def test_long_table_split_in_chunks_keeps_its_rows(tmp_path: Path) -> None:
    """A 5,000-row table with no blank line is parsed in pieces and joined again."""
    head = "| # | Task | Status | Evidence |\n|---|---|---|---|\n"
    body = "".join(f"| {i} | task {i} | ✅ | ok |\n" for i in range(4999))
    gate = "| 4999 | gate | ✅ | 5000/5000 passed |\n"
    result = audit(_write(tmp_path, "long.md", head + body + gate), tmp_path)
    (gate_result,) = [r for r in result.results if r.claim.source == "arithmetic"]
    assert gate_result.verdict is Verdict.HOLDS, gate_result.reason
    assert result.summary.unverifiable == 4999


def test_bad_junit_is_a_usage_error(tmp_path: Path, cli: Callable[..., object]) -> None:
    path = _write(tmp_path, "r.md", "Result: 3 passed, 0 failed\n")
    (tmp_path / "bad.xml").write_text("<testsuite><testcase></testsuite>")
    bad = cli("audit", str(path), "--root", str(tmp_path), "--junit", "bad.xml")
    assert bad.code == 2  # type: ignore[attr-defined]
    assert "bad.xml:1: malformed XML: mismatched tag" in bad.stderr  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="no file matches"):
        audit(path, tmp_path, junit_globs=["nothing/*.xml"])


def test_line_cap_bounds_huge_reports(tmp_path: Path) -> None:
    """Past 50,000 lines the rest is not audited, and the output says so."""
    text = "- [x] early `a.txt`\n" + "plain line\n" * 60_000 + "- [x] late `b.txt`\n"
    result = audit(_write(tmp_path, "long.md", text), tmp_path)
    assert [r.claim.text for r in result.results] == ["[x] early a.txt"]
    assert "only the first 50,000 lines read; the rest is not audited" in result.notes


def test_plain_tables_read_as_markdown_it_reads_them() -> None:
    """Top-level pipe tables are read without markdown-it for speed; the blocks are the
    same as markdown-it's, for every seed and fixture."""
    from audit_helpers import FIXTURES, SEEDS

    from gonogo.audit import blocks

    for path in [*SEEDS.glob("*.txt"), *FIXTURES.glob("*.md")]:
        text = read_report(path).text
        fast = blocks.parse_blocks(text)
        slow = blocks.parse_blocks(text, plain_tables=False)
        assert fast == slow, path.name
        has_table = any(isinstance(b, blocks.Table) for b in fast)
        assert has_table or path.name in ("checklist.md", "003_cf2eb13b00e1491d.txt")


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_fifo_and_devices_are_refused_unread(
    tmp_path: Path, cli: Callable[..., object], special: str
) -> None:
    import os

    path = tmp_path / "report.md"
    if special == "fifo":
        os.mkfifo(path)  # nobody writes to it: reading it would hang
    else:
        path = Path(special)
    out = cli("audit", str(path), "--root", str(tmp_path))
    assert out.code == 2  # type: ignore[attr-defined]
    assert out.stderr == f"gonogo: error: {path}: not a regular file\n"  # type: ignore[attr-defined]


def test_ten_mebibytes_on_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "one-line.md", "✅ `a.md` 11/11 passed 16.6% (2/12) " * 270_000)
    assert path.stat().st_size < MAX_BYTES
    result = audit(path, tmp_path)
    assert result.results == ()
    assert result.notes == ("1 line(s) longer than 20,000 characters not audited (line 1)",)
