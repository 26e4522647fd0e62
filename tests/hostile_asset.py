"""A JPEG signed by the samples' test signer whose manifest strings are hostile HTML.

Made at test time in a temporary folder (samples/ stays as generated): the strings go
through c2pa-rs, the reader and the HTML report exactly as a hostile upload's would.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from signing import sign_with_test_signer

#: The manifest's title, and the AI tool's name.
EVIL = "<script>alert(1)</script>"
#: Breaks out of an attribute if one is ever built from manifest text.
EVIL_ATTRIBUTE = '"><img src=x onerror=alert(2)>'
AI_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def _picture() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, format="JPEG")
    return out.getvalue()


def sign_jpeg(samples_dir: Path, definition: dict[str, Any], out: Path) -> Path:
    """Write `out`: a small JPEG signed with `definition` by the samples' trusted test signer."""
    out.write_bytes(sign_with_test_signer(samples_dir, definition, "image/jpeg", _picture()))
    return out


def sign_hostile_jpeg(samples_dir: Path, out: Path) -> Path:
    """Write `out`: a trusted-signer JPEG declaring AI, titled `EVIL`, made with `EVIL`."""
    definition = {
        "claim_generator_info": [{"name": EVIL_ATTRIBUTE, "version": "1"}],
        "title": EVIL,
        "format": "image/jpeg",
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": AI_MEDIA,
                            "softwareAgent": {"name": EVIL},
                            "description": EVIL_ATTRIBUTE,
                        }
                    ]
                },
            }
        ],
    }
    return sign_jpeg(samples_dir, definition, out)
