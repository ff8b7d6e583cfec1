"""`content-sync validate --report out.xlsx`: the problems as a workbook staff can work through.

One row per problem: the file, sheet, row and column as Excel shows them, the problem in Chinese
and in English, and a link that opens the file at the bad cell.
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

from .errors import Problem
from .problem_text import translate

HEADERS = ("文件", "工作表", "行", "列", "列名", "问题", "打开", "Problem (English)")


def cell_link(problem: Problem, source_dir: Path, report: Path) -> str:
    """A link from the report to the file, at the cell when the file is a workbook."""
    target = Path(os.path.relpath((source_dir / problem.file).resolve(), report.resolve().parent)).as_posix()
    if problem.sheet and problem.file.endswith(".xlsx"):
        cell = f"{problem.column or 'A'}{problem.row or 1}"
        return f"{target}#'{problem.sheet}'!{cell}"
    return target


def write_report(problems: list[Problem], source_dir: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """Write `problems` to the workbook `path` (an empty list gives a workbook saying so)."""
    report, source = Path(path), Path(source_dir)
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "问题清单"
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for problem in problems:
        message = problem.zh or translate(problem.message)
        ws.append(
            [
                problem.file,
                problem.sheet,
                problem.row,
                problem.column,
                problem.header or problem.field,
                message,
                "打开",
                str(problem),
            ]
        )
        link = ws.cell(row=ws.max_row, column=HEADERS.index("打开") + 1)
        link.hyperlink = cell_link(problem, source, report)
        link.style = "Hyperlink"
        ws.cell(row=ws.max_row, column=HEADERS.index("问题") + 1).alignment = Alignment(wrap_text=True)
    if not problems:
        ws.append(["没有问题：内容可以发布。"])
    for letter, width in zip("ABCDEFGH", (22, 10, 6, 6, 16, 60, 8, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:H{max(ws.max_row, 1)}"
    report.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(report)
    return report
