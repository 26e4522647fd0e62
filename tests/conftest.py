"""Shared fixtures: the samples, the development corpus, and store builders."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from trust_server import ListServer

from verify.trust.store import TrustStore

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"
SHARED_TRUST_LISTS = ROOT.parent / "shared" / "trust-lists"
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


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """`c2pa-verify ARGS` in process from the repository root (so `samples/...` paths work)."""
    from click.testing import CliRunner

    from verify.cli import main

    monkeypatch.chdir(ROOT)

    def invoke(*args: str, stdin: bytes | None = None) -> Any:
        return CliRunner().invoke(main, list(args), input=stdin)

    return invoke


@pytest.fixture(scope="session")
def signed_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Word document signed by the samples' test signer (declares AI-generated)."""
    from office_asset import sign_docx

    return sign_docx(SAMPLES, tmp_path_factory.mktemp("office") / "signed.docx")


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


@dataclass(frozen=True)
class TrustHome:
    """One test's own trust cache and config file (set through the environment)."""

    cache: Path
    config: Path

    @property
    def store(self) -> TrustStore:
        return TrustStore(self.cache)


@pytest.fixture
def trust_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TrustHome:
    home = TrustHome(tmp_path / "cache", tmp_path / "config.toml")
    home.config.write_text("")
    monkeypatch.setenv("C2PA_VERIFY_CACHE_DIR", str(home.cache))
    monkeypatch.setenv("C2PA_VERIFY_CONFIG", str(home.config))
    return home


@pytest.fixture
def list_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ListServer]:
    """A loopback HTTP server the test fills with routes; proxies are bypassed."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    server = ListServer()
    yield server
    server.close()
