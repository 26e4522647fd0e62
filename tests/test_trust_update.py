"""`trust update` and `trust show` against a loopback server, then `check` with no flags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import SAMPLES, SHARED_TRUST_LISTS, TrustHome
from trust_server import ListServer, serve_real_lists

from verify.cli import main
from verify.trust.cli import UpdateExit
from verify.trust.lists import C2PA, INTERIM_LIST, PartKind
from verify.trust.store import NewPart

TRUST = SAMPLES / "trust"
OWN_ANCHORS = (TRUST / "anchors.pem").read_bytes()
OWN_TSA = (TRUST / "untrusted-root-ca.pem").read_bytes()
#: The sample hierarchy (root, intermediate, two end-entity certificates): a list of four,
#: so that a download cut at a certificate boundary is a visible shrinkage.
FOUR = b"".join(
    (TRUST / f"{name}.pem").read_bytes()
    for name in ("anchors", "intermediate-ca", "signer", "expired-signer")
)


def first_certificates(bundle: bytes, count: int) -> bytes:
    """The bundle cut right after the END line of its `count`-th certificate."""
    end = b"-----END CERTIFICATE-----"
    pos = 0
    for _ in range(count):
        pos = bundle.index(end, pos) + len(end)
    return bundle[:pos] + b"\n"


#: FOUR cut after its second certificate: a complete-looking, shorter PEM bundle.
CUT = first_certificates(FOUR, 2)
EKUS = (
    b"//id-kp-emailProtection\n1.3.6.1.5.5.7.3.4\n// c2pa-kp-claimSigning\n1.3.6.1.4.1.62558.2.1\n"
)


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def own_lists(list_server: ListServer) -> dict[str, str]:
    """The project's own lists: the sample root as signer anchors, the untrusted root as TSA."""
    return {
        "url": list_server.serve("/own/C2PA-TRUST-LIST.pem", OWN_ANCHORS),
        "tsa_url": list_server.serve("/own/C2PA-TSA-TRUST-LIST.pem", OWN_TSA),
    }


def update(urls: dict[str, str], *extra: str) -> Result:
    return cli("trust", "update", "--url", urls["url"], "--tsa-url", urls["tsa_url"], *extra)


def check_json(*args: str) -> dict[str, Any]:
    result = cli("check", "-f", "json", *args)
    assert result.exit_code in (0, 1), result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_update_then_check_recognises_the_signer(
    trust_home: TrustHome, own_lists: dict[str, str]
) -> None:
    """After `trust update`, check names the organisation and the list, with no trust flag."""
    result = update(own_lists)
    assert result.exit_code == UpdateExit.OK, result.output
    assert "C2PA Trust List: updated (1 anchors)" in result.stdout
    text = cli("check", str(SAMPLES / "ai-generated.jpg"))
    assert text.exit_code == 0
    verdict = text.stdout.splitlines()[1]
    assert "signed by c2pa-verify Test Signer" in verdict
    assert "signer recognised by C2PA Trust List" in verdict
    signer = check_json(str(SAMPLES / "ai-generated.jpg"))["signer"]
    assert (signer["trust"], signer["trust_list"]) == ("trusted", "C2PA Trust List")


