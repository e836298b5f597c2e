"""`odoo.module`: Odoo addons follow the OCA conventions (pylint-odoo's manifest rules)
and every new model has access rules.

Manifests are read with `ast.literal_eval`, never imported. Required: `license`, one of
the licenses pylint-odoo allows; a `version` of the form `SERIES.x.y.z` with the series
the repository targets (`.copier-answers.yml`, pylint's `valid-odoo-versions`, else the
series most manifests use). Optional keys (`data`, `depends`, `demo`, …) are optional,
but every file they list must exist. A model needs access rules when the module creates
it: a `_name` that is not one it `_inherit`s, on `models.Model`, and on
`models.TransientModel` from series 14.0 on (Odoo applies access rules to wizards since
then; before, transient records were open to their creator). `AbstractModel`s have no
table and need none. Rules count from `ir.model.access.csv` files and
`<record model="ir.model.access">` in the data files the manifest loads, in any module
checked. Modules marked `installable: False` are skipped.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass, field

from pydantic import Field

from gonogo.models import Finding, Outcome, failed
from gonogo.probes import odoomodels as om
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, RelPath, in_thread
from gonogo.probes.odoorules import RULES
from gonogo.probes.outcomes import judged

LICENSES = (
    "AGPL-3",
    "GPL-2",
    "GPL-2 or any later version",
    "GPL-3",
    "GPL-3 or any later version",
    "LGPL-3",
    "OEEL-1",
    "Other OSI approved licence",
    "Other proprietary",
)
DEVELOPMENT_STATUS = ("Alpha", "Beta", "Mature", "Production/Stable")
_SKIP_DIRS = ("tests/", "migrations/", "upgrades/", "static/")


class OdooParams(Params):
    path: RelPath = Field(description="module directory, or a glob of them (addons/*, **)")
    exclude: list[str] = Field(default_factory=list, description="globs of modules to skip")


@dataclass
class Module:
    path: str  # the module's directory
    manifest_rel: str
    manifest: om.Manifest | None = None
    models: list[om.Model] = field(default_factory=list)
    access: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return posixpath.basename(self.path) or self.path


def _modules(p: OdooParams, ctx: Context) -> list[Module]:
    pattern = p.path.strip().rstrip("/") or "."
    found: dict[str, str] = {}
    globs = (
        [f"**/{m}" for m in om.MANIFESTS]
        if pattern in ("**", ".")
        else [f"{pattern}/{m}" for m in om.MANIFESTS]
    )
    for glob in globs:
        for rel in ctx.files.select(glob, [f"{e.rstrip('/')}/**" for e in p.exclude]):
            found.setdefault(posixpath.dirname(rel), rel)
    return [Module(path, rel) for path, rel in sorted(found.items())]


def _read(ctx: Context, mod: Module) -> bool:
    """Read the manifest, models and access rules; False for an uninstallable module."""
    try:
        mod.manifest = om.read_manifest(ctx.files.read_text(mod.manifest_rel))
    except om.ManifestError as exc:
        mod.findings.append(Finding("odoo.invalid-manifest", str(exc), mod.manifest_rel, exc.line))
        return True
    if mod.manifest.values.get("installable", True) is False:
        return False
    prefix = f"{mod.path}/" if mod.path else ""
    for rel in ctx.files.glob(f"{prefix}**/*.py"):
        if not rel[len(prefix) :].startswith(_SKIP_DIRS) and "/tests/" not in rel:
            mod.models += om.new_models(ctx.files.read_text(rel), rel)
    for entry, _ in mod.manifest.entries.get("data", []):
        rel = posixpath.normpath(f"{prefix}{entry}")
        if not ctx.files.glob(rel):
            continue
        if rel.endswith("ir.model.access.csv"):
            rows = om.read_access_csv(ctx.files.read_text(rel))
            mod.access |= rows.models
            mod.findings += [
                Finding("odoo.access-csv", why, rel, line) for line, why in rows.problems
            ]
        elif rel.endswith(".xml"):
            mod.access |= om.access_records(ctx.files.read_bytes(rel))
    return True


def _manifest_findings(ctx: Context, mod: Module, series: str | None) -> list[Finding]:
    m, rel = mod.manifest, mod.manifest_rel
    assert m is not None
    out = []
    if "license" not in m.values:
        out.append(
            Finding("odoo.manifest-key", "the manifest has no 'license' (OCA requires one)", rel, 1)
        )
    elif m.values["license"] not in LICENSES:
        allowed = ", ".join(LICENSES[:6])
        message = f"license {m.values['license']!r} is not one pylint-odoo allows ({allowed}, …)"
        out.append(Finding("odoo.license", message, rel, m.line("license")))
    version = m.values.get("version")
    if isinstance(version, str) and not om.version_ok(version, series):
        want = f"{series}.x.y.z" if series else "SERIES.x.y.z (e.g. 17.0.1.0.0)"
        out.append(
            Finding(
                "odoo.version-format", f"version {version!r} is not {want}", rel, m.line("version")
            )
        )
    status = m.values.get("development_status")
    if status is not None and status not in DEVELOPMENT_STATUS:
        message = f"development_status {status!r} is not one of {', '.join(DEVELOPMENT_STATUS)}"
        out.append(
            Finding(
                "odoo.development-status", message, rel, m.line("development_status"), "warning"
            )
        )
    out += _data_findings(ctx, mod)
    return out


def _data_findings(ctx: Context, mod: Module) -> list[Finding]:
    m, rel = mod.manifest, mod.manifest_rel
    assert m is not None
    out = []
    prefix = f"{mod.path}/" if mod.path else ""
    for key, entries in m.entries.items():
        seen: set[str] = set()
        for entry, line in entries:
            if entry in seen:
                out.append(
                    Finding(
                        "odoo.duplicate-data", f"{key!r} lists {entry} twice", rel, line, "warning"
                    )
                )
            seen.add(entry)
            if not ctx.files.glob(posixpath.normpath(f"{prefix}{entry}")):
                out.append(
                    Finding(
                        "odoo.missing-data",
                        f"{key!r} lists {entry}, which does not exist",
                        rel,
                        line,
                    )
                )
    loaded = {posixpath.normpath(e) for e, _ in m.entries.get("data", [])}
    for csv_rel in ctx.files.glob(f"{prefix}**/ir.model.access.csv"):
        if csv_rel[len(prefix) :] not in loaded:
            message = f"{csv_rel[len(prefix) :]} is not in 'data', so Odoo never loads its rules"
            out.append(Finding("odoo.access-not-loaded", message, rel, m.line("data")))
    return out


def _access_findings(mod: Module, granted: set[str], series: str | None) -> list[Finding]:
    out = []
    for model in mod.models:
        needs = model.kind == "model" or (model.kind == "transient" and om.major(series) >= 14)
        if not needs or om.model_ref(model.name) in granted:
            continue
        what = "wizard (TransientModel)" if model.kind == "transient" else "model"
        message = (
            f"{what} {model.name} has no access rule: from the UI only the superuser can use "
            "it; add a row to security/ir.model.access.csv"
        )
        if model.kind == "transient":
            message += " (Odoo requires them for wizards since 14.0)"
        out.append(Finding("odoo.no-access-rule", message, model.path, model.line, key=model.name))
    return out


def _series(ctx: Context, mods: list[Module]) -> str | None:
    def text(rel: str) -> str | None:
        return ctx.files.read_text(rel) if ctx.files.glob(rel) else None

    pylint = text(".pylintrc-mandatory") or text(".pylintrc")
    declared = om.series_from_config(text(".copier-answers.yml"), pylint)
    if declared:
        return declared
    versions = [m.manifest.values.get("version") for m in mods if m.manifest]
    counted = Counter(om.series_of(v) for v in versions if isinstance(v, str))
    counted.pop(None, None)
    return counted.most_common(1)[0][0] if counted else None


def _check(p: OdooParams, ctx: Context) -> Outcome:
    mods = _modules(p, ctx)
    if not mods:
        return failed(f"no Odoo module (a folder with __manifest__.py) at {p.path}")
    kept = [m for m in mods if _read(ctx, m)]
    skipped = [m.path for m in mods if m not in kept]
    series = _series(ctx, kept)
    granted = set().union(*(m.access for m in kept))
    findings: list[Finding] = []
    for mod in kept:
        findings += mod.findings
        if mod.manifest is not None:
            findings += _manifest_findings(ctx, mod, series) + _access_findings(
                mod, granted, series
            )
    label = kept[0].path if len(kept) == 1 else f"{len(kept)} Odoo modules"
    evidence = {"modules": [m.name for m in kept][:100], "series": series, "skipped": skipped[:50]}
    note = f" ({len(skipped)} not installable, skipped)" if skipped else ""
    ok = f"{label}{note}: manifests, data files and access rules follow the OCA conventions"
    return judged(findings, label, ok, evidence)


PROBE = Probe(
    "odoo.module",
    OdooParams,
    in_thread(_check),
    ProbeDoc(
        summary="Odoo addons follow OCA's manifest rules (license allowed, version "
        "SERIES.x.y.z, declared data files exist) and every new concrete model (and, from "
        "14.0, wizard) has access rules from ir.model.access.csv or XML records.",
        why="A module with a missing data file or access rules installs in development and "
        "fails (or is usable by the superuser only) on the production database.",
        example="{id: shop-addons, kind: odoo.module, path: 'addons/*'}",
        remediation="Add the license, fix the version, create or remove the listed data "
        "files, and give each new model an access rule in security/ir.model.access.csv.",
    ),
    rules=RULES,
)
