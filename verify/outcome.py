"""Exit codes and the `--fail-on` policy (pure functions over reports)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import IntEnum, StrEnum
from typing import NamedTuple

from .integrity import Integrity, SignerTrust
from .report import Credentials, Report, ValidationState


class ExitCode(IntEnum):
    """Process exit status of `c2pa-verify check`."""

    #: Every input was checked and none matched `--fail-on`.
    OK = 0
    #: At least one input matched a `--fail-on` condition.
    FAIL_ON_MATCHED = 1
    #: Usage or configuration error (bad flag, unreadable trust anchors).
    USAGE = 2
    #: At least one input could not be checked (its report has an `error`).
    NOT_CHECKED = 3


class FailOn(StrEnum):
    """Conditions that make `check` exit 1."""

    TAMPERED = "tampered"
    INVALID = "invalid"
    UNTRUSTED = "untrusted"
    AI = "ai"
    NO_CREDENTIALS = "no-credentials"


DEFAULT_FAIL_ON = frozenset({FailOn.TAMPERED})


def matches(report: Report, condition: FailOn) -> bool:
    """Whether one report meets one `--fail-on` condition."""
    if condition is FailOn.TAMPERED:
        return report.integrity in (Integrity.TAMPERED, Integrity.HISTORY_TAMPERED)
    if condition is FailOn.INVALID:
        return report.validation.state is ValidationState.INVALID or report.integrity in (
            Integrity.TAMPERED,
            Integrity.HISTORY_TAMPERED,
            Integrity.MALFORMED,
        )
    if condition is FailOn.UNTRUSTED:
        return report.signer is not None and report.signer.trust is not SignerTrust.TRUSTED
    if condition is FailOn.AI:
        return report.declaration.declares_ai
    if condition is FailOn.NO_CREDENTIALS:
        return report.credentials is Credentials.NONE
    raise AssertionError(condition)  # pragma: no cover - exhaustive over FailOn


class Counted(NamedTuple):
    """What a Tally counts of one report (small enough to cross a process boundary cheaply:
    the batch's workers send this instead of the report)."""

    error_kind: str | None
    origin: str
    integrity: str
    #: Checked and matching a `--fail-on` condition.
    matched: bool


def counted(report: Report, fail_on: frozenset[FailOn]) -> Counted:
    """The facts of one report that a Tally with `fail_on` counts."""
    if report.error is not None:
        return Counted(report.error.kind.value, "", "", False)
    return Counted(
        None,
        report.declaration.origin.value,
        report.integrity.value,
        any(matches(report, c) for c in fail_on),
    )


class Tally:
    """Running exit status and verdict counts over a stream of reports (counts, not reports)."""

    def __init__(self, fail_on: frozenset[FailOn] = DEFAULT_FAIL_ON) -> None:
        self.fail_on = fail_on
        self.total = 0
        self.not_checked = 0
        self.matched = 0
        #: Checked inputs by declared origin, by integrity; unchecked ones by error kind.
        self.origins: Counter[str] = Counter()
        self.integrity: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()

    def add(self, report: Report) -> None:
        self.count(counted(report, self.fail_on))

    def count(self, facts: Counted) -> None:
        """Count one report from its facts (made with this tally's `fail_on`)."""
        self.total += 1
        if facts.error_kind is not None:
            self.not_checked += 1
            self.errors[facts.error_kind] += 1
            return
        self.origins[facts.origin] += 1
        self.integrity[facts.integrity] += 1
        if facts.matched:
            self.matched += 1

    def summary(self) -> str:
        """Counts by verdict, for the end of a batch (plain text, a few lines)."""

        def counts(counter: Counter[str]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "none"

        lines = [
            f"{self.total} inputs: {self.total - self.not_checked} checked,"
            f" {self.not_checked} could not be checked, {self.matched} matched --fail-on"
        ]
        if self.origins:
            lines.append(f"  declared origin: {counts(self.origins)}")
            lines.append(f"  integrity: {counts(self.integrity)}")
        if self.errors:
            lines.append(f"  not checked: {counts(self.errors)}")
        return "\n".join(lines)

    @property
    def code(self) -> ExitCode:
        """3 if any input was not checked, else 1 if any matched, else 0.

        "Not checked" wins: a batch with an unreadable input cannot vouch for all of it.
        """
        if self.not_checked:
            return ExitCode.NOT_CHECKED
        if self.matched:
            return ExitCode.FAIL_ON_MATCHED
        return ExitCode.OK


def exit_code(reports: Iterable[Report], fail_on: frozenset[FailOn] = DEFAULT_FAIL_ON) -> ExitCode:
    """The exit status for a finished batch."""
    tally = Tally(fail_on)
    for report in reports:
        tally.add(report)
    return tally.code
