from __future__ import annotations

import pytest

from artifact_helpers import run_probe
from gonogo.models import Status
from gonogo.probes.odoo import PROBE
from repo_helpers import write

MANIFEST = """{
    'name': 'Shop Sales',
    'version': '17.0.1.0.0',
    'license': 'LGPL-3',
    'depends': ['sale'],
    'data': ['security/ir.model.access.csv', 'views/order_views.xml'],
}
"""
MODEL = "from odoo import models\nclass Order(models.Model):\n    _name = 'shop.order'\n"
ACCESS = (
    "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n"
    "access_shop_order,shop.order,model_shop_order,base.group_user,1,1,1,0\n"
)


@pytest.fixture
def addon(tmp_path):
    write(
        tmp_path,
        {
            "addons/shop_sales/__manifest__.py": MANIFEST,
            "addons/shop_sales/__init__.py": "from . import models\n",
            "addons/shop_sales/models/order.py": MODEL,
            "addons/shop_sales/security/ir.model.access.csv": ACCESS,
            "addons/shop_sales/views/order_views.xml": "<odoo/>\n",
        },
    )
    return tmp_path


def test_complete_module_passes(addon) -> None:
    out = run_probe(PROBE, addon, path="addons/shop_sales")
    assert out.status is Status.PASS, out.message
    assert run_probe(PROBE, addon, path="addons/*").status is Status.PASS


def test_missing_keys_and_data_files(addon) -> None:
    (addon / "addons/shop_sales/__manifest__.py").write_text(
        "{'name': 'x', 'depends': [], 'data': ['security/ir.model.access.csv', 'views/gone.xml']}"
    )
    out = run_probe(PROBE, addon, path="addons/shop_sales")
    assert out.status is Status.FAIL
    messages = sorted(f.message for f in out.findings)
    assert messages == [
        "declared file views/gone.xml is missing",
        "manifest lacks 'license'",
        "manifest lacks 'version'",
    ]


def test_models_without_access_csv(addon) -> None:
    (addon / "addons/shop_sales/security/ir.model.access.csv").unlink()
    out = run_probe(PROBE, addon, path="addons/shop_sales")
    rules = sorted(f.rule for f in out.findings)
    assert rules == ["odoo.missing-data", "odoo.no-access-csv"]


def test_malformed_access_csv_names_the_line(addon) -> None:
    (addon / "addons/shop_sales/security/ir.model.access.csv").write_text(
        ACCESS + "access_bad,shop.order,model_shop_order,base.group_user,1,yes,1,0\nshort,row\n"
    )
    out = run_probe(PROBE, addon, path="addons/shop_sales")
    assert [(f.line, f.message) for f in out.findings] == [
        (3, "permissions must be 0 or 1"),
        (4, "2 columns, expected 8"),
    ]


def test_manifest_is_never_executed_and_bad_syntax_is_an_error(addon, tmp_path) -> None:
    marker = tmp_path / "executed"
    (addon / "addons/shop_sales/__manifest__.py").write_text(
        f"__import__('pathlib').Path({str(marker)!r}).touch()"
    )
    out = run_probe(PROBE, addon, path="addons/shop_sales")
    assert out.status is Status.ERROR
    assert "not a plain literal" in out.message
    assert not marker.exists()
    (addon / "addons/shop_sales/__manifest__.py").write_text("{\n 'name': 'x',\n 'data': [\n")
    out = run_probe(PROBE, addon, path="addons/shop_sales")
    assert out.status is Status.ERROR
    assert out.message.startswith("addons/shop_sales/__manifest__.py:")
