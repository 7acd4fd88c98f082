"""planmap's own exception types.

Every error a user can trigger names the file (or row) at fault and says what to do,
so a batch run can report it in one line and carry on with the other documents.
"""
from __future__ import annotations

from pathlib import Path


class PlanmapError(Exception):
    """Base class of every error planmap raises on purpose."""


class DocumentError(PlanmapError):
    """A plan document cannot be read: wrong format, no text, undecodable bytes."""

    def __init__(self, path: str | Path, problem: str, hint: str = "") -> None:
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        message = f"{self.path}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class GazetteerError(PlanmapError):
    """A gazetteer file or row is malformed; the message names the file and row."""


class UnknownRegionError(GazetteerError, KeyError):
    """An adcode the administrative table does not know."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class BuildError(PlanmapError):
    """Nothing could be built from the documents given; ``failures`` lists (file, one-line reason)."""

    def __init__(self, message: str, failures: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.failures: list[tuple[str, str]] = list(failures or [])


class UsageError(PlanmapError):
    """An option or setting cannot be used (a missing overrides file, an output path that is a file).

    Found before any work starts; ``planmap`` exits with code 2.
    """


class OutputError(PlanmapError):
    """The outputs could not be written (no space, read-only file system); the previous set is kept."""
