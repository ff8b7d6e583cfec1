"""Typed errors of content_sync. The CLI turns each into a clear message and an exit code."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located precisely enough to fix it.

    `file` is relative to the source folder, `record` names the row or record (``row 12``,
    ``record 3 (id=g-hukou-001)``), `field` is a dotted path (``materials[2].name``).
    """

    file: str
    record: str
    field: str
    message: str
    # Where a problem in a workbook is, as Excel shows it (empty for JSON files), and the
    # message in Chinese for the county's staff (content_sync.problem_text makes one if empty).
    # They are derived from the four fields above, so problems compare equal without them.
    sheet: str = dataclasses.field(default="", compare=False)
    row: int | None = dataclasses.field(default=None, compare=False)
    column: str = dataclasses.field(default="", compare=False)
    header: str = dataclasses.field(default="", compare=False)
    zh: str = dataclasses.field(default="", compare=False)

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (self.file, self.record, f"field {self.field}" if self.field else "") if part
        )
        return f"{where}: {self.message}"


class ContentSyncError(Exception):
    """Base of every error content_sync raises on purpose."""

    exit_code = 1


class SchemaError(ContentSyncError):
    """Sources or a downloaded bundle failed validation; nothing was published or activated."""

    exit_code = 3

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the content:\n{shown}{more}")