def _fresh_user_env(home: Path) -> dict[str, str]:
    """The environment of a user with an empty home: platformdirs picks the directories."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("C2PA_VERIFY_")
        and not k.startswith("XDG_")
        and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    env["HOME"] = str(home)
    return env


def test_done_when_scenario_as_a_new_user(tmp_path: Path, own_lists: dict[str, str]) -> None:
    """As the README says: `trust update --url`, `trust show`, then `check` with no trust flag."""
    home = tmp_path / "home"
    home.mkdir()
    env = _fresh_user_env(home)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "verify", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    updated = run("trust", "update", "--url", own_lists["url"], "--tsa-url", own_lists["tsa_url"])
    assert updated.returncode == 0, updated.stderr
    assert (home / ".cache" / "c2pa-verify" / "c2pa.json").is_file()
    shown = run("trust", "show")
    assert shown.returncode == 0, shown.stderr
    assert "C2PA Trust List [c2pa]: manifest list, used by check (default)" in shown.stdout
    assert "- c2pa-verify Test Root CA, c2pa-verify Test Signer" in shown.stdout
    text = run("check", str(SAMPLES / "ai-generated.jpg"))
    assert text.returncode == 0, text.stderr
    assert "signed by c2pa-verify Test Signer" in text.stdout
    assert "signer recognised by C2PA Trust List" in text.stdout
    record = json.loads(run("check", "-f", "json", str(SAMPLES / "ai-generated.jpg")).stdout)
    signer = record["signer"]
    assert (signer["organization"], signer["trust"], signer["trust_list"]) == (
        "c2pa-verify Test Signer",
        "trusted",
        "C2PA Trust List",
    )
    assert record["declaration"]["basis"] == "signed_trusted"


def test_update_stores_metadata(trust_home: TrustHome, own_lists: dict[str, str]) -> None:
    """The stored list records its source, fetch time, SHA-256 and certificate count."""
    assert update(own_lists).exit_code == UpdateExit.OK
    stored = trust_home.store.load("c2pa")
    assert stored is not None
    (part,) = stored.parts
    assert part.source == own_lists["url"]
    assert part.count == 1
    assert (trust_home.cache / part.file).read_bytes() == OWN_ANCHORS
    assert datetime.now(UTC) - datetime.fromisoformat(stored.fetched_at) < timedelta(minutes=5)


def test_second_update_says_unchanged(trust_home: TrustHome, own_lists: dict[str, str]) -> None:
    """Fetching the same content again leaves one copy and says `unchanged`."""
    update(own_lists)
    result = update(own_lists)
    assert "C2PA Trust List: unchanged" in result.stdout
    assert len(list(trust_home.cache.glob("c2pa.anchors.*"))) == 1


BAD_RESPONSES: dict[str, tuple[dict[str, Any], str]] = {
    "truncated": ({"body": FOUR[:300], "announce": len(FOUR)}, "were announced"),
    # The server's Content-Length matches the cut body: only the PEM shows the cut.
    "truncated-pem": ({"body": FOUR[:300] + b"\n"}, "truncated"),
    # No Content-Length, connection closed after two of the four certificates: the PEM is
    # whole, only the shrinkage against the stored list shows the cut.
    "cut-at-certificate-boundary": ({"body": CUT, "no_length": True}, "holds 2 anchors where"),
    # Chunked transfer coding without its final zero-length chunk.
    "chunked-unfinished": (
        {"body": FOUR, "chunked": 1000, "unfinished": True},
        "closed the connection before the end",
    ),
    "empty": ({"body": b""}, "empty response"),
    "not-pem": ({"body": b"<html>rate limited</html>"}, "holds no PEM certificate"),
    "server-error": ({"body": b"oops", "status": 500}, "HTTP 500"),
    "not-found": ({"body": b"", "status": 404}, "HTTP 404"),
    "private-key": (
        {"body": b"-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n"},
        "PRIVATE KEY",
    ),
}


@pytest.fixture
def four_stored(
    trust_home: TrustHome, own_lists: dict[str, str], list_server: ListServer
) -> dict[str, str]:
    """A stored C2PA list of four certificates; returns the URLs that served it."""
    urls = {**own_lists, "url": list_server.serve("/four/C2PA-TRUST-LIST.pem", FOUR)}
    result = update(urls)
    assert result.exit_code == UpdateExit.OK, result.output
    assert "C2PA Trust List: updated (4 anchors)" in result.stdout
    return urls


@pytest.mark.parametrize("case", sorted(BAD_RESPONSES))
def test_bad_download_keeps_the_previous_list(
    case: str, trust_home: TrustHome, four_stored: dict[str, str], list_server: ListServer
) -> None:
    """Truncated, cut, empty, non-PEM and error responses leave the good list in place, exit 1."""
    before = trust_home.store.load("c2pa")
    route, why = BAD_RESPONSES[case]
    bad = list_server.serve(f"/bad/{case}.pem", **route)
    result = update({**four_stored, "url": bad})
    assert result.exit_code == UpdateExit.FAILED
    assert "C2PA Trust List not updated" in result.stderr
    assert why in result.stderr
    assert "the previous list (fetched" in result.stderr
    assert trust_home.store.load("c2pa") == before
    signer = check_json(str(SAMPLES / "ai-generated.jpg"))["signer"]
    assert signer["trust_list"] == "C2PA Trust List"


def test_complete_chunked_download_is_accepted(
    trust_home: TrustHome, own_lists: dict[str, str], list_server: ListServer
) -> None:
    """Chunked transfer coding with its final chunk is a whole list."""
    chunked = list_server.serve("/chunked.pem", FOUR, chunked=1000)
    result = update({**own_lists, "url": chunked})
    assert result.exit_code == UpdateExit.OK, result.output
    assert "C2PA Trust List: updated (4 anchors)" in result.stdout


def test_force_stores_a_much_shorter_list(
    trust_home: TrustHome, four_stored: dict[str, str], list_server: ListServer
) -> None:
    """--force accepts a list that lost more than a quarter of its certificates."""
    short = list_server.serve("/short.pem", CUT, no_length=True)
    result = update({**four_stored, "url": short}, "--force")
    assert result.exit_code == UpdateExit.OK, result.output
    assert "C2PA Trust List: updated (2 anchors)" in result.stdout
    stored = trust_home.store.load("c2pa")
    assert stored is not None and stored.parts[0].count == 2


def test_losing_one_certificate_of_four_needs_no_force(
    trust_home: TrustHome, four_stored: dict[str, str], list_server: ListServer
) -> None:
    """A list that loses a quarter or less (here 1 of 4) replaces the stored one as usual."""
    three = first_certificates(FOUR, 3)
    result = update({**four_stored, "url": list_server.serve("/three.pem", three)})
    assert result.exit_code == UpdateExit.OK, result.output
    assert "C2PA Trust List: updated (3 anchors)" in result.stdout


@pytest.mark.parametrize(
    ("stored", "new", "refused"),
    [(30, 23, False), (30, 22, True), (30, 10, True), (4, 3, False), (2, 1, True), (1, 5, False)],
)
def test_shrinkage_rule(stored: int, new: int, refused: bool) -> None:
    """Refused when more than a quarter of the stored entries are gone (new < 3/4 stored)."""
    from verify.trust.store import StoredList, StoredPart
    from verify.trust.update import shrinkage

    previous = StoredList(
        "c2pa",
        C2PA.title,
        C2PA.kind,
        "2026-01-01T00:00:00+00:00",
        (StoredPart(PartKind.ANCHORS, "http://x", "0" * 64, stored, "f.pem"),),
    )
    why = shrinkage(previous, [NewPart(PartKind.ANCHORS, "http://x", b"", new)])
    assert (why is not None) is refused


def test_update_follows_redirects(
    trust_home: TrustHome, own_lists: dict[str, str], list_server: ListServer
) -> None:
    """A redirect (contentcredentials.org/trust/ sends one) is followed to the list."""
    moved = list_server.serve(
        "/moved.pem", b"moved", status=301, headers={"Location": own_lists["url"]}
    )
    result = update({**own_lists, "url": moved})
    assert result.exit_code == UpdateExit.OK, result.output
    stored = trust_home.store.load(C2PA.slug)
    assert stored is not None and stored.parts[0].count == 1


def test_bad_download_with_nothing_stored(trust_home: TrustHome, list_server: ListServer) -> None:
    """A failed first download stores nothing and says so."""
    bad = list_server.serve("/bad.pem", b"", status=503)
    result = cli("trust", "update", "--url", bad, "--tsa-url", bad)
    assert result.exit_code == UpdateExit.FAILED
    assert "no previous list is stored" in result.stderr
    assert trust_home.store.stored() == ()


def test_timeout_keeps_the_previous_list(
    trust_home: TrustHome, own_lists: dict[str, str], list_server: ListServer
) -> None:
    """A server that does not answer within --timeout fails the update, nothing hangs."""
    update(own_lists)
    slow = list_server.serve("/slow.pem", OWN_ANCHORS, delay=2.0)
    result = update({**own_lists, "url": slow}, "--timeout", "0.3")
    assert result.exit_code == UpdateExit.FAILED
    assert "no answer within 0.3 s" in result.stderr
    assert trust_home.store.load("c2pa") is not None


def test_oversized_download_is_refused(list_server: ListServer) -> None:
    """A body over the size limit is refused before it is all read."""
    from verify.trust.download import fetch
    from verify.trust.errors import TrustListError

    url = list_server.serve("/big.pem", b"x" * 5000)
    with pytest.raises(TrustListError, match="larger than 1000 bytes"):
        fetch(url, timeout=5, max_bytes=1000)


def test_unreachable_server_is_a_clear_error(trust_home: TrustHome) -> None:
    """Nothing listening: the error names the URL, exit 1."""
    result = cli(
        "trust",
        "update",
        "--url",
        "http://127.0.0.1:9/x.pem",
        "--tsa-url",
        "http://127.0.0.1:9/y.pem",
    )
    assert result.exit_code == UpdateExit.FAILED
    assert "http://127.0.0.1:9/x.pem: cannot connect" in result.stderr


def test_other_url_schemes_are_usage_errors(trust_home: TrustHome) -> None:
    """Only http, https and file URLs are fetched."""
    result = cli("trust", "update", "--url", "ftp://example.test/list.pem")
    assert result.exit_code == UpdateExit.USAGE
    assert "only http, https and file" in result.output


def test_tsa_only_anchor_is_not_a_content_signer(
    trust_home: TrustHome, own_lists: dict[str, str]
) -> None:
    """c2pa-rs accepts a TSA list's anchors for content signers; the report does not."""
    update(own_lists)
    record = check_json(str(SAMPLES / "untrusted-signer.jpg"))
    assert record["validation"]["state"] == "trusted"  # what c2pa-rs says
    signer = record["signer"]
    assert (signer["trust"], signer["trust_list"]) == ("untrusted", None)
    assert "chains only to C2PA TSA Trust List" in signer["trust_explanation"]


