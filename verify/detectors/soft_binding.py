"""C2PA `c2pa.soft-binding` assertions: a watermark or fingerprint the credentials name.

A soft binding lets a platform find the credentials again after they were stripped:
the asset carries a watermark (or has a fingerprint) whose value a resolver maps back
to the manifest. This module only reports what the active manifest says, with the
manifest's own basis; it reads the parsed manifest store, not bytes. Resolving needs the
network and a configured resolver (`verify.detectors.resolver`, only with
`--soft-binding-resolver URL --allow-network`).
"""

from __future__ import annotations

from ..declaration import Basis
from ..limits import Limits
from ..model import ManifestStore
from ..signal import DetectorName, Signal, cut

NOT_RESOLVED = (
    "a watermark or fingerprint named by the credentials; not resolved: no soft-binding"
    " resolver is configured (--soft-binding-resolver URL, with --allow-network)"
)


def soft_binding_signals(store: ManifestStore, basis: Basis, limits: Limits) -> tuple[Signal, ...]:
    """One signal per soft-binding block of the active manifest."""
    active = store.active
    if active is None:
        return ()
    return tuple(
        Signal(
            detector=DetectorName.SOFT_BINDING,
            field=cut(algorithm, limits.max_string),
            value=value,
            basis=basis,
            source=f"c2pa.soft-binding in manifest {active.label}",
            detail=NOT_RESOLVED,
        )
        for algorithm, value in active.soft_bindings
    )
