"""Where trust comes from: flags, environment variables, the config file, the cache.

Precedence, highest first, decided separately for the lists and for extra anchors:

1. flags: `--no-trust` (nothing at all), `--trust-list NAME|PATH`, `--trust-anchors PEM`;
2. environment: `C2PA_VERIFY_TRUST_LISTS`, `C2PA_VERIFY_TRUST_ANCHORS` (entries separated
   by `os.pathsep`; set but empty means none);
3. the config file's `[trust]` table: `lists = [...]`, `anchors = [...]`;
4. default: every list `trust update` has stored, and no extra anchors.

The config file is TOML at `platformdirs.user_config_dir("c2pa-verify")/config.toml`, or
the file named by `C2PA_VERIFY_CONFIG`; lists are stored in
`platformdirs.user_cache_dir("c2pa-verify")`, or `C2PA_VERIFY_CACHE_DIR`. Unknown keys
are errors: c2pa-rs ignores unknown settings silently, we do not.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from .download import DEFAULT_TIMEOUT, check_url
from .errors import TrustConfigError, TrustListError
from .lists import KNOWN_LISTS, TrustKind, TrustList, known
from .pem import parse_certificates
from .store import StoredList, TrustStore

APP_NAME = "c2pa-verify"
ENV_CACHE_DIR = "C2PA_VERIFY_CACHE_DIR"
ENV_CONFIG = "C2PA_VERIFY_CONFIG"
ENV_TRUST_LISTS = "C2PA_VERIFY_TRUST_LISTS"
ENV_TRUST_ANCHORS = "C2PA_VERIFY_TRUST_ANCHORS"

#: `trust show` and `check` warn about lists older than this many days.
DEFAULT_MAX_AGE_DAYS = 30.0


def cache_dir(env: Mapping[str, str]) -> Path:
    """Where `trust update` stores lists."""
    if env.get(ENV_CACHE_DIR):
        return Path(env[ENV_CACHE_DIR]).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def config_path(env: Mapping[str, str]) -> tuple[Path, bool]:
    """The config file, and whether the user named it (then it must exist)."""
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]).expanduser(), True
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml", False


@dataclass(frozen=True)
class FileConfig:
    """The `[trust]` table of the config file (defaults when there is no file)."""

    path: Path | None = None
    lists: tuple[str, ...] | None = None
    anchors: tuple[str, ...] | None = None
    url: str | None = None
    tsa_url: str | None = None
    legacy_url: str | None = None
    max_age_days: float = DEFAULT_MAX_AGE_DAYS
    timeout: float = DEFAULT_TIMEOUT


_STRING_LISTS = ("lists", "anchors")
_URLS = ("url", "tsa_url", "legacy_url")
_NUMBERS = ("max_age_days", "timeout")
_KEYS = frozenset(_STRING_LISTS + _URLS + _NUMBERS)
_TABLES = frozenset({"trust"})


def _strings(value: Any, key: str, where: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TrustConfigError(f"{where}: trust.{key} must be a list of non-empty strings")
    return tuple(value)


def _relative_to(base: Path, entry: str) -> str:
    """A path from the config file, relative to the file's folder; names stay names."""
    if known(entry) is not None:
        return entry
    path = Path(entry).expanduser()
    return str(path if path.is_absolute() else base / path)


def parse_config(doc: Mapping[str, Any], where: Path) -> FileConfig:
    """Validate a parsed config document (pure: tested from dicts)."""
    unknown = sorted(set(doc) - _TABLES)
    if unknown:
        raise TrustConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    table = doc.get("trust", {})
    if not isinstance(table, dict):
        raise TrustConfigError(f"{where}: trust must be a table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise TrustConfigError(
            f"{where}: unknown key(s) in [trust]: {', '.join(unknown)}"
            f" (known: {', '.join(sorted(_KEYS))})"
        )
    values: dict[str, Any] = {}
    for key in _STRING_LISTS:
        if key in table:
            values[key] = tuple(
                _relative_to(where.parent, e) for e in _strings(table[key], key, where)
            )
    for key in _URLS:
        if key in table:
            if not isinstance(table[key], str):
                raise TrustConfigError(f"{where}: trust.{key} must be a string")
            try:
                values[key] = check_url(table[key])
            except TrustConfigError as exc:
                raise TrustConfigError(f"{where}: trust.{key}: {exc}") from exc
    for key in _NUMBERS:
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise TrustConfigError(f"{where}: trust.{key} must be a positive number")
            values[key] = float(value)
    return FileConfig(path=where, **values)


