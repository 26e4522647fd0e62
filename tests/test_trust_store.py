"""The on-disk store: atomic replacement, integrity checks, damaged metadata."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SAMPLES

from verify.trust import store as store_module
from verify.trust.errors import TrustConfigError
from verify.trust.lists import C2PA, INTERIM_LIST, PartKind
from verify.trust.store import NewPart, TrustStore

ROOT = (SAMPLES / "trust" / "anchors.pem").read_bytes()
OTHER = (SAMPLES / "trust" / "untrusted-root-ca.pem").read_bytes()
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def save(store: TrustStore, body: bytes) -> None:
    store.save(C2PA, [NewPart(PartKind.ANCHORS, "https://example.test/l.pem", body, 1)], NOW)


def test_round_trip(tmp_path: Path) -> None:
    """What is saved loads back, content checked against its hash."""
    store = TrustStore(tmp_path)
    save(store, ROOT)
    stored = store.load("c2pa")
    assert stored is not None
    assert (stored.title, stored.fetched_at) == ("C2PA Trust List", "2026-01-02T03:04:05+00:00")
    listed = store.trust_list(stored)
    assert (listed.name, listed.anchors_pem) == ("C2PA Trust List", ROOT.decode())
    assert store.stored() == (stored,)
    assert store.load("interim") is None


def test_new_version_replaces_the_old(tmp_path: Path) -> None:
    """A new version's content gets a new file; the old file goes once the metadata points away."""
    store = TrustStore(tmp_path)
    save(store, ROOT)
    save(store, OTHER)
    files = sorted(p.name for p in tmp_path.glob("c2pa.*"))
    assert len(files) == 2  # the metadata and one content file
    stored = store.load("c2pa")
    assert stored is not None
    assert store.read_part(stored, PartKind.ANCHORS) == OTHER.decode()


def test_interrupted_save_keeps_the_previous_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing the metadata fails, the previous metadata and its content are untouched."""
    store = TrustStore(tmp_path)
    save(store, ROOT)
    before = store.load("c2pa")
    real = store_module.atomic_write

    def fail_on_metadata(target: Path, data: bytes) -> None:
        if target.suffix == ".json":
            raise OSError(28, "No space left on device")
        real(target, data)

    monkeypatch.setattr(store_module, "atomic_write", fail_on_metadata)
    with pytest.raises(OSError, match="No space"):
        save(store, OTHER)
    monkeypatch.setattr(store_module, "atomic_write", real)
    assert store.load("c2pa") == before
    assert before is not None
    assert store.read_part(before, PartKind.ANCHORS) == ROOT.decode()
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("metadata", "why"),
    [
        ("{not json", "is damaged"),
        (json.dumps({"format": 1}), "is damaged"),
        (json.dumps({"format": 99}), "unknown format"),
    ],
)
def test_damaged_metadata(tmp_path: Path, metadata: str, why: str) -> None:
    """Unreadable metadata is a configuration error that says how to fix it."""
    (tmp_path / "c2pa.json").write_text(metadata)
    with pytest.raises(TrustConfigError, match=why):
        TrustStore(tmp_path).load("c2pa")


def test_metadata_cannot_point_outside_the_cache(tmp_path: Path) -> None:
    """A content file name with a directory in it is refused."""
    store = TrustStore(tmp_path / "cache")
    save(store, ROOT)
    meta = tmp_path / "cache" / "c2pa.json"
    doc = json.loads(meta.read_text())
    doc["parts"][0]["file"] = "../../etc/passwd"
    meta.write_text(json.dumps(doc))
    with pytest.raises(TrustConfigError, match="outside the cache"):
        store.load("c2pa")


def test_missing_content_file(tmp_path: Path) -> None:
    """A content file that disappeared is reported with the fix."""
    store = TrustStore(tmp_path)
    save(store, ROOT)
    for path in tmp_path.glob("c2pa.anchors.*"):
        path.unlink()
    stored = store.load("c2pa")
    assert stored is not None
    with pytest.raises(TrustConfigError, match="run `c2pa-verify trust update`"):
        store.trust_list(stored)


def test_interim_parts_are_stored_together(tmp_path: Path) -> None:
    """A list of three parts is one metadata file naming three content files."""
    store = TrustStore(tmp_path)
    parts = [
        NewPart(PartKind.ANCHORS, "u/anchors.pem", ROOT, 1),
        NewPart(PartKind.ALLOWED, "u/allowed.pem", OTHER, 1),
        NewPart(PartKind.EKU, "u/store.cfg", b"1.3.6.1.5.5.7.3.4\n", 1),
    ]
    stored = store.save(INTERIM_LIST, parts, NOW)
    listed = store.trust_list(stored)
    assert (listed.allowed_pem, listed.eku_config) == (OTHER.decode(), "1.3.6.1.5.5.7.3.4\n")
    assert {p.suffix for p in tmp_path.glob("interim.*.*")} == {".pem", ".cfg"}
