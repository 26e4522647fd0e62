"""A Word document (.docx) signed by the samples' test signer, made at test time.

Office, ODF and EPUB files are ZIP archives: c2pa-rs stores the manifest as a member of
the archive, so the document is built here with `zipfile` and signed with c2pa-python's
Builder, as a producer of signed documents would.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from signing import sign_with_test_signer

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AI_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def _document() -> bytes:
    out = io.BytesIO()
    # Stored, not deflated: c2pa-rs's ZIP writer cannot sign deflated members (it reads them).
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", "<w:document><w:body>text</w:body></w:document>")
    return out.getvalue()


def sign_docx(samples_dir: Path, out: Path) -> Path:
    """Write `out`: a .docx signed by the samples' signer, declaring AI-generated content."""
    definition = {
        "claim_generator_info": [{"name": "office-asset", "version": "1"}],
        "title": out.name,
        "format": DOCX_TYPE,
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": AI_MEDIA}]},
            }
        ],
    }
    out.write_bytes(sign_with_test_signer(samples_dir, definition, DOCX_TYPE, _document()))
    return out