def load_config(env: Mapping[str, str]) -> FileConfig:
    """The config file's settings; defaults when the default file does not exist."""
    path, named = config_path(env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        if named:
            raise TrustConfigError(f"{ENV_CONFIG} names {path}, which does not exist") from exc
        return FileConfig()
    except (OSError, UnicodeDecodeError) as exc:
        raise TrustConfigError(f"cannot read the config file {path}: {exc}") from exc
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TrustConfigError(f"{path} is not valid TOML: {exc}") from exc
    return parse_config(doc, path)


class Origin(StrEnum):
    """Which layer decided a setting."""

    FLAG = "command line"
    ENV = "environment"
    CONFIG = "config file"
    DEFAULT = "default"


@dataclass(frozen=True)
class Selection:
    """Which lists and extra anchors a check uses, and where that was decided."""

    #: Names or PEM paths; None means every stored list.
    lists: tuple[str, ...] | None
    lists_from: Origin
    anchors: tuple[str, ...]
    anchors_from: Origin


def _env_entries(value: str) -> tuple[str, ...]:
    return tuple(e for e in value.split(os.pathsep) if e.strip())


def select(
    *,
    flag_lists: Sequence[str] = (),
    flag_anchors: Sequence[str] = (),
    no_trust: bool = False,
    env: Mapping[str, str],
    config: FileConfig,
) -> Selection:
    """Apply the precedence rules (pure)."""
    if no_trust:
        if flag_lists or flag_anchors:
            raise TrustConfigError(
                "--no-trust cannot be combined with --trust-list/--trust-anchors"
            )
        return Selection((), Origin.FLAG, (), Origin.FLAG)
    lists: tuple[str, ...] | None
    if flag_lists:
        lists, lists_from = tuple(flag_lists), Origin.FLAG
    elif ENV_TRUST_LISTS in env:
        lists, lists_from = _env_entries(env[ENV_TRUST_LISTS]), Origin.ENV
    elif config.lists is not None:
        lists, lists_from = config.lists, Origin.CONFIG
    else:
        lists, lists_from = None, Origin.DEFAULT
    if flag_anchors:
        anchors, anchors_from = tuple(flag_anchors), Origin.FLAG
    elif ENV_TRUST_ANCHORS in env:
        anchors, anchors_from = _env_entries(env[ENV_TRUST_ANCHORS]), Origin.ENV
    elif config.anchors is not None:
        anchors, anchors_from = config.anchors, Origin.CONFIG
    else:
        anchors, anchors_from = (), Origin.DEFAULT
    return Selection(lists, lists_from, anchors, anchors_from)


def read_pem_list(path: str, origin: Origin) -> TrustList:
    """A user's PEM bundle as a list of signer anchors named by its path."""
    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise TrustConfigError(
            f"cannot read trust anchors {path!r} ({origin}): {exc.strerror or exc}"
        ) from exc
    try:
        parse_certificates(data, f"trust anchors {path!r}")
    except TrustListError as exc:
        raise TrustConfigError(f"{exc} ({origin})") from exc
    return TrustList(name=path, kind=TrustKind.MANIFEST, anchors_pem=data.decode("ascii"))


def _named_or_path(entry: str, store: TrustStore, origin: Origin) -> TrustList:
    catalogue = known(entry)
    if catalogue is None:
        if not Path(entry).expanduser().is_file():
            raise TrustConfigError(
                f"unknown trust list {entry!r} ({origin}): neither a list name"
                f" ({', '.join(KNOWN_LISTS)}) nor a PEM file"
            )
        return read_pem_list(entry, origin)
    stored = store.load(catalogue.slug)
    if stored is None:
        hint = " --legacy" if catalogue.legacy else ""
        raise TrustConfigError(
            f"the {catalogue.title} ({catalogue.slug}, {origin}) has not been downloaded;"
            f" run `c2pa-verify trust update{hint}`"
        )
    return store.trust_list(stored)


def load_lists(selection: Selection, store: TrustStore) -> tuple[TrustList, ...]:
    """Read every selected list (stored ones checked against their SHA-256)."""
    if selection.lists is None:
        lists = [store.trust_list(s) for s in store.stored()]
    else:
        lists = [_named_or_path(e, store, selection.lists_from) for e in selection.lists]
    lists.extend(read_pem_list(a, selection.anchors_from) for a in selection.anchors)
    unique: dict[str, TrustList] = {}
    for item in lists:
        unique.setdefault(item.name, item)
    return tuple(unique.values())


def stored_in_use(selection: Selection, store: TrustStore) -> tuple[StoredList, ...]:
    """The stored lists a check with this selection consults."""
    if selection.lists is None:
        return store.stored()
    slugs = {k.slug for e in selection.lists if (k := known(e)) is not None}
    return tuple(s for s in store.stored() if s.slug in slugs)
