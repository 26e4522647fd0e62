"""`check --certs DIR`: write the signer's certificate chain as PEM.

The signer is the report's `signer`: the active manifest's. Ingredient manifests'
signers are not written (the caller, `core.py`, reads the active signature only).
One file per distinct signer, named by the SHA-256 of the signer certificate (the
report's `signer.certificate_sha256`), so a batch of a thousand files from one camera
writes one file, and writing the same chain again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from .pem import der_to_pem, load_der, summarize
from .store import atomic_write


def _printable(text: str) -> str:
    """Certificate names are attacker-controlled: one ASCII line, escapes for the rest."""
    return "".join(c if 32 <= ord(c) < 127 else f"\\u{ord(c):04x}" for c in text)


def chain_pem(chain: tuple[bytes, ...]) -> str:
    """The chain as PEM, signer first, each certificate preceded by its names."""
    blocks = []
    for der in chain:
        try:
            summary = summarize(load_der(der))
            header = (
                f"# Subject: {_printable(summary.subject)}\n"
                f"# Issuer: {_printable(summary.issuer)}\n"
            )
        except ValueError:
            header = "# (certificate could not be parsed)\n"
        blocks.append(header + der_to_pem(der))
    return "".join(blocks)


def write_chain(directory: Path, signer_sha256: str, chain: tuple[bytes, ...]) -> Path:
    """Write the chain to `DIR/<signer sha256>.pem` atomically and return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{signer_sha256}.pem"
    content = chain_pem(chain).encode("ascii")
    try:
        if target.read_bytes() == content:
            return target
    except OSError:
        pass
    atomic_write(target, content)
    return target