@pytest.fixture
def own_interim(list_server: ListServer, tmp_path: Path) -> str:
    """An Interim-style list: an unrelated anchor, the untrusted signer on the allowed list."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Unrelated Interim Root")])
    now = datetime.now(UTC)
    root = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    list_server.serve("/interim/anchors.pem", root.public_bytes(serialization.Encoding.PEM))
    list_server.serve("/interim/allowed.pem", (TRUST / "untrusted-signer.pem").read_bytes())
    list_server.serve("/interim/store.cfg", EKUS)
    return list_server.url("/interim/")


def test_legacy_interim_list_and_allowed_list(
    trust_home: TrustHome, own_lists: dict[str, str], own_interim: str
) -> None:
    """--legacy-url fetches anchors, allowed list and EKUs; the allowed signer is recognised."""
    result = update(own_lists, "--legacy-url", own_interim)
    assert result.exit_code == UpdateExit.OK, result.output
    assert "Interim Trust List: updated (1 anchors, 1 allowed, 2 eku)" in result.stdout
    signer = check_json("--trust-list", "interim", str(SAMPLES / "untrusted-signer.jpg"))["signer"]
    assert (signer["trust"], signer["trust_list"]) == ("trusted", "Interim Trust List")
    assert signer["allowed_list_match"] is True
    assert "allowed list of Interim Trust List" in signer["trust_explanation"]


def test_interim_list_is_all_or_nothing(
    trust_home: TrustHome, own_lists: dict[str, str], own_interim: str, list_server: ListServer
) -> None:
    """If one part of a list fails, none of it is stored; the other lists still update."""
    list_server.serve("/interim/store.cfg", b"", status=500)
    result = update(own_lists, "--legacy-url", own_interim)
    assert result.exit_code == UpdateExit.FAILED
    assert trust_home.store.load(INTERIM_LIST.slug) is None
    assert trust_home.store.load(C2PA.slug) is not None


def _config_urls(home: TrustHome, **keys: object) -> None:
    lines = "".join(
        f"{k} = {v!r}\n" if isinstance(v, float) else f'{k} = "{v}"\n' for k, v in keys.items()
    )
    home.config.write_text("[trust]\n" + lines)


def test_update_takes_urls_from_the_config_file(
    trust_home: TrustHome, own_lists: dict[str, str], own_interim: str
) -> None:
    """url, tsa_url and legacy_url in the config file are used when no flag names a URL."""
    _config_urls(
        trust_home, url=own_lists["url"], tsa_url=own_lists["tsa_url"], legacy_url=own_interim
    )
    result = cli("trust", "update")
    assert result.exit_code == UpdateExit.OK, result.output
    assert trust_home.store.load(INTERIM_LIST.slug) is None  # legacy_url alone does not fetch it
    assert cli("trust", "update", "--legacy").exit_code == UpdateExit.OK
    interim = trust_home.store.load(INTERIM_LIST.slug)
    assert interim is not None
    assert {p.source for p in interim.parts} == {
        own_interim + name for name in ("anchors.pem", "allowed.pem", "store.cfg")
    }
    c2pa = trust_home.store.load(C2PA.slug)
    assert c2pa is not None and c2pa.parts[0].source == own_lists["url"]


def test_url_flags_win_over_the_config_file(
    trust_home: TrustHome, own_lists: dict[str, str], list_server: ListServer
) -> None:
    """--url and --tsa-url replace the config file's URLs (which here would fail)."""
    broken = list_server.serve("/broken.pem", b"", status=500)
    _config_urls(trust_home, url=broken, tsa_url=broken)
    result = update(own_lists)
    assert result.exit_code == UpdateExit.OK, result.output
    stored = trust_home.store.load(C2PA.slug)
    assert stored is not None and stored.parts[0].source == own_lists["url"]


