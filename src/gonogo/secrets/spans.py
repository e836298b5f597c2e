"""Where the secrets in a text are: byte spans, for the redactors that mask them in
reports and pushed runs. The scanner's own hits (kind, line, preview, length and a
keyed fingerprint, never the value) are located again in their line by matching the
fingerprint, so masking uses exactly the detectors and judgements of `gonogo secrets`."""

from __future__ import annotations

from gonogo.secrets.fingerprint import fingerprint
from gonogo.secrets.scan import Hit, scan_data

AS_CONFIG = "report.env"  # judged as a config file: unquoted `key=value` lines count


def secret_spans(data: bytes, path: str = AS_CONFIG) -> list[tuple[int, int]]:
    """(start, end) of every secret value the detectors recognise in `data`."""
    hits = scan_data(data, path)
    if not hits:
        return []
    starts = [0]
    for line in data.split(b"\n"):
        starts.append(starts[-1] + len(line) + 1)
    lines = data.split(b"\n")
    out = []
    for hit in hits:
        found = _within(lines[hit.line - 1], hit, path)
        if found is not None:
            base = starts[hit.line - 1]
            out.append((base + found[0], base + found[1]))
    return out


def _within(line: bytes, hit: Hit, path: str) -> tuple[int, int] | None:
    """The span of the hit's length whose fingerprint matches, tried first where the
    hit's preview (its first characters) appears."""
    preview = hit.preview.encode()
    likely = [i for i in range(len(line)) if line.startswith(preview, i)]
    for start in [*likely, *range(max(0, len(line) - hit.length + 1))]:
        candidate = line[start : start + hit.length]
        if fingerprint(hit.kind, path, candidate) == hit.fingerprint:
            return start, start + hit.length
    return None
