"""`gonogo audit`: read a hand-written readiness report and check its claims.

from gonogo.audit import audit
result = audit(Path("STATUS.md"), root=Path("."))
print(result.summary.sentence())
"""

from __future__ import annotations

from gonogo.audit.core import audit
from gonogo.audit.model import AuditResult, Claim, ClaimResult, Source, Verdict

__all__ = ["AuditResult", "Claim", "ClaimResult", "Source", "Verdict", "audit"]