def test_timeout_from_the_config_file(
    trust_home: TrustHome, own_lists: dict[str, str], list_server: ListServer
) -> None:
    """`timeout` in the config file bounds each download when --timeout is not given."""
    slow = list_server.serve("/slow.pem", OWN_ANCHORS, delay=2.0)
    _config_urls(trust_home, timeout=0.3)
    result = update({**own_lists, "url": slow})
    assert result.exit_code == UpdateExit.FAILED
    assert "no answer within 0.3 s" in result.stderr


def test_update_refuses_a_bad_config_file(trust_home: TrustHome, own_lists: dict[str, str]) -> None:
    """An unknown key in the config file stops `trust update` with status 2, nothing fetched."""
    trust_home.config.write_text('[trust]\nurls = "http://127.0.0.1/x.pem"\n')
    result = update(own_lists)
    assert result.exit_code == UpdateExit.USAGE
    assert "unknown key(s) in [trust]: urls" in result.output
    assert trust_home.store.stored() == ()


def test_show_lists_anchors(trust_home: TrustHome, own_lists: dict[str, str]) -> None:
    """`trust show` gives each list's name, source, age, count and per anchor name and validity."""
    update(own_lists)
    result = cli("trust", "show")
    assert result.exit_code == 0
    out = result.stdout
    assert "C2PA Trust List [c2pa]: manifest list, used by check (default)" in out
    assert f"source:  {own_lists['url']}" in out
    assert "(today)" in out
    assert "1 anchor certificate(s):" in out
    assert "- c2pa-verify Test Root CA, c2pa-verify Test Signer  (20" in out
    assert "C2PA TSA Trust List [c2pa-tsa]: tsa list" in out
    assert result.stderr == ""


