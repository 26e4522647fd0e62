"""Soft bindings: algorithm and value from the active manifest, never resolved; odd shapes."""

from __future__ import annotations

from typing import Any

import pytest

from verify.declaration import Basis
from verify.detectors.soft_binding import NOT_RESOLVED, soft_binding_signals
from verify.limits import Limits
from verify.parse import parse_store


def store_with(data: Any) -> dict[str, Any]:
    """A one-manifest store whose only assertion is c2pa.soft-binding with `data`."""
    assertion = {"label": "c2pa.soft-binding", "data": data}
    return {
        "active_manifest": "m",
        "manifests": {"m": {"title": "t", "assertions": [assertion]}},
    }


TABLE = [
    (
        "one block",
        {"alg": "com.adobe.trustmark.P", "blocks": [{"scope": {}, "value": "2*0101"}]},
        [("com.adobe.trustmark.P", "2*0101")],
    ),
    (
        "two blocks",
        {"alg": "a", "blocks": [{"value": "x"}, {"value": "y"}]},
        [("a", "x"), ("a", "y")],
    ),
    ("no blocks", {"alg": "a"}, [("a", "")]),
    ("no algorithm", {"blocks": [{"value": "x"}]}, [("unknown", "x")]),
    ("a number as algorithm is text", {"alg": 7, "blocks": [{"value": "x"}]}, [("7", "x")]),
    ("blocks of the wrong type", {"alg": "a", "blocks": "x"}, [("a", "")]),
    ("odd blocks are skipped", {"alg": "a", "blocks": [{"value": 3}, 4, None, {}]}, [("a", "3")]),
    ("data not an object", ["a"], [("unknown", "")]),
]


@pytest.mark.parametrize(("case", "data", "want"), TABLE, ids=[t[0] for t in TABLE])
def test_soft_binding_table(case: str, data: Any, want: list[tuple[str, str]]) -> None:
    """Each assertion shape gives these (algorithm, value) signals and no exception."""
    signals = soft_binding_signals(parse_store(store_with(data)), Basis.SIGNED_TRUSTED, Limits())
    assert [(s.field, s.value) for s in signals] == want


def test_signal_carries_the_manifest_basis_and_says_unresolved() -> None:
    """The signal has the manifest's basis, no origin, and says it was not resolved."""
    store = parse_store(store_with({"alg": "a", "blocks": [{"value": "x"}]}))
    (signal,) = soft_binding_signals(store, Basis.SIGNED_INVALID, Limits())
    assert (signal.basis, signal.origin, signal.detail) == (
        Basis.SIGNED_INVALID,
        None,
        NOT_RESOLVED,
    )


def test_no_active_manifest_no_signal() -> None:
    """A store without an active manifest has no soft-binding signal."""
    store = parse_store({"manifests": {}})
    assert soft_binding_signals(store, Basis.SIGNED_TRUSTED, Limits()) == ()
