"""c2pa-verify: an offline C2PA Content Credentials verifier.

>>> from verify import verify_path
>>> report = verify_path("samples/ai-generated.jpg")  # doctest: +SKIP
>>> report.declaration.origin  # doctest: +SKIP
<Origin.AI_GENERATED: 'ai_generated'>
"""

from __future__ import annotations

from .batch import verify_many
from .core import CheckOptions, Verifier, verify_bytes, verify_path
from .limits import Limits
from .report import Report

__version__ = "0.1.0"

__all__ = [
    "CheckOptions",
    "Limits",
    "Report",
    "Verifier",
    "__version__",
    "verify_bytes",
    "verify_many",
    "verify_path",
]
