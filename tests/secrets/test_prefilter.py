"""The two prefilter engines give the same answer on every input, each thread scans with
its own Hyperscan scratch, and the engine is chosen as documented."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import re2

from gonogo.secrets import prefilter
from gonogo.secrets.scan import hint_patterns
from secret_corpus import render

# Where pyproject's marker installs hyperscan: there it must be the engine `auto` picks.
HYPERSCAN_HERE = platform.machine() in ("x86_64", "AMD64") or (
    sys.platform == "darwin" and platform.machine() == "arm64"
)

EDGES = [
    b"",
    b"\n",
    b"password",
    b"PASSWORD\n",
    b"db_pwd\n",  # a hint that ends at a line's end
    b"db_pwd",  # ... and at the text's end
    b"x_pass = 1\r\n",
    b"\xe9\xff token: \xa0\n",  # Latin-1 bytes around a hint
    b"AKIA" + b"Z" * 16,
    b"-----BEGIN RSA PRIVATE KEY-----\n",
    b"ghp_" + b"a" * 36,
    b"${DB_PASSWORD:-hunter2hunter2}",
    b"api-key:\n" * 3,
]


def _options() -> re2.Options:
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    options.max_mem = 64 << 20
    return options


def _engine(name: str, monkeypatch: pytest.MonkeyPatch) -> prefilter.Prefilter:
    monkeypatch.setenv(prefilter.ENGINE_ENV, name)
    return prefilter.build(hint_patterns(), _options())


needs_hyperscan = pytest.mark.skipif(not HYPERSCAN_HERE, reason="no hyperscan wheel here")


@needs_hyperscan
def test_both_engines_name_the_same_hints_on_the_corpus_and_edge_cases(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast, portable = _engine("hyperscan", monkeypatch), _engine("re2", monkeypatch)
    assert (fast.engine, portable.engine) == ("hyperscan", "re2")
    texts = [t.encode() for t in render(("tuned", "heldout")).files.values()] + EDGES
    differ = [t[:60] for t in texts if sorted(fast.found(t)) != sorted(portable.found(t))]
    assert differ == []
    complete = len(hint_patterns())
    assert fast.found(b"") == [complete]
    assert sorted(fast.found(b"db_pwd\n")) == sorted(portable.found(b"db_pwd\n"))
    assert len(fast.found(b"db_pwd\n")) > 1  # the hint was found, not only the end


@needs_hyperscan
def test_threads_scan_at_once_each_with_its_own_scratch(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _engine("hyperscan", monkeypatch)
    texts = [t.encode() for t in render(("tuned",)).files.values()]
    expected = [sorted(fast.found(t)) for t in texts]
    start = threading.Barrier(8)
    results: dict[int, list[list[int]]] = {}

    def scan(n: int) -> None:
        start.wait()
        results[n] = [sorted(fast.found(t)) for t in texts]

    threads = [threading.Thread(target=scan, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[n] == expected for n in range(8)] == [True] * 8


def test_auto_picks_hyperscan_where_its_wheel_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _engine("auto", monkeypatch).engine == ("hyperscan" if HYPERSCAN_HERE else "re2")
    assert _engine("", monkeypatch).engine == ("hyperscan" if HYPERSCAN_HERE else "re2")
    assert _engine(" RE2 ", monkeypatch).engine == "re2"


def test_an_unknown_engine_is_named_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(prefilter.EngineError) as caught:
        _engine("pcre", monkeypatch)
    assert str(caught.value) == (
        "GONOGO_SECRETS_ENGINE='pcre': expected one of auto, hyperscan, re2"
    )


def test_an_engine_that_cannot_compile_the_hints_falls_back_unless_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unsupported = [rb"(a)\1"]  # a back-reference: RE2 refuses it too, so only the type
    monkeypatch.setenv(prefilter.ENGINE_ENV, "hyperscan")
    with pytest.raises(prefilter.EngineError) as caught:
        prefilter.build(unsupported, _options())
    assert str(caught.value).startswith("GONOGO_SECRETS_ENGINE=hyperscan: ")


def test_the_cli_finds_the_same_secrets_with_either_engine(tmp_path: Path) -> None:
    render(("tuned",)).write(tmp_path)
    outputs = {}
    for engine in ("re2", "auto"):
        env = {**os.environ, prefilter.ENGINE_ENV: engine}
        done = subprocess.run(
            [sys.executable, "-m", "gonogo", "secrets", str(tmp_path), "--format", "json"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        outputs[engine] = json.loads(done.stdout)["findings"]
    assert len(outputs["re2"]) == 199  # the tuned part's secrets, one missed
    assert outputs["auto"] == outputs["re2"]


def test_every_detector_compiles_and_names_its_value() -> None:
    """Detectors compile when a file first needs them: all of them must, with a `v` group
    and the group whose line is reported."""
    from gonogo.secrets.scan import compiled

    broken = []
    for matcher in compiled().matchers:
        regex = matcher.regex
        if regex is None or b"v" not in regex.groupindex or matcher.line <= 0:
            broken.append(matcher.det.title)
    assert broken == []
