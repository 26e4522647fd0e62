"""Sign an asset with the samples' test PKI (samples/trust/), as a producer would, at test time."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any


def sign_with_test_signer(
    samples_dir: Path, definition: dict[str, Any], mime: str, source: bytes
) -> bytes:
    """`source` signed with the manifest `definition` by the samples' trusted test signer."""
    import c2pa

    trust = samples_dir / "trust"
    chain = (trust / "signer.pem").read_bytes() + (trust / "intermediate-ca.pem").read_bytes()
    key = (trust / "private" / "signer.key.pem").read_bytes()
    context = c2pa.Context.from_dict(
        {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
    )
    builder = c2pa.Builder(definition, context=context)
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain, key, None))
    try:
        signed = io.BytesIO()
        builder.sign(signer, mime, io.BytesIO(source), signed)
    finally:
        signer.close()
        builder.close()
    return signed.getvalue()
