"""`odoo.module` on an OCA-style addons repository: OCA's manifest rules and access rules
for new models only, each finding with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from artifact_helpers import run_probe
from gonogo.models import Status
from gonogo.probes.odoo import PROBE
from repo_helpers import write

HEADER = "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n"
OCA_REPO = {
    ".copier-answers.yml": "odoo_version: 17.0\nrepo_name: shop\n",
    # a complete module: a new model, its access rule, an extension and an abstract model
    "shop_sale/__manifest__.py": """{
    "name": "Shop Sale",
    "version": "17.0.1.0.0",
    "license": "AGPL-3",
    "author": "Shop, Odoo Community Association (OCA)",
    "depends": ["sale"],
    "data": [
        "security/ir.model.access.csv",
        "views/order_views.xml",
    ],
}
""",
    "shop_sale/models/order.py": """from odoo import fields, models


class ShopOrder(models.Model):
    _name = "shop.order"
    _inherit = ["mail.thread"]
    name = fields.Char()


class SaleOrder(models.Model):
    _inherit = "sale.order"


class Partner(models.Model):
    _name = "res.partner"
    _inherit = "res.partner"


class Mixin(models.AbstractModel):
    _name = "shop.mixin"
""",
    "shop_sale/security/ir.model.access.csv": HEADER
    + "access_shop_order,shop.order,model_shop_order,base.group_user,1,1,1,0\n",
    "shop_sale/views/order_views.xml": "<odoo/>\n",
    # optional keys are optional: no data, depends or demo here
    "shop_base/__manifest__.py": "{'name': 'Shop Base', 'version': '17.0.1.0.0', "
    "'license': 'LGPL-3'}\n",
    # access rules from an XML record, for a wizard (needed since 14.0)
    "shop_wizard/__manifest__.py": "{'name': 'W', 'version': '17.0.1.0.0', 'license': "
    "'LGPL-3', 'data': ['security/access.xml']}\n",
    "shop_wizard/wizard/confirm.py": "from odoo import models\n\n\n"
    "class Confirm(models.TransientModel):\n    _name = 'shop.confirm'\n",
    "shop_wizard/security/access.xml": "<odoo><record id='a' model='ir.model.access'>"
    "<field name='model_id' ref='model_shop_confirm'/><field name='perm_read' eval='1'/>"
    "</record></odoo>\n",
    # not installable: never checked
    "shop_old/__manifest__.py": "{'name': 'Old', 'installable': False, 'data': ['gone.xml']}\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write(tmp_path, OCA_REPO)
    return tmp_path


def _found(out) -> list[tuple[str, str | None, int | None, str]]:
    return [(f.rule, f.path, f.line, f.severity) for f in out.findings]


def test_an_oca_repository_passes(repo: Path) -> None:
    out = run_probe(PROBE, repo, path="**")
    assert out.status is Status.PASS, out.message
    assert out.findings == ()
    assert out.evidence["series"] == "17.0"
    assert out.evidence["modules"] == ["shop_base", "shop_sale", "shop_wizard"]
    assert out.evidence["skipped"] == ["shop_old"]
    assert out.message == (
        "3 Odoo modules (1 not installable, skipped): manifests, data files and access rules "
        "follow the OCA conventions"
    )


def test_manifest_rules_name_the_line(repo: Path) -> None:
    write(
        repo,
        {
            "shop_sale/__manifest__.py": """{
    "name": "Shop Sale",
    "version": "16.0.1.0.0",
    "license": "MIT",
    "development_status": "Stable",
    "data": [
        "views/order_views.xml",
        "views/missing.xml",
        "views/order_views.xml",
    ],
}
""",
            "shop_base/__manifest__.py": "{'name': 'Shop Base', 'version': '1.0'}\n",
        },
    )
    out = run_probe(PROBE, repo, path="**")
    assert out.status is Status.FAIL
    assert _found(out) == [
        ("odoo.manifest-key", "shop_base/__manifest__.py", 1, "error"),
        ("odoo.version-format", "shop_base/__manifest__.py", 1, "error"),
        ("odoo.version-format", "shop_sale/__manifest__.py", 3, "error"),
        ("odoo.license", "shop_sale/__manifest__.py", 4, "error"),
        ("odoo.access-not-loaded", "shop_sale/__manifest__.py", 6, "error"),
        ("odoo.missing-data", "shop_sale/__manifest__.py", 8, "error"),
        ("odoo.no-access-rule", "shop_sale/models/order.py", 4, "error"),
        ("odoo.development-status", "shop_sale/__manifest__.py", 5, "warning"),
        ("odoo.duplicate-data", "shop_sale/__manifest__.py", 9, "warning"),
    ]
    messages = {(f.path, f.line): f.message for f in out.findings}
    assert messages[("shop_sale/__manifest__.py", 3)] == "version '16.0.1.0.0' is not 17.0.x.y.z"
    assert messages[("shop_sale/models/order.py", 4)].startswith(
        "model shop.order has no access rule: from the UI only the superuser can use it"
    )


def test_wizards_need_access_rules_from_odoo_14(repo: Path) -> None:
    (repo / "shop_wizard/security/access.xml").write_text("<odoo/>\n")
    out = run_probe(PROBE, repo, path="**")
    assert _found(out) == [("odoo.no-access-rule", "shop_wizard/wizard/confirm.py", 4, "error")]
    assert out.findings[0].message.endswith("(Odoo requires them for wizards since 14.0)")
    (repo / ".copier-answers.yml").write_text("odoo_version: 13.0\n")
    for manifest in ("shop_sale", "shop_base", "shop_wizard"):
        path = repo / manifest / "__manifest__.py"
        path.write_text(path.read_text().replace("17.0.1.0.0", "13.0.1.0.0"))
    assert run_probe(PROBE, repo, path="**").findings == ()


def test_access_rules_count_across_modules(repo: Path) -> None:
    write(
        repo,
        {
            "shop_report/__manifest__.py": "{'name': 'R', 'version': '17.0.1.0.0', "
            "'license': 'LGPL-3', 'data': ['security/ir.model.access.csv']}\n",
            "shop_report/models/report.py": "from odoo import models\n"
            "class R(models.Model):\n    _name = 'shop.report'\n    _auto = False\n",
            "shop_report/security/ir.model.access.csv": HEADER,
            "shop_sale/security/ir.model.access.csv": HEADER
            + "access_shop_order,shop.order,model_shop_order,base.group_user,1,1,1,0\n"
            + "access_report,shop.report,shop_report.model_shop_report,,1,0,0,0\n",
        },
    )
    assert run_probe(PROBE, repo, path="**").findings == ()


def test_an_inherit_list_may_name_the_model_by_reference(repo: Path) -> None:
    """`_inherit = [_name, mixin]` (OCA's way to add a mixin to an existing model) is an
    extension; a reference to another constant is read too, so a new model still counts."""
    write(
        repo,
        {
            "shop_sale/models/picking.py": """from odoo import models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = [
        _name,
        "shop.mixin",
    ]


class ShopLabel(models.Model):
    _mixins = ["shop.mixin"]
    _name = "shop.label"
    _inherit = _mixins
""",
        },
    )
    out = run_probe(PROBE, repo, path="**")
    assert _found(out) == [("odoo.no-access-rule", "shop_sale/models/picking.py", 12, "error")]
    assert out.findings[0].message.startswith("model shop.label has no access rule")


def test_malformed_access_csv_names_the_line(repo: Path) -> None:
    (repo / "shop_sale/security/ir.model.access.csv").write_text(
        HEADER
        + "access_shop_order,shop.order,model_shop_order,base.group_user,1,1,1,0\n"
        + "access_bad,shop.order,model_shop_order,base.group_user,1,yes,1,0\nshort,row\n"
    )
    out = run_probe(PROBE, repo, path="shop_sale")
    assert [(f.path, f.line, f.message) for f in out.findings] == [
        ("shop_sale/security/ir.model.access.csv", 3, "perm_* columns must be 0 or 1"),
        ("shop_sale/security/ir.model.access.csv", 4, "2 columns; the header has 8"),
    ]


def test_manifest_is_never_executed_and_a_bad_one_is_a_finding(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    (repo / "shop_base/__manifest__.py").write_text(
        f"__import__('pathlib').Path({str(marker)!r}).touch()"
    )
    (repo / "shop_wizard/__manifest__.py").write_text("{\n 'name': 'x',\n 'data': [\n")
    out = run_probe(PROBE, repo, path="**")
    assert out.status is Status.FAIL
    assert not marker.exists()
    assert [(f.rule, f.path, f.line, f.message) for f in out.findings] == [
        ("odoo.invalid-manifest", "shop_base/__manifest__.py", 1, "the manifest is not a dict"),
        (
            "odoo.invalid-manifest",
            "shop_wizard/__manifest__.py",
            3,
            "invalid manifest: '[' was never closed",
        ),
    ]


def test_no_module_fails(tmp_path: Path) -> None:
    out = run_probe(PROBE, tmp_path, path="addons/*")
    assert out.status is Status.FAIL
    assert out.message == "no Odoo module (a folder with __manifest__.py) at addons/*"