def test_show_json(trust_home: TrustHome, own_lists: dict[str, str]) -> None:
    """`trust show -f json` gives the same facts for scripts."""
    update(own_lists)
    doc = json.loads(cli("trust", "show", "-f", "json").stdout)
    views = {v["slug"]: v for v in doc["lists"]}
    assert views["c2pa"]["anchors"][0]["organization"] == "c2pa-verify Test Signer"
    assert views["c2pa"]["in_use"] is True
    assert doc["missing"] == ["interim"]


def test_show_and_check_warn_about_stale_lists(trust_home: TrustHome) -> None:
    """A list older than max_age_days is flagged by `trust show` and `check` (on stderr)."""
    old = datetime.now(UTC) - timedelta(days=100)
    trust_home.store.save(C2PA, [NewPart(PartKind.ANCHORS, "http://x", OWN_ANCHORS, 1)], old)
    shown = cli("trust", "show")
    assert "STALE" in shown.stdout
    assert "C2PA Trust List is 100 days old (older than 30 days)" in shown.stderr
    checked = cli("check", str(SAMPLES / "captured.jpg"))
    assert "the C2PA Trust List is 100 days old (older than 30 days)" in checked.stderr
    trust_home.config.write_text("[trust]\nmax_age_days = 365\n")
    assert "STALE" not in cli("trust", "show").stdout
    assert "STALE" in cli("trust", "show", "--max-age", "10").stdout


