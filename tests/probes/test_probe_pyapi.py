from __future__ import annotations

import sys

import pytest

from artifact_helpers import run_probe
from gonogo.models import Status
from gonogo.probes.pyapi import PROBE

CODE = """\
import os
MARKER = os.environ.get("GONOGO_IN_PROCESS")
class PaymentService:
    def refund(self, order_id, amount, *, reason=None):
        return None
    def charge(self, order_ref, amount, currency):
        return None
def notify(user_id, **options):
    return None
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "src/shop").mkdir(parents=True)
    (tmp_path / "src/shop/__init__.py").write_text("")
    (tmp_path / "src/shop/payments.py").write_text(CODE)
    (tmp_path / "src/shop/broken.py").write_text("raise RuntimeError('boom at import')\n")
    return tmp_path


def check(root, attr, params, module="shop.payments"):
    return run_probe(PROBE, root, module=module, attr=attr, params=params, python=sys.executable)


@pytest.mark.parametrize(
    ("attr", "params", "status", "text"),
    [
        ("PaymentService.refund", ["order_id", "amount"], Status.PASS, "matches"),
        ("PaymentService.refund", ["order_id", "amount", "reason"], Status.PASS, "matches"),
        (
            "PaymentService.charge",
            ["order_id", "amount", "currency"],
            Status.FAIL,
            "parameter 1 is named 'order_ref', expected 'order_id' (renamed)",
        ),
        (
            "PaymentService.charge",
            ["order_ref", "amount"],
            Status.FAIL,
            "extra required parameter(s): currency",
        ),
        (
            "PaymentService.refund",
            ["order_id", "amount", "note"],
            Status.FAIL,
            "missing parameter(s): note",
        ),
        ("notify", ["user_id", "channel"], Status.PASS, "matches"),
        (
            "PaymentService.refunds",
            ["order_id"],
            Status.FAIL,
            "no attribute 'refunds'; did you mean 'refund'?",
        ),
    ],
)
def test_signatures(project, attr, params, status, text) -> None:
    out = check(project, attr, params)
    assert out.status is status, out.message
    assert text in out.message


def test_import_error_is_a_failure_naming_the_module(project) -> None:
    out = check(project, "x", [], module="shop.broken")
    assert out.status is Status.FAIL
    assert "cannot import shop.broken: RuntimeError: boom at import" in out.message


def test_code_is_never_imported_into_gonogo(project) -> None:
    check(project, "notify", ["user_id"])
    assert "shop.payments" not in sys.modules


def test_missing_interpreter_is_an_error(project) -> None:
    out = run_probe(
        PROBE,
        project,
        module="shop.payments",
        attr="notify",
        params=[],
        python="/nonexistent/python3",
    )
    assert out.status is Status.ERROR
