"""Every parse goes through one lock, and a parse that meets CPython 3.11's transient
'recursion depth mismatch' (another thread building a tree: the standard library's
traceback formatting parses outside any lock of gonogo's) is run again."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from gonogo import pyparse


def _failing(times: int, message: str) -> Any:
    real = ast.parse
    calls = []

    def parse(*args: Any, **kw: Any) -> Any:
        calls.append(args[0])
        if len(calls) <= times:
            raise SystemError(message)
        return real(*args, **kw)

    parse.calls = calls  # type: ignore[attr-defined]
    return parse


def test_a_mismatch_from_another_thread_is_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _failing(2, "AST constructor recursion depth mismatch (before=3, after=9)")
    monkeypatch.setattr(ast, "parse", fake)
    tree = pyparse.parse("x = 1\n", "a.py")
    assert [type(n).__name__ for n in tree.body] == ["Assign"]
    assert len(fake.calls) == 3


def test_a_mismatch_every_time_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _failing(
        pyparse.ATTEMPTS, "AST constructor recursion depth mismatch (before=3, after=9)"
    )
    monkeypatch.setattr(ast, "parse", fake)
    with pytest.raises(SystemError, match="recursion depth mismatch"):
        pyparse.parse("x = 1\n")
    assert len(fake.calls) == pyparse.ATTEMPTS


def test_another_system_error_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _failing(1, "some other internal error")
    monkeypatch.setattr(ast, "parse", fake)
    with pytest.raises(SystemError, match="some other internal error"):
        pyparse.parse("x = 1\n")
    assert len(fake.calls) == 1


def test_a_syntax_error_is_the_sources_and_is_raised_at_once() -> None:
    with pytest.raises(SyntaxError) as caught:
        pyparse.parse("def f(:\n", "bad.py")
    assert (caught.value.filename, caught.value.lineno) == ("bad.py", 1)
