"""Shared fixtures: the samples, the development corpus, and store builders."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"
SCHEMA = ROOT / "verify" / "schema" / "report.schema.json"


@pytest.fixture(autouse=True, scope="session")
def _isolated_trust_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads or writes the user's trust lists or config (subprocesses included)."""
    with pytest.MonkeyPatch.context() as mp:
        base = tmp_path_factory.mktemp("user-dirs")
        mp.setenv("C2PA_VERIFY_CACHE_DIR", str(base / "cache"))
        mp.setenv("C2PA_VERIFY_CONFIG", str(base / "config.toml"))
        (base / "config.toml").write_text("")
        for name in ("C2PA_VERIFY_TRUST_LISTS", "C2PA_VERIFY_TRUST_ANCHORS"):
            mp.delenv(name, raising=False)
        yield


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def anchors_pem() -> str:
    return (SAMPLES / "trust" / "anchors.pem").read_text()


@pytest.fixture(scope="session")
def expected() -> dict[str, dict[str, Any]]:
    data = json.loads((SAMPLES / "expected.json").read_text())
    samples: dict[str, dict[str, Any]] = data["samples"]
    return samples


@pytest.fixture(scope="session")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA.read_text())
    return loaded


@pytest.fixture(scope="session")
def validate_record(schema: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)

    def check(record: dict[str, Any]) -> None:
        validator.validate(record)

    return check
