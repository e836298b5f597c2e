"""gonogo: production-readiness gates as code. Evidence, not claims."""

__version__ = "0.1.0"
