"""`odoo.module`: an Odoo addon's manifest (read with `ast.literal_eval`, never imported)
has the required keys, its declared data files exist, and models come with a well-formed
`security/ir.model.access.csv`."""

from __future__ import annotations

import ast
import csv
import io
import re

from pydantic import Field

from gonogo.models import Finding, Outcome, errored, failed, verdict_of
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, in_thread

REQUIRED = ("name", "version", "license", "depends", "data")
ACCESS = "security/ir.model.access.csv"
ACCESS_HEADER = [
    "id",
    "name",
    "model_id:id",
    "group_id:id",
    "perm_read",
    "perm_write",
    "perm_create",
    "perm_unlink",
]
_MODEL = re.compile(r"^\s*_name\s*=\s*['\"]([\w.]+)['\"]", re.MULTILINE)


class OdooParams(Params):
    path: str = Field(description="module directory, or a glob of them (addons/*)")


class ManifestError(Exception):
    pass


def read_manifest(text: str, rel: str) -> dict[str, object]:
    try:
        tree = ast.parse(text, filename=rel, mode="eval")
        value = ast.literal_eval(tree)
    except SyntaxError as exc:
        raise ManifestError(f"{rel}:{exc.lineno}: invalid manifest: {exc.msg}") from None
    except ValueError as exc:
        raise ManifestError(f"{rel}: manifest is not a plain literal: {exc}") from None
    if not isinstance(value, dict):
        raise ManifestError(f"{rel}: manifest is not a dict")
    return value


def _access_findings(text: str, rel: str) -> list[Finding]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip() for c in rows[0]] != ACCESS_HEADER:
        return [Finding("odoo.access-csv", f"header must be {','.join(ACCESS_HEADER)}", rel, 1)]
    out = []
    for n, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(ACCESS_HEADER):
            out.append(Finding("odoo.access-csv", f"{len(row)} columns, expected 8", rel, n))
        elif any(c.strip() not in ("0", "1") for c in row[4:]):
            out.append(Finding("odoo.access-csv", "permissions must be 0 or 1", rel, n))
        elif not row[2].strip():
            out.append(Finding("odoo.access-csv", "model_id:id is empty", rel, n))
    return out


def check_module(ctx: Context, mod: str) -> list[Finding]:
    manifest = next(
        (
            f"{mod}/{m}"
            for m in ("__manifest__.py", "__openerp__.py")
            if ctx.files.glob(f"{mod}/{m}")
        ),
        None,
    )
    if manifest is None:
        return [Finding("odoo.no-manifest", f"{mod} has no __manifest__.py", mod)]
    data = read_manifest(ctx.files.read_text(manifest), manifest)
    findings = [
        Finding("odoo.manifest-key", f"manifest lacks {key!r}", manifest)
        for key in REQUIRED
        if key not in data
    ]
    declared: list[str] = []
    for key in ("data", "demo"):
        files = data.get(key) or []
        if not isinstance(files, list):
            findings.append(Finding("odoo.manifest-key", f"{key!r} must be a list", manifest))
            continue
        declared += [str(f) for f in files]
    for rel in declared:
        if not ctx.files.glob(f"{mod}/{rel}"):
            findings.append(
                Finding("odoo.missing-data", f"declared file {rel} is missing", manifest)
            )
    models = [
        m
        for py in ctx.files.glob(f"{mod}/models/*.py")
        for m in _MODEL.findall(ctx.files.read_text(py))
    ]
    access = f"{mod}/{ACCESS}"
    if models and not ctx.files.glob(access):
        findings.append(
            Finding("odoo.no-access-csv", f"{len(models)} model(s) but no {ACCESS}", mod)
        )
    elif ctx.files.glob(access):
        findings += _access_findings(ctx.files.read_text(access), access)
        if ACCESS not in declared:
            findings.append(Finding("odoo.missing-data", f"{ACCESS} is not in 'data'", manifest))
    return findings


def _check(p: OdooParams, ctx: Context) -> Outcome:
    pattern = p.path.rstrip("/")
    mods = sorted({m.rpartition("/")[0] for m in ctx.files.glob(f"{pattern}/__manifest__.py")})
    if not mods:
        mods = [pattern] if ctx.files.dir_exists(pattern) else []
    if not mods:
        return failed(f"no Odoo module at {p.path}")
    findings: list[Finding] = []
    try:
        for mod in mods:
            findings += check_module(ctx, mod)
    except ManifestError as exc:
        return errored(str(exc))
    label = mods[0] if len(mods) == 1 else f"{len(mods)} modules"
    first = findings[0] if findings else None
    return verdict_of(
        tuple(findings),
        f"{label}: manifest, data files and access rules are complete",
        f"{label}: {len(findings)} problem(s); first {first.path}: {first.message}"
        if first
        else "",
        {"modules": mods[:20]},
    )


PROBE = Probe(
    "odoo.module",
    OdooParams,
    in_thread(_check),
    ProbeDoc(
        summary="An Odoo module's manifest has name, version, license, depends and data; "
        "declared data files exist; models have a well-formed ir.model.access.csv.",
        why="A module with a missing data file or access rules installs in development and "
        "fails (or exposes records) on the production database.",
        example="{id: shop-addon, kind: odoo.module, path: addons/shop_sales}",
        remediation="Add the missing manifest keys, create or remove the listed data files, "
        "and give each model an access rule in security/ir.model.access.csv.",
    ),
)
