"""The finding rules of `odoo.module`, with the conventions they come from."""

from __future__ import annotations

from gonogo.rules import Rule

_OCA = " (OCA convention, checked by pylint-odoo as {})."

RULES = (
    Rule(
        "odoo.invalid-manifest",
        "A manifest is not a plain Python dict literal",
        remediation="Make `__manifest__.py` one dict of literals; Odoo evaluates it the same way.",
        docs="Odoo reads the manifest with literal_eval: a manifest that does not parse keeps "
        "the module from being installed at all.",
    ),
    Rule(
        "odoo.manifest-key",
        "A manifest lacks a required key",
        remediation="Add `'license': 'LGPL-3'` (or the module's real license).",
        docs="Without a license the module's terms are unknown"
        + _OCA.format("manifest-required-key"),
    ),
    Rule(
        "odoo.license",
        "A manifest names a license pylint-odoo does not allow",
        remediation="Use one of AGPL-3, GPL-2, GPL-3 (or any later version), LGPL-3, OEEL-1, "
        "'Other OSI approved licence' or 'Other proprietary'.",
        docs="Odoo and the app store key on these exact strings" + _OCA.format("license-allowed"),
    ),
    Rule(
        "odoo.version-format",
        "A manifest version is not SERIES.x.y.z for the repository's series",
        remediation="Write the version as `17.0.1.0.0`: the Odoo series, then the module's own "
        "major.minor.patch.",
        docs="Migrations and the upgrade machinery compare versions in this form"
        + _OCA.format("manifest-version-format"),
    ),
    Rule(
        "odoo.missing-data",
        "A manifest lists a data file that does not exist",
        remediation="Create the file, or remove it from the manifest.",
        docs="Installing or upgrading the module fails on the first missing file"
        + _OCA.format("resource-not-exist"),
    ),
    Rule(
        "odoo.duplicate-data",
        "A manifest lists a data file twice",
        severity="warning",
        remediation="Remove the second entry.",
        docs="The file is loaded twice" + _OCA.format("manifest-data-duplicated"),
    ),
    Rule(
        "odoo.no-access-rule",
        "A new model has no access rule",
        remediation="Add a row for the model to security/ir.model.access.csv and list that "
        "file in the manifest's 'data'.",
        docs="Odoo denies every operation on a model without access rules to all users but "
        "the superuser, and warns at start-up. Wizards (TransientModel) need them too since "
        "14.0; abstract models and `_inherit` extensions of an existing model do not.",
        aliases=("odoo.no-access-csv",),
    ),
    Rule(
        "odoo.access-csv",
        "An ir.model.access.csv row is malformed",
        remediation="Give every row the header's columns, a model_id:id and 0/1 permissions.",
        docs="Odoo refuses the whole file when one row does not load, so no rule in it applies.",
    ),
    Rule(
        "odoo.access-not-loaded",
        "An ir.model.access.csv is not listed in the manifest's data",
        remediation="Add 'security/ir.model.access.csv' to the manifest's 'data'.",
        docs="Odoo loads only the files the manifest lists: rules in an unlisted file never apply.",
    ),
    Rule(
        "odoo.development-status",
        "A manifest's development_status is not an OCA value",
        severity="warning",
        remediation="Use Alpha, Beta, Mature or Production/Stable.",
        docs="The OCA app store and module lists read this key"
        + _OCA.format("development-status-allowed"),
    ),
)
