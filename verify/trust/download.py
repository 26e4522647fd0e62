"""Fetch one trust list file over HTTP(S): the only network access of c2pa-verify.

Used by `trust update` only, on the user's explicit request. Every way a download can
go wrong (status, timeout, a body shorter than its Content-Length, a chunked body without
its last chunk, too large) is one :class:`~verify.trust.errors.TrustListError` with a
message that says which. A body with neither (the server just closes the connection) that
stops early cannot be told from a complete one here: `update.py` guards against that.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.parse
import urllib.request

from .errors import TrustConfigError, TrustListError

#: A list larger than this is refused (the official lists are under 100 KB).
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
#: Seconds to wait for the connection and for each read.
DEFAULT_TIMEOUT = 30.0

_SCHEMES = ("http", "https", "file")
_CHUNK = 64 * 1024


def check_url(url: str) -> str:
    """The URL if c2pa-verify may fetch it (http, https, file), else a config error."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in _SCHEMES:
        raise TrustConfigError(f"cannot fetch {url!r}: only http, https and file URLs are allowed")
    return url


def fetch(
    url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES
) -> bytes:
    """The body of `url`, complete, or a TrustListError saying what went wrong."""
    check_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": "c2pa-verify trust update"})
    chunks: list[bytes] = []
    size = 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = getattr(response, "status", None)
            if status is not None and status != 200:
                raise TrustListError(f"{url}: HTTP {status} (expected 200)")
            declared = response.headers.get("Content-Length")
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TrustListError(f"{url}: larger than {max_bytes} bytes; refused")
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        raise TrustListError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise TrustListError(f"{url}: no answer within {timeout:g} s") from exc
        raise TrustListError(f"{url}: cannot connect: {exc.reason}") from exc
    except http.client.IncompleteRead as exc:
        # A chunked body cut before its last chunk, or one shorter than its Content-Length.
        got = size + len(exc.partial)
        more = f"; {exc.expected} more were announced" if exc.expected else ""
        raise TrustListError(
            f"{url}: the server closed the connection before the end of the response"
            f" ({got} bytes received{more}; truncated)"
        ) from exc
    except TimeoutError as exc:
        raise TrustListError(f"{url}: no answer within {timeout:g} s") from exc
    except (http.client.HTTPException, OSError) as exc:
        raise TrustListError(f"{url}: {type(exc).__name__}: {exc}") from exc
    body = b"".join(chunks)
    if declared is not None and declared.isdigit() and int(declared) != len(body):
        raise TrustListError(
            f"{url}: received {len(body)} bytes but {declared} were announced (truncated)"
        )
    if not body:
        raise TrustListError(f"{url}: empty response")
    return body
