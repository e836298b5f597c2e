"""A planted secret never leaves gonogo: every command, output format and store is
searched for fresh random tokens (see `leak_helpers`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from leak_helpers import Tokens, capture, make_project, run_everything


def test_planted_secrets_appear_in_no_output_or_store(
    tmp_path: Path, cli: Callable[..., object]
) -> None:
    tokens = Tokens()
    root = tmp_path / "repo"
    root.mkdir()

    def run(*args: str, env: dict[str, str]) -> tuple[str, str]:
        res = cli(*args, env=env)
        return res.stdout, res.stderr  # type: ignore[attr-defined]

    with capture() as (base, bodies):
        make_project(root, base, tokens)
        outputs = run_everything(root, tmp_path, run, tokens, bodies)
    hits = outputs.hits(tokens.forms())
    figure = f"{sum(map(len, hits.values()))} hits in {len(hits)} of {len(outputs.texts)} outputs"
    print(f"planted-secret hits: {figure}")
    assert hits == {}, figure + "".join(f"\n{k}: {v}" for k, v in sorted(hits.items()))

    # the runs happened and said what they saw, with the secrets masked
    last = json.loads((root / ".gonogo/last.json").read_text())
    status = {c["id"]: c["status"] for c in last["checks"]}
    assert status == {
        "echo-env": "fail",
        "echo-interp": "fail",
        "cat-config": "fail",
        "tests": "fail",
        "no-secrets": "fail",
        "api": "fail",
    }
    echo = next(c for c in last["checks"] if c["id"] == "echo-env")
    assert echo["evidence"]["stdout_tail"] == "token *** *** ***"
    assert echo["evidence"]["stderr_tail"] == "basic dXNlcjp***"  # "user:" and the token, base64
    assert len(bodies) == 2  # both tasks escalated to the webhook
    assert (root / ".gonogo/history.db").exists()
    assert len(outputs.texts) > 40
