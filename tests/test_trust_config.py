"""Which lists `check` uses: flags over environment over config file over default."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import SAMPLES, TrustHome

from verify.cli import main
from verify.trust import config
from verify.trust.config import FileConfig, Origin, parse_config, select
from verify.trust.errors import TrustConfigError
from verify.trust.lists import C2PA, PartKind
from verify.trust.store import NewPart

ANCHORS = str(SAMPLES / "trust" / "anchors.pem")
OTHER_ROOT = str(SAMPLES / "trust" / "untrusted-root-ca.pem")
CONFIG = FileConfig(path=Path("/cfg/config.toml"), lists=("interim",), anchors=("/cfg/a.pem",))
ENV = {config.ENV_TRUST_LISTS: "c2pa", config.ENV_TRUST_ANCHORS: "/env/a.pem"}


@pytest.mark.parametrize(
    ("flags", "env", "cfg", "lists", "anchors"),
    [
        ({}, {}, FileConfig(), (None, Origin.DEFAULT), ((), Origin.DEFAULT)),
        ({}, {}, CONFIG, (("interim",), Origin.CONFIG), (("/cfg/a.pem",), Origin.CONFIG)),
        ({}, ENV, CONFIG, (("c2pa",), Origin.ENV), (("/env/a.pem",), Origin.ENV)),
        (
            {"flag_lists": ["x.pem"], "flag_anchors": ["f.pem"]},
            ENV,
            CONFIG,
            (("x.pem",), Origin.FLAG),
            (("f.pem",), Origin.FLAG),
        ),
        # Layers are decided separately for lists and anchors.
        (
            {"flag_anchors": ["f.pem"]},
            ENV,
            CONFIG,
            (("c2pa",), Origin.ENV),
            (("f.pem",), Origin.FLAG),
        ),
        (
            {},
            {config.ENV_TRUST_LISTS: ""},
            CONFIG,
            ((), Origin.ENV),
            (("/cfg/a.pem",), Origin.CONFIG),
        ),
        (
            {},
            {config.ENV_TRUST_LISTS: "c2pa:interim"},
            FileConfig(),
            (("c2pa", "interim"), Origin.ENV),
            ((), Origin.DEFAULT),
        ),
        ({"no_trust": True}, ENV, CONFIG, ((), Origin.FLAG), ((), Origin.FLAG)),
    ],
)
def test_precedence(
    flags: dict[str, Any],
    env: dict[str, str],
    cfg: FileConfig,
    lists: tuple[Any, Origin],
    anchors: tuple[Any, Origin],
) -> None:
    """Flags win over the environment, which wins over the config file, then the default."""
    got = select(env=env, config=cfg, **flags)
    assert (got.lists, got.lists_from) == lists
    assert (got.anchors, got.anchors_from) == anchors


def test_no_trust_conflicts_with_lists() -> None:
    """--no-trust with --trust-list or --trust-anchors is a usage error."""
    with pytest.raises(TrustConfigError, match="cannot be combined"):
        select(no_trust=True, flag_lists=["c2pa"], env={}, config=FileConfig())


def test_config_file_values() -> None:
    """Every key is read; relative paths are relative to the config file; names stay names."""
    doc = {
        "trust": {
            "lists": ["c2pa", "roots/extra.pem"],
            "anchors": ["/abs/a.pem", "~/b.pem"],
            "url": "https://example.test/list.pem",
            "tsa_url": "file:///tmp/tsa.pem",
            "legacy_url": "http://127.0.0.1/trust/",
            "max_age_days": 7,
            "timeout": 2.5,
        }
    }
    cfg = parse_config(doc, Path("/etc/c2pa/config.toml"))
    assert cfg.lists == ("c2pa", "/etc/c2pa/roots/extra.pem")
    assert cfg.anchors is not None and cfg.anchors[0] == "/abs/a.pem"
    assert not cfg.anchors[1].startswith("~")
    assert (cfg.url, cfg.max_age_days, cfg.timeout) == ("https://example.test/list.pem", 7.0, 2.5)


@pytest.mark.parametrize(
    ("doc", "why"),
    [
        ({"trsut": {}}, "unknown key\\(s\\) trsut"),
        ({"trust": {"list": ["c2pa"]}}, "unknown key\\(s\\) in \\[trust\\]: list"),
        ({"trust": "c2pa"}, "trust must be a table"),
        ({"trust": {"lists": "c2pa"}}, "must be a list of non-empty strings"),
        ({"trust": {"anchors": [""]}}, "must be a list of non-empty strings"),
        ({"trust": {"url": 5}}, "must be a string"),
        ({"trust": {"url": "ftp://x/y.pem"}}, "only http, https and file"),
        ({"trust": {"max_age_days": 0}}, "positive number"),
        ({"trust": {"timeout": True}}, "positive number"),
    ],
)
def test_bad_config_is_refused(doc: dict[str, Any], why: str) -> None:
    """Unknown keys and wrong types are errors (c2pa-rs would ignore them silently)."""
    with pytest.raises(TrustConfigError, match=why):
        parse_config(doc, Path("/x/config.toml"))


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def signer_of(*args: str, sample: str = "ai-generated.jpg") -> dict[str, Any]:
    result = cli("check", "-f", "json", *args, str(SAMPLES / sample))
    assert result.exit_code == 0, result.output
    signer: dict[str, Any] = json.loads(result.stdout)["signer"]
    return signer


@pytest.fixture
def stored_c2pa(trust_home: TrustHome) -> TrustHome:
    """The sample root stored as the C2PA Trust List."""
    body = (SAMPLES / "trust" / "anchors.pem").read_bytes()
    trust_home.store.save(C2PA, [NewPart(PartKind.ANCHORS, "test", body, 1)], datetime.now(UTC))
    return trust_home


def test_layers_end_to_end(stored_c2pa: TrustHome, monkeypatch: pytest.MonkeyPatch) -> None:
    """Default uses the stored list; config turns it off; env turns it on; a flag turns it off."""
    assert signer_of()["trust_list"] == "C2PA Trust List"
    stored_c2pa.config.write_text("[trust]\nlists = []\n")
    assert signer_of()["trust"] == "untrusted"
    monkeypatch.setenv(config.ENV_TRUST_LISTS, "c2pa")
    assert signer_of()["trust_list"] == "C2PA Trust List"
    assert signer_of("--no-trust")["trust"] == "untrusted"
    assert signer_of("--trust-list", OTHER_ROOT)["trust"] == "untrusted"
    assert (
        signer_of("--trust-list", OTHER_ROOT, sample="untrusted-signer.jpg")["trust_list"]
        == OTHER_ROOT
    )


def test_anchor_layers_end_to_end(trust_home: TrustHome, monkeypatch: pytest.MonkeyPatch) -> None:
    """Extra anchors from the config file (relative to it), the environment, then the flag."""
    (trust_home.config.parent / "roots.pem").write_bytes(Path(ANCHORS).read_bytes())
    trust_home.config.write_text('[trust]\nanchors = ["roots.pem"]\n')
    from_config = str(trust_home.config.parent / "roots.pem")
    assert signer_of()["trust_list"] == from_config
    monkeypatch.setenv(config.ENV_TRUST_ANCHORS, OTHER_ROOT)
    assert signer_of()["trust"] == "untrusted"
    assert signer_of("--trust-anchors", ANCHORS)["trust_list"] == ANCHORS


@pytest.mark.parametrize(
    ("args", "config_text", "why"),
    [
        (["--trust-list", "c2pa"], "", "has not been downloaded; run `c2pa-verify trust update`"),
        (["--trust-list", "interim"], "", "run `c2pa-verify trust update --legacy`"),
        (["--trust-list", "nonsense"], "", "unknown trust list 'nonsense'"),
        (["--no-trust", "--trust-list", "c2pa"], "", "cannot be combined"),
        (["--trust-list", str(SAMPLES / "captured.jpg")], "", "is not PEM text"),
        (["--trust-anchors", str(SAMPLES / "README.md")], "", "holds no PEM certificate"),
        ([], "[trust]\nlist = []\n", "unknown key(s) in [trust]: list"),
        ([], "[trust\n", "is not valid TOML"),
        ([], '[trust]\nlists = ["c2pa"]\n', "(c2pa, config file) has not been downloaded"),
    ],
)
def test_configuration_errors_exit_2(
    trust_home: TrustHome, args: list[str], config_text: str, why: str
) -> None:
    """Bad flags, names and config files stop `check` with status 2 and a clear reason."""
    trust_home.config.write_text(config_text)
    result = cli("check", *args, str(SAMPLES / "captured.jpg"))
    assert result.exit_code == 2
    assert why in result.output


def test_named_config_file_must_exist(
    trust_home: TrustHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """C2PA_VERIFY_CONFIG naming a missing file is an error, not silently ignored."""
    monkeypatch.setenv(config.ENV_CONFIG, str(trust_home.config.parent / "missing.toml"))
    for args in (["check", str(SAMPLES / "captured.jpg")], ["trust", "show"], ["trust", "update"]):
        result = cli(*args)
        assert result.exit_code == 2
        assert "which does not exist" in result.output


def test_default_config_file_may_be_absent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without C2PA_VERIFY_CONFIG a missing file in the user config dir means defaults."""
    monkeypatch.delenv(config.ENV_CONFIG)
    monkeypatch.setattr("platformdirs.user_config_dir", lambda *a, **k: str(tmp_path / "none"))
    assert config.load_config({}) == FileConfig()


def test_cache_dir_from_environment(tmp_path: Path) -> None:
    """C2PA_VERIFY_CACHE_DIR overrides the platform cache directory."""
    assert config.cache_dir({config.ENV_CACHE_DIR: str(tmp_path)}) == tmp_path
    assert config.cache_dir({}).name == "c2pa-verify"
