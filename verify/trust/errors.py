"""The trust package's exceptions: one root, for configuration errors and bad lists.

Expected outcomes of a check (an untrusted signer, an expired certificate) are data in
the report, never exceptions.
"""

from __future__ import annotations


class TrustError(Exception):
    """Root of every error the trust package raises on purpose."""


class TrustConfigError(TrustError):
    """Bad configuration: a config file, environment variable, flag or stored list.

    The command line exits with status 2.
    """


class TrustListError(TrustError):
    """Downloaded or given content is not a usable trust list (the previous one is kept)."""