def test_short_ages_and_thresholds_read_in_hours_and_minutes(trust_home: TrustHome) -> None:
    """A list fetched hours ago, checked against a threshold of minutes: both read as such."""
    hours_ago = datetime.now(UTC) - timedelta(hours=5)
    trust_home.store.save(C2PA, [NewPart(PartKind.ANCHORS, "http://x", OWN_ANCHORS, 1)], hours_ago)
    shown = cli("trust", "show", "--max-age", str(10 / 1440))
    assert "C2PA Trust List is 5 hours old (older than 10 minutes)" in shown.stderr


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (1e-05, "1 second"),
        (0.5 / 1440, "30 seconds"),
        (2 / 1440, "2 minutes"),
        (89 / 1440, "89 minutes"),
        (3 / 24, "3 hours"),
        (1, "24 hours"),
        (2, "2 days"),
        (100, "100 days"),
    ],
)
def test_duration(days: float, text: str) -> None:
    """Ages and thresholds in the unit that reads best."""
    from verify.trust.show import duration

    assert duration(days) == text


def test_show_with_nothing_configured(trust_home: TrustHome) -> None:
    """With no list, `trust show` says every signer reads untrusted and how to fix it."""
    out = cli("trust", "show").stdout
    assert "No trust list configured" in out
    assert "c2pa-verify trust update" in out


def test_damaged_store_is_a_configuration_error(
    trust_home: TrustHome, own_lists: dict[str, str]
) -> None:
    """A content file changed on disk is detected by its SHA-256: exit 2 with the fix."""
    update(own_lists)
    (content,) = trust_home.cache.glob("c2pa.anchors.*")
    content.write_bytes(OWN_TSA)
    result = cli("check", str(SAMPLES / "captured.jpg"))
    assert result.exit_code == 2
    assert "does not match its recorded SHA-256" in result.output
    assert update(own_lists).exit_code == UpdateExit.OK  # update repairs it
    assert cli("check", str(SAMPLES / "captured.jpg")).exit_code == 0


def test_update_repairs_damaged_metadata(trust_home: TrustHome, own_lists: dict[str, str]) -> None:
    """Other commands say to run `trust update` on damaged metadata: it must replace it."""
    trust_home.cache.mkdir()
    (trust_home.cache / "c2pa.json").write_text("{not json")
    assert cli("check", str(SAMPLES / "captured.jpg")).exit_code == 2
    result = update(own_lists)
    assert result.exit_code == UpdateExit.OK, result.output
    signer = check_json(str(SAMPLES / "ai-generated.jpg"))["signer"]
    assert signer["trust_list"] == "C2PA Trust List"


def test_unwritable_store_fails_each_list_clearly(
    trust_home: TrustHome, own_lists: dict[str, str]
) -> None:
    """A cache path that cannot hold the lists: exit 1, each list says why, no traceback."""
    trust_home.cache.write_text("a file where the cache directory should be")
    result = update(own_lists)
    assert result.exit_code == UpdateExit.FAILED
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for title in ("C2PA Trust List", "C2PA TSA Trust List"):
        assert f"{title} not updated: cannot write the trust store {trust_home.cache}" in (
            result.stderr
        )


needs_shared = pytest.mark.skipif(
    not (SHARED_TRUST_LISTS / "C2PA-TRUST-LIST.pem").exists(), reason="../shared/trust-lists absent"
)


