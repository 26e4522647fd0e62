"""The catalogue of known trust lists, and the in-memory form every list takes.

Names are an interface: `c2pa`, `c2pa-tsa` and `interim` are what `--trust-list`,
`C2PA_VERIFY_TRUST_LISTS` and the config file accept, and the titles are what the
report's `signer.trust_list` says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class TrustKind(StrEnum):
    """What a list's anchors vouch for (c2pa-rs `trust_kind` values)."""

    #: Issuers of content (manifest) signers.
    MANIFEST = "manifest"
    #: Time-stamp authorities.
    TSA = "tsa"


class PartKind(StrEnum):
    """The files a list is made of."""

    #: PEM bundle of trust anchors (root or intermediate CA certificates).
    ANCHORS = "anchors"
    #: PEM bundle of end-entity certificates accepted as they are (Interim list).
    ALLOWED = "allowed"
    #: Extended key usage OIDs accepted for signers, one per line (Interim `store.cfg`).
    EKU = "eku"


@dataclass(frozen=True)
class TrustList:
    """One list as a check uses it: a name, a kind and its contents as text."""

    #: `C2PA Trust List`, or the path of a PEM bundle given by the user.
    name: str
    kind: TrustKind = TrustKind.MANIFEST
    anchors_pem: str = ""
    allowed_pem: str = ""
    eku_config: str = ""


@dataclass(frozen=True)
class KnownList:
    """A list `trust update` knows how to fetch."""

    slug: str
    title: str
    kind: TrustKind
    #: Part -> default URL.
    sources: Mapping[PartKind, str]
    #: Fetched only with `trust update --legacy`.
    legacy: bool = False


CONFORMANCE = "https://raw.githubusercontent.com/c2pa-org/conformance-public/main/trust-list/"
#: Base URL of the Interim Trust List used by contentcredentials.org/verify.
INTERIM = "https://contentcredentials.org/trust/"

C2PA = KnownList(
    "c2pa",
    "C2PA Trust List",
    TrustKind.MANIFEST,
    MappingProxyType({PartKind.ANCHORS: CONFORMANCE + "C2PA-TRUST-LIST.pem"}),
)
C2PA_TSA = KnownList(
    "c2pa-tsa",
    "C2PA TSA Trust List",
    TrustKind.TSA,
    MappingProxyType({PartKind.ANCHORS: CONFORMANCE + "C2PA-TSA-TRUST-LIST.pem"}),
)
INTERIM_LIST = KnownList(
    "interim",
    "Interim Trust List",
    TrustKind.MANIFEST,
    MappingProxyType(
        {
            PartKind.ANCHORS: INTERIM + "anchors.pem",
            PartKind.ALLOWED: INTERIM + "allowed.pem",
            PartKind.EKU: INTERIM + "store.cfg",
        }
    ),
    legacy=True,
)

#: Every known list, in the order checks consult them.
KNOWN_LISTS: Mapping[str, KnownList] = MappingProxyType(
    {k.slug: k for k in (C2PA, C2PA_TSA, INTERIM_LIST)}
)

#: Part file names inside a base URL such as `legacy_url`.
INTERIM_FILES: Mapping[PartKind, str] = MappingProxyType(
    {PartKind.ANCHORS: "anchors.pem", PartKind.ALLOWED: "allowed.pem", PartKind.EKU: "store.cfg"}
)


def known(name: str) -> KnownList | None:
    """The known list called `name` (its slug or its title, any case)."""
    folded = name.strip().casefold()
    for entry in KNOWN_LISTS.values():
        if folded in (entry.slug, entry.title.casefold()):
            return entry
    return None
