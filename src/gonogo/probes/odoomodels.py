"""What an Odoo addon declares, read without importing anything: its manifest (a
literal, with the line of each key and data file), the models its Python defines, the
access rules its data files load, and the Odoo series the repository targets."""

from __future__ import annotations

import ast
import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from gonogo.pyparse import parse

MANIFESTS = ("__manifest__.py", "__openerp__.py", "__terp__.py")
DATA_KEYS = ("data", "demo", "demo_xml", "init_xml", "test", "update_xml", "qweb")
_BASES = {"Model": "model", "TransientModel": "transient", "AbstractModel": "abstract"}
_SERIES = re.compile(r"^(4\.2|5\.0|6\.[01]|[1-9]\d*\.0)$")
_COPIER_SERIES = re.compile(r"(?m)^odoo_version:\s*['\"]?(\d+\.\d+)['\"]?\s*$")
_PYLINT_SERIES = re.compile(r"(?m)^valid[-_]odoo[-_]versions\s*=\s*(\d+\.\d+)\s*$")


class ManifestError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Manifest:
    values: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)  # key -> line
    entries: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # data key -> files

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def read_manifest(text: str) -> Manifest:
    """The manifest dict, with positions; never executed (`ast.literal_eval`)."""
    try:
        tree = parse(text, mode="eval")
    except SyntaxError as exc:
        raise ManifestError(f"invalid manifest: {exc.msg}", exc.lineno) from None
    node = tree.body
    if not isinstance(node, ast.Dict):
        raise ManifestError("the manifest is not a dict", getattr(node, "lineno", 1))
    try:
        values = ast.literal_eval(node)
    except ValueError as exc:
        raise ManifestError(f"the manifest is not a plain literal: {exc}", node.lineno) from None
    manifest = Manifest(values)
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            manifest.lines[key.value] = key.lineno
            if key.value in DATA_KEYS and isinstance(value, ast.List | ast.Tuple):
                manifest.entries[key.value] = [
                    (str(e.value), e.lineno) for e in value.elts if isinstance(e, ast.Constant)
                ]
    return manifest


@dataclass(frozen=True, slots=True)
class Model:
    name: str
    kind: str  # model, transient, abstract
    path: str
    line: int


def new_models(source: str, path: str) -> list[Model]:
    """Models a Python file creates: classes on models.Model, TransientModel or
    AbstractModel with a `_name` that is not one they `_inherit` (an extension)."""
    try:
        tree = parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []  # python.syntax reports it
    out = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        kind = next((_BASES[b] for b in map(_base_name, node.bases) if b in _BASES), None)
        if kind is None:
            continue
        attrs = _class_constants(node)
        name, inherit = attrs.get("_name"), attrs.get("_inherit")
        inherited = [inherit] if isinstance(inherit, str) else list(inherit or [])
        if not isinstance(name, str) or name in inherited:
            continue
        if attrs.get("_abstract") is True:
            kind = "abstract"
        elif attrs.get("_transient") is True:
            kind = "transient"
        out.append(Model(name, kind, path, node.lineno))
    return out


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _class_constants(node: ast.ClassDef) -> dict[str, Any]:
    """Literal class attributes, in order; a name of an earlier one stands for its value,
    as in `_inherit = [_name, "mail.thread"]`."""
    out: dict[str, Any] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                out[target.id] = _literal(value, out)
            except (ValueError, TypeError, SyntaxError, RecursionError):
                continue
    return out


def _literal(node: ast.expr, known: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        if node.id in known:
            return known[node.id]
        raise ValueError(node.id)
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal(e, known) for e in node.elts]
    return ast.literal_eval(node)


def access_model_ref(ref: str) -> str:
    """`base.model_res_partner` → `model_res_partner`, the form `model_ref` makes."""
    return ref.strip().rpartition(".")[2]


def model_ref(name: str) -> str:
    return "model_" + name.replace(".", "_")


@dataclass
class AccessRows:
    models: set[str]  # model refs the rows grant access to
    problems: list[tuple[int, str]]  # (line, what is wrong)


def read_access_csv(text: str) -> AccessRows:
    """Rows of an `ir.model.access.csv`: the header needs `id` and `model_id:id` (or
    `model_id/id`); columns may come in any order, as Odoo's CSV import allows."""
    rows = list(csv.reader(io.StringIO(text)))
    header = [c.strip() for c in rows[0]] if rows else []
    model_col = next((i for i, c in enumerate(header) if c in ("model_id:id", "model_id/id")), -1)
    if "id" not in header or model_col < 0:
        return AccessRows(set(), [(1, "the header must name the columns id and model_id:id")])
    perms = [i for i, c in enumerate(header) if c.startswith("perm_")]
    out = AccessRows(set(), [])
    for number, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            out.problems.append((number, f"{len(row)} columns; the header has {len(header)}"))
            continue
        if any(row[i].strip().lower() not in ("0", "1", "true", "false", "") for i in perms):
            out.problems.append((number, "perm_* columns must be 0 or 1"))
        if not row[model_col].strip():
            out.problems.append((number, "model_id:id is empty"))
        else:
            out.models.add(access_model_ref(row[model_col]))
    return out


def access_records(data: bytes) -> set[str]:
    """Model refs of `<record model="ir.model.access">` in an XML data file."""
    from gonogo.probes.formats import XmlError, xml_root

    try:
        root = xml_root(data)
    except XmlError:
        return set()  # file.valid / Odoo itself reports broken XML
    out = set()
    for record in root.iter("record"):
        if record.get("model") != "ir.model.access":
            continue
        for f in record.iter("field"):
            if f.get("name") == "model_id" and f.get("ref"):
                out.add(access_model_ref(f.get("ref")))
    return out


def series_from_config(copier: str | None, pylintrc: str | None) -> str | None:
    """The series a repository declares: OCA's `.copier-answers.yml` (`odoo_version`),
    or a single `valid-odoo-versions` in its pylint configuration."""
    for text, pattern in ((copier, _COPIER_SERIES), (pylintrc, _PYLINT_SERIES)):
        match = pattern.search(text or "")
        if match and _SERIES.match(match.group(1)):
            return match.group(1)
    return None


def series_of(version: str) -> str | None:
    parts = version.split(".")
    head = ".".join(parts[:2])
    return head if len(parts) == 5 and _SERIES.match(head) else None


def version_ok(version: str, series: str | None) -> bool:
    """OCA's format: `SERIES.x.y.z`, e.g. `17.0.1.0.0`, with the repository's series."""
    found = series_of(version)
    if found is None or not all(p.isdigit() for p in version.split(".")[2:]):
        return False
    return series is None or found == series


def major(series: str | None) -> int:
    return int(series.split(".")[0]) if series else 0