@needs_shared
def test_real_lists_download_and_show(
    trust_home: TrustHome, list_server: ListServer, tmp_path: Path
) -> None:
    """The real C2PA, TSA and Interim lists served locally update and show their counts."""
    result = cli(*serve_real_lists(list_server, SHARED_TRUST_LISTS))
    assert result.exit_code == UpdateExit.OK, result.output
    doc = json.loads(cli("trust", "show", "-f", "json").stdout)
    counts = {
        v["slug"]: (len(v["anchors"]), v["allowed_count"], len(v["ekus"])) for v in doc["lists"]
    }
    expected = {
        "c2pa": (_count(SHARED_TRUST_LISTS / "C2PA-TRUST-LIST.pem"), 0, 0),
        "c2pa-tsa": (_count(SHARED_TRUST_LISTS / "C2PA-TSA-TRUST-LIST.pem"), 0, 0),
    }
    assert {k: counts[k] for k in expected} == expected
    assert counts["interim"][0] == _count(SHARED_TRUST_LISTS / "interim" / "anchors.pem")
    assert counts["interim"][1] > 0 and counts["interim"][2] > 0


def _count(path: Path) -> int:
    return path.read_text().count("-----BEGIN CERTIFICATE-----")


@needs_shared
def test_real_c2pa_bundle_with_the_sample_root_recognises_the_sample(
    trust_home: TrustHome, list_server: ListServer
) -> None:
    """The real 30-anchor C2PA bundle plus the samples' root, served as the C2PA list: after
    `trust update`, `check` with no trust flag names the organisation and the list."""
    real = (SHARED_TRUST_LISTS / "C2PA-TRUST-LIST.pem").read_bytes()
    bundle = real.rstrip(b"\n") + b"\n\n" + OWN_ANCHORS
    urls = {
        "url": list_server.serve("/trust-list/C2PA-TRUST-LIST.pem", bundle),
        "tsa_url": list_server.serve(
            "/trust-list/C2PA-TSA-TRUST-LIST.pem",
            (SHARED_TRUST_LISTS / "C2PA-TSA-TRUST-LIST.pem").read_bytes(),
        ),
    }
    result = update(urls)
    assert result.exit_code == UpdateExit.OK, result.output
    anchors = _count(SHARED_TRUST_LISTS / "C2PA-TRUST-LIST.pem") + 1
    assert f"C2PA Trust List: updated ({anchors} anchors)" in result.stdout
    text = cli("check", str(SAMPLES / "ai-generated.jpg"))
    assert text.exit_code == 0, text.output
    assert "signed by c2pa-verify Test Signer" in text.stdout
    assert "signer recognised by C2PA Trust List" in text.stdout
    signer = check_json(str(SAMPLES / "ai-generated.jpg"))["signer"]
    assert (signer["organization"], signer["trust"], signer["trust_list"]) == (
        "c2pa-verify Test Signer",
        "trusted",
        "C2PA Trust List",
    )
    shown = cli("trust", "show").stdout
    assert f"{anchors} anchor certificate(s):" in shown
    assert "- Google C2PA Media Services 1P ICA G3, Google LLC" in shown
    assert "- c2pa-verify Test Root CA, c2pa-verify Test Signer" in shown


@needs_shared
def test_real_list_cut_after_ten_certificates_is_refused(
    trust_home: TrustHome, list_server: ListServer
) -> None:
    """The audit's case: no Content-Length, the connection closes after 10 of the 30."""
    args = serve_real_lists(list_server, SHARED_TRUST_LISTS)[:6]  # without --legacy-url
    assert cli(*args).exit_code == UpdateExit.OK
    real = (SHARED_TRUST_LISTS / "C2PA-TRUST-LIST.pem").read_bytes()
    cut = list_server.serve("/cut.pem", first_certificates(real, 10), no_length=True)
    result = cli(*args[:3], cut, *args[4:])
    assert result.exit_code == UpdateExit.FAILED
    total = _count(SHARED_TRUST_LISTS / "C2PA-TRUST-LIST.pem")
    assert f"holds 10 anchors where the stored list holds {total}" in result.stderr
    stored = trust_home.store.load("c2pa")
    assert stored is not None and stored.parts[0].count == total
