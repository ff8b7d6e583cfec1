"""Read the workbooks county staff keep (办事指南.xlsx, 政府信息.xlsx …) into records.

The layout (workbooks, sheets, Chinese headers) is content_sync.workbook_layout; the folder as a
whole is read by content_sync.sources, which calls `read_book` for each record type kept as a
workbook. Every problem names the workbook, the sheet, the row number and the header as Excel
shows them, in English and in Chinese; all problems are collected, none stops the reading.

Cells are read as staff see them: a merged range counts as its value in every cell it covers, text
is stripped of spaces and of a byte-order mark, full-width digits (１２) count in number and date
cells, and a date may be a date cell or text (2024-03-05, 2024/3/5, 2024年3月5日). A value that
cannot be read is reported, never guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils import column_index_from_string, coordinate_to_tuple, get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from pydantic import BaseModel, ValidationError

from .errors import Problem
from .problem_text import zh_error
from .schema import Document, Domain, Guide, LifeEvent, Site, SynonymGroup
from .workbook_layout import (
    NO,
    OFFICE_FIELDS,
    YES,
    Column,
    Sheet,
    Workbook,
)

if TYPE_CHECKING:
    from .sources import _SourceReader

BODY_SUFFIXES = (".txt", ".docx")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_DATE_FORMS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_WORKING_DAYS = re.compile(r"^(\d+)\s*(?:个工作日|工作日)?$")


class CellError(ValueError):
    """A cell that cannot be turned into what its column needs; the message is (English, Chinese)."""

    def __init__(self, english: str, chinese: str):
        super().__init__(english)
        self.chinese = chinese


class Unreadable(Exception):
    """A whole file that cannot be read as a workbook or a CSV sheet."""

    def __init__(self, english: str, chinese: str):
        super().__init__(english)
        self.chinese = chinese


# --- cells ---------------------------------------------------------------------------------


def _ascii_digits(text: str) -> str:
    """Full-width digits and punctuation typed in a number or date cell: ２０２４－０３－０５."""
    return unicodedata.normalize("NFKC", text)


def cell_text(value: Any) -> str:
    """A cell as the text Excel shows: 12.0 -> '12', a date -> '2024-03-05', spaces and BOM stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).lstrip("\ufeff").strip()


def cell_lines(value: Any) -> list[str]:
    """A list cell: one item per line inside the cell; blank lines and spaces around items dropped."""
    return [line.strip() for line in _LINE_BREAKS.split(cell_text(value)) if line.strip()]


def cell_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = cell_text(value)
        raise CellError(
            f"expected a date like 2024-03-05, got the number {shown}; "
            "format the cell as a date or type the date as text",
            f"这里是数字 {shown}，不是日期：请把单元格设成日期格式，或把日期写成文字 2024-03-05",
        )
    text = cell_text(value)
    if not text:
        return None
    plain = _ascii_digits(text).strip()
    for form in _DATE_FORMS:
        match = form.match(plain)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()[:3]))
            except ValueError as exc:
                raise CellError(
                    f"not a valid date ({exc}), got {text!r}", f"“{text}”不是有效的日期（没有这一天）"
                ) from None
    raise CellError(
        f"expected a date like 2024-03-05 or 2024/3/5, got {text!r}",
        f"“{text}”不是日期：请写成 2024-03-05 或 2024/3/5，或把单元格设成日期格式",
    )


def cell_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise CellError(f"expected a whole number, got {cell_text(value)}", "请填整数，例如 5")
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(f"expected a whole number, got {value}", f"“{value}”不是整数：请填整数，例如 5")
    text = cell_text(value)
    if not text:
        return None
    match = _WORKING_DAYS.match(_ascii_digits(text))
    if match:
        return int(match.group(1))
    raise CellError(f"expected a whole number, got {text!r}", f"“{text}”不是整数：请填整数，例如 5")


def cell_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = cell_text(value)
    if not text:
        return None
    if text in (YES, "TRUE", "true"):
        return True
    if text in (NO, "FALSE", "false"):
        return False
    raise CellError(f"expected 是 or 否, got {text!r}", f"“{text}”不是可选值之一：是、否")


def cell_value(column: Column, value: Any) -> Any:
    """One cell as its record field needs it; None means empty (the field's default applies)."""
    if column.kind == "date":
        return cell_date(value)
    if column.kind == "int":
        return cell_int(value)
    if column.kind == "bool":
        return cell_bool(value)
    if column.kind == "list":
        return cell_lines(value) or None
    if isinstance(value, str):
        text = value.lstrip("\ufeff").strip()
        return text or None
    return cell_text(value) or None


# --- files ---------------------------------------------------------------------------------


@dataclass
class Table:
    """One sheet's rows as read from a workbook or a CSV file; row i is what Excel calls row i + 1."""

    file: str  # relative to the source folder: 办事指南.xlsx or 办事指南/材料.csv
    sheet: str  # the worksheet's name; empty for a CSV file (the file is the sheet)
    rows: list[tuple[Any, ...]]


def _merged_ranges(path: Path) -> dict[str, list[str]]:
    """Each worksheet's merged ranges (``A2:A5``), read from the file's XML (openpyxl's fast
    read-only mode does not report them)."""
    out: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return out
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        for sheet in book.iter():
            if not sheet.tag.endswith("}sheet"):
                continue
            rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rel_id, "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            if target in names:
                xml = archive.read(target)
                refs = re.findall(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', xml)
                out[sheet.get("name", "")] = [r.decode() for r in refs]
    return out


def _fill_merged(rows: list[list[Any]], ranges: list[str]) -> None:
    """A merged range shows one value over all its cells; every covered cell gets it."""
    for ref in ranges:
        start, end = ref.split(":")
        c1, r1 = re.match(r"([A-Z]+)(\d+)", start).groups()  # type: ignore[union-attr]
        c2, r2 = re.match(r"([A-Z]+)(\d+)", end).groups()  # type: ignore[union-attr]
        col1, col2 = column_index_from_string(c1) - 1, column_index_from_string(c2) - 1
        row1, row2 = int(r1) - 1, int(r2) - 1
        if row1 >= len(rows):
            continue
        top = rows[row1]
        value = top[col1] if col1 < len(top) else None
        for r in range(row1, min(row2, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= col2:
                row.extend([None] * (col2 + 1 - len(row)))
            for c in range(col1, col2 + 1):
                row[c] = value


_INLINE_STRING = f"{{{SHEET_MAIN_NS}}}is"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_RUN = f"{{{SHEET_MAIN_NS}}}r"


class _SheetParser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's sheet parser with a quick path for inline strings (the cells openpyxl itself
    writes): their text is joined directly instead of being built into rich-text objects, which
    took most of the reading time of a large workbook. Every other cell goes to openpyxl.
    The parser and the sheet's source are openpyxl internals: pyproject.toml pins openpyxl 3.1,
    and tests/test_workbooks.py compares this path with openpyxl's own reading."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        if element.get("t") != "inlineStr":
            return super().parse_cell(element)  # type: ignore[no-any-return]
        child = element.find(_INLINE_STRING)
        if child is None:
            return super().parse_cell(element)  # type: ignore[no-any-return]
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        parts = []
        for node in child:  # the plain text and the runs' text; phonetic hints (rPh) are left out
            if node.tag == _TEXT:
                parts.append(node.text or "")
            elif node.tag == _RUN:
                text = node.find(_TEXT)
                if text is not None:
                    parts.append(text.text or "")
        return {"row": row, "column": column, "value": "".join(parts), "data_type": "s", "style_id": 0}


def _sheet_values(workbook: Any, sheet: Any) -> list[list[Any]]:
    """A read-only worksheet's cell values, row by row, every row read whatever size the file
    declares (some writers store a wrong one): what ``iter_rows(values_only=True)`` gives after
    ``reset_dimensions()``, row i being Excel's row i + 1, missing rows empty."""
    rows: list[list[Any]] = []
    with sheet._get_source() as source:
        parser = _SheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number <= len(rows):
                continue  # a row number repeated or going back: openpyxl skips it too
            while len(rows) < number - 1:
                rows.append([])
            width = cells[-1]["column"] if cells else 0  # as openpyxl: the last cell's column
            values: list[Any] = [None] * width
            for cell in cells:
                if 1 <= cell["column"] <= width:
                    values[cell["column"] - 1] = cell["value"]
            rows.append(values)
    return rows


def read_xlsx(path: Path, rel: str) -> dict[str, Table]:
    """Every worksheet of a workbook, by name (names stripped of spaces)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # styles and extensions openpyxl does not know
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
            merged = _merged_ranges(path)
        except Exception as exc:  # a damaged or foreign file raises many different errors
            raise Unreadable(
                f"not an Excel workbook (.xlsx) or damaged: {exc}", "不是 Excel 工作簿（.xlsx），或文件已损坏"
            ) from None
        try:
            tables: dict[str, Table] = {}
            for sheet in workbook.worksheets:
                rows = _sheet_values(workbook, sheet)
                _fill_merged(rows, merged.get(sheet.title, []))
                tables[sheet.title.strip()] = Table(rel, sheet.title.strip(), [tuple(r) for r in rows])
            return tables
        except Exception as exc:
            raise Unreadable(f"cannot read the workbook: {exc}", f"读不出这个工作簿：{exc}") from None
        finally:
            workbook.close()


def read_csv(path: Path, rel: str) -> Table:
    """A CSV file as Excel's "CSV UTF-8" writes it (a byte-order mark is allowed)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            data.decode("gb18030")
            gbk = True
        except UnicodeDecodeError:
            gbk = False
        raise Unreadable(
            f"not UTF-8 text{' (it looks like GBK/ANSI)' if gbk else ''}: byte {exc.start} cannot be decoded; "
            "save the sheet as 'CSV UTF-8 (comma delimited)'",
            f"文件不是 UTF-8 编码{'（像是 GBK/ANSI）' if gbk else ''}：请另存为“CSV UTF-8（逗号分隔）”",
        ) from None
    try:
        rows = [tuple(record) for record in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise Unreadable(f"not a valid CSV file: {exc}", f"CSV 格式错误：{exc}") from None
    return Table(rel, "", rows)


def read_body_file(path: Path) -> str:
    """The text of a document body kept in a .txt (UTF-8) or .docx file; paragraphs become lines."""
    if path.suffix.lower() == ".docx":
        import docx  # python-docx; imported here because only a few counties keep bodies as .docx

        try:
            document = docx.Document(str(path))
        except Exception as exc:
            raise Unreadable(
                f"not a Word document (.docx) or damaged: {exc}", "不是 Word 文档（.docx），或文件已损坏"
            ) from None
        return "\n".join(p.text for p in document.paragraphs)
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable("not UTF-8 text; save the file as UTF-8", "文件不是 UTF-8 编码：请另存为 UTF-8") from None


# --- rows ----------------------------------------------------------------------------------


@dataclass
class RowRef:
    """Where one record (or one part of a record) is: file, sheet, row, and each field's column."""

    table: Table
    row: int
    columns: dict[str, tuple[str, Column]]  # field -> (column letter, column)
    ident: str = ""
    parts: dict[str, list[RowRef]] = field(default_factory=dict)  # materials/steps/attachments

    @property
    def record(self) -> str:
        where = f"sheet {self.table.sheet}, row {self.row}" if self.table.sheet else f"row {self.row}"
        return f"{where} (id={self.ident})" if self.ident else where

    def problem(self, field_name: str, message: str, zh: str, index: int | None = None) -> Problem:
        """A problem at this row, in the column of `field_name` (or the row as a whole)."""
        letter, column = self.columns.get(field_name, ("", None))
        header = column.header if column else ""
        english_field = f"{header} ({field_name})" if column else field_name
        if index is not None and column is not None:
            english_field += f"[{index}]"
            header += f" 第 {index + 1} 项"
        return Problem(
            self.table.file,
            self.record,
            english_field,
            message,
            sheet=self.table.sheet,
            row=self.row,
            column=letter,
            header=header,
            zh=zh,
        )

    def locate(self, loc: tuple[int | str, ...]) -> tuple[RowRef, str, int | None]:
        """The row, field and list index a pydantic error location points to."""
        if not loc:
            return self, "", None
        head = str(loc[0])
        if head in self.parts and len(loc) >= 2 and isinstance(loc[1], int) and loc[1] < len(self.parts[head]):
            part = self.parts[head][loc[1]]
            return part, str(loc[2]) if len(loc) > 2 else "", None
        if head == "disclosure_office" and len(loc) > 1:
            office = {v: k for k, v in OFFICE_FIELDS.items()}
            return self, office.get(str(loc[1]), head), None
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        return self, head, index


@dataclass
class Rows:
    """A sheet's records as dicts of field values, each with where it came from."""

    records: list[tuple[dict[str, Any], RowRef]]
    present: set[str]  # fields whose column is present


class _BookReader:
    """Reads the sheets of one workbook (or CSV folder) for one source folder."""

    def __init__(self, reader: _SourceReader, book: Workbook):
        self.reader = reader
        self.book = book
        self.tables: dict[str, Table] = {}

    def add(self, problem: Problem) -> None:
        self.reader.problems.append(problem)

    def file_problem(self, rel: str, english: str, chinese: str, sheet: str = "") -> None:
        self.add(Problem(rel, f"sheet {sheet}" if sheet else "", "", english, sheet=sheet, zh=chinese))

    def load(self, root: Path) -> bool:
        """Read the workbook or its CSV folder; False if it could not be read at all."""
        xlsx = root / self.book.file_name
        folder = root / self.book.name
        if xlsx.is_file():
            try:
                self.tables = read_xlsx(xlsx, self.book.file_name)
            except Unreadable as exc:
                self.file_problem(self.book.file_name, str(exc), exc.chinese)
                return False
            if len(self.book.sheets) == 1 and len(self.tables) == 1:
                # A one-sheet workbook: its sheet is the one, whatever it is called.
                only = next(iter(self.tables.values()))
                self.tables = {self.book.sheets[0].name: only}
            return True
        for sheet in self.book.sheets:
            path = folder / f"{sheet.name}.csv"
            rel = f"{self.book.name}/{sheet.name}.csv"
            if path.is_file():
                try:
                    self.tables[sheet.name] = read_csv(path, rel)
                except Unreadable as exc:
                    self.file_problem(rel, str(exc), exc.chinese)
                    return False
        known = {f"{s.name}.csv" for s in self.book.sheets}
        for path in sorted(folder.iterdir()):
            if not path.name.startswith((".", "~$")) and path.name not in known and path.suffix.lower() == ".csv":
                self.file_problem(
                    f"{self.book.name}/{path.name}",
                    f"not a sheet of {self.book.file_name}; its sheets are {', '.join(sorted(known))}",
                    f"不是{self.book.name}的表；可用的表名有：{'、'.join(sorted(known))}",
                )
        return True

    def table(self, sheet: Sheet, required: bool = True) -> Table | None:
        table = self.tables.get(sheet.name)
        if table is None and required:
            if (self.reader.root / self.book.file_name).is_file():
                self.file_problem(
                    self.book.file_name,
                    f"the workbook has no sheet named {sheet.name!r}",
                    f"缺少“{sheet.name}”工作表（工作表的名字要一字不差）",
                )
            else:
                rel = f"{self.book.name}/{sheet.name}.csv"
                self.file_problem(rel, "file is missing; it is required", "缺少这个文件，它是必需的")
        return table

    def rows(self, sheet: Sheet, table: Table) -> Rows:
        """The records of a sheet; problems with headers and cells are recorded."""
        if not table.rows or not any(cell_text(v) for v in table.rows[0]):
            self.add(
                Problem(
                    table.file,
                    "row 1",
                    "",
                    "row 1 must hold the headers; it is empty",
                    sheet=table.sheet,
                    row=1,
                    zh=f"第 1 行应是列名（{'、'.join(c.header for c in sheet.columns[:3])}……），现在是空的",
                )
            )
            return Rows([], set())
        by_header = sheet.by_header
        columns: dict[str, tuple[int, Column]] = {}
        unnamed: list[int] = []
        for index, cell in enumerate(table.rows[0]):
            header = cell_text(cell)
            letter = get_column_letter(index + 1)
            where = {"sheet": table.sheet, "row": 1, "column": letter, "header": header}
            if not header:
                unnamed.append(index)
            elif header not in by_header:
                close = difflib.get_close_matches(header, list(by_header), n=1, cutoff=0.5)
                hint_en = f"; did you mean {close[0]!r}?" if close else f"; the headers are {', '.join(by_header)}"
                hint_zh = f"；是不是“{close[0]}”？" if close else f"；可用的列名有：{'、'.join(by_header)}"
                self.add(
                    Problem(
                        table.file,
                        "row 1",
                        f"column {letter}",
                        f"unknown header {header!r}{hint_en}",
                        zh=f"列名“{header}”不认识{hint_zh}",
                        **where,
                    )
                )
            elif by_header[header].field in columns:
                first = get_column_letter(columns[by_header[header].field][0] + 1)
                self.add(
                    Problem(
                        table.file,
                        "row 1",
                        f"column {letter}",
                        f"duplicate header {header!r} (also column {first})",
                        zh=f"列名“{header}”重复（{first} 列也是）",
                        **where,
                    )
                )
            else:
                columns[by_header[header].field] = (index, by_header[header])
        for column in sheet.columns:
            if column.required and column.field not in columns:
                self.add(
                    Problem(
                        table.file,
                        "row 1",
                        f"{column.header} ({column.field})",
                        f"missing column: add a column headed {column.header!r}",
                        sheet=table.sheet,
                        row=1,
                        header=column.header,
                        zh=f"缺少“{column.header}”这一列：请在第 1 行加上这一列",
                    )
                )
        letters = {f: (get_column_letter(i + 1), c) for f, (i, c) in columns.items()}
        width = len(table.rows[0])
        stray: set[int] = set()
        records: list[tuple[dict[str, Any], RowRef]] = []
        for number, row in enumerate(table.rows[1:], start=2):
            if not any(cell_text(v) for v in row):
                continue  # empty rows are skipped
            data: dict[str, Any] = {}
            ref = RowRef(table, number, letters)
            unreadable: list[tuple[str, CellError]] = []
            for name, (index, column) in columns.items():
                try:
                    value = cell_value(column, row[index] if index < len(row) else None)
                except CellError as exc:
                    unreadable.append((name, exc))
                    data[name] = _BAD
                    continue
                if value is not None:
                    data[name] = value
            ident = data.get("id")
            ref.ident = ident if isinstance(ident, str) else ""
            for name, exc in unreadable:
                self.add(ref.problem(name, str(exc), exc.chinese))
            for index in [*unnamed, *range(width, len(row))]:
                if index < len(row) and cell_text(row[index]) and index not in stray:
                    stray.add(index)  # once per column is enough
                    letter = get_column_letter(index + 1)
                    self.add(
                        Problem(
                            table.file,
                            ref.record,
                            f"column {letter}",
                            "this column has values but no header in row 1",
                            sheet=table.sheet,
                            row=number,
                            column=letter,
                            header=f"{letter} 列",
                            zh="这一列有内容，但第 1 行没有列名",
                        )
                    )
            records.append((data, ref))
        return Rows(records, set(columns))

    # --- validation -----------------------------------------------------------------------

    def validate(self, model: type[BaseModel], data: dict[str, Any], ref: RowRef) -> Any:
        """The record, or None after one problem per error, each at its sheet, row and column.

        Cells already reported as unreadable (marked _BAD) are left out, and so are the errors
        their absence causes."""
        skip: set[tuple[int, str]] = set()
        data = _without_bad(data, ref, skip)
        try:
            return model.model_validate(data, context=self.reader.context)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                at, name, index = ref.locate(error["loc"])
                if (id(at), name) in skip:
                    continue
                if at is ref and name in _PART_SHEETS and error["type"] in ("too_short", "missing"):
                    sheet = _PART_SHEETS[name]
                    self.add(
                        ref.problem(
                            "",
                            f"no rows on sheet {sheet} belong to it; at least one is needed",
                            f"“{sheet}”表里没有属于它的行：至少要有一行",
                        )
                    )
                    continue
                name = _model_field(name, error)
                if name == "disclosure_office" and "online_url" in str(error.get("msg", "")):
                    name = "office_online_url"  # the office's own check of its link
                column = at.columns.get(name, ("", None))[1]
                english = _english(error)
                self.add(at.problem(name, english, zh_error(error, name, column.choices if column else ()), index))
            return None

    def claim(self, kind: str, ident: Any, ref: RowRef, key_name: str = "id") -> bool:
        if not isinstance(ident, str) or not ident.strip():
            return True
        slot = (kind, key_name, ident.strip())
        first = self.reader._first.get(slot)
        if first is not None:
            self.add(
                ref.problem(
                    key_name,
                    f"duplicate {key_name} {ident.strip()!r}: {first} already uses it",
                    f"“{ident.strip()}”重复：{_zh_where(first)} 已经用了",
                )
            )
            return False
        self.reader._first[slot] = f"{ref.table.file}, {ref.record}"
        return True


_BAD = object()  # a cell whose problem is already recorded
_PART_SHEETS = {"materials": "材料", "steps": "流程", "halls": "场所"}  # list fields kept as rows of a sheet


def _without_bad(data: dict[str, Any], ref: RowRef, skip: set[tuple[int, str]]) -> dict[str, Any]:
    """`data` without the cells marked _BAD (in parts, too); their places go into `skip`."""
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if value is _BAD:
            skip.add((id(ref), key))
        elif key in ref.parts and isinstance(value, list):
            clean[key] = [_without_bad(item, part, skip) for item, part in zip(value, ref.parts[key], strict=True)]
        else:
            clean[key] = value
    return clean


def _english(error: dict[str, Any]) -> str:
    from .sources import _message

    return _message(error)


def _model_field(name: str, error: dict[str, Any]) -> str:
    """A model-level error (no location) belongs to the column its message is about."""
    if name:
        return name
    message = str(error.get("msg", ""))
    for field_name in ("portal_base_url", "online_service_base_url"):
        if message.removeprefix("Value error, ").startswith(field_name):
            return field_name
    for field_name in ("promised_limit_days", "validity", "interprets", "expires_on", "terms"):
        if field_name in message or (field_name == "interprets" and "解读" in message):
            return field_name
    return ""


def _zh_where(where: str) -> str:
    from .problem_text import where_zh

    return where_zh(where)


# --- record types --------------------------------------------------------------------------


def _parts_by_parent(
    books: _BookReader, sheet: Sheet, rows: Rows, parents: dict[str, str], names: dict[str, list[str]]
) -> dict[str, list[tuple[dict[str, Any], RowRef]]]:
    """`parents` maps each parent's id to its name; `names` each name to the ids that have it."""
    """Rows of a parts sheet (材料, 流程, 附件), grouped by the parent they name, in sheet order."""
    out: dict[str, list[tuple[dict[str, Any], RowRef]]] = {}
    id_field = sheet.link[0]
    name_field = sheet.link[1] if len(sheet.link) > 1 else None
    parent_sheet = "事项" if name_field else "文件"
    for data, ref in rows.records:
        ident = data.pop(id_field, None)
        name = data.pop(name_field, None) if name_field else None
        ident = None if ident is _BAD else ident
        parent = None
        if ident:
            if ident not in parents:
                self_msg = f"no record with id {ident!r} on sheet {parent_sheet}"
                books.add(ref.problem(id_field, self_msg, f"“{parent_sheet}”表里没有编号为 {ident} 的一行"))
                continue
            parent = ident
            if name and name is not _BAD and name != parents[ident]:
                books.add(
                    ref.problem(
                        name_field or "",
                        f"{name!r} is not the name of {ident} ({parents[ident]!r})",
                        f"“{name}”与编号 {ident} 的事项名称“{parents[ident]}”不一致",
                    )
                )
                continue
        elif name:
            matches = names.get(name, [])
            if len(matches) != 1:
                english = (
                    f"no guide named {name!r}"
                    if not matches
                    else f"{len(matches)} guides are named {name!r}; give the 编号"
                )
                chinese = (
                    f"“事项”表里没有名为“{name}”的指南"
                    if not matches
                    else f"有 {len(matches)} 个指南都叫“{name}”：请填“编号”"
                )
                books.add(ref.problem(name_field or "", english, chinese))
                continue
            parent = matches[0]
        else:
            headers = "、".join(f"“{sheet.column(f).header}”" for f in sheet.link)
            books.add(
                ref.problem(
                    id_field,
                    "empty; say which record this row belongs to",
                    f"没有填所属的{parent_sheet}：请填{headers}",
                )
            )
            continue
        out.setdefault(parent, []).append((data, ref))
    return out


def _read_main(books: _BookReader, sheet: Sheet, kind: str) -> list[tuple[dict[str, Any], RowRef]]:
    table = books.table(sheet)
    if table is None:
        return []
    rows = books.rows(sheet, table)
    out = []
    for data, ref in rows.records:
        if books.claim(kind, data.get("id"), ref):
            out.append((data, ref))
    return out


def _accept(books: _BookReader, kind: str, record: Any, ref: RowRef) -> None:
    books.reader.refs[(kind, record.id)] = ref
    books.reader.located[(kind, record.id)] = (ref.table.file, ref.record)


def _reject(books: _BookReader, kind: str, key: Any) -> None:
    if kind in books.reader.rejected and isinstance(key, str):
        books.reader.rejected[kind].add(key.strip())


def read_guides(books: _BookReader) -> list[Guide]:
    main_sheet, material_sheet, step_sheet = books.book.sheets
    mains = _read_main(books, main_sheet, "guide")
    parents: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for data, _ref in mains:
        ident, name = data.get("id"), data.get("name")
        if isinstance(ident, str):
            parents[ident] = name if isinstance(name, str) else ""
            if isinstance(name, str):
                names.setdefault(name, []).append(ident)
    parts: dict[str, dict[str, list[tuple[dict[str, Any], RowRef]]]] = {}
    for sheet, key in ((material_sheet, "materials"), (step_sheet, "steps")):
        table = books.table(sheet)
        parts[key] = _parts_by_parent(books, sheet, books.rows(sheet, table), parents, names) if table else {}
    guides = []
    for data, ref in mains:
        ident = data.get("id")
        for key in ("materials", "steps"):
            found = parts[key].get(ident, []) if isinstance(ident, str) else []
            data[key] = [d for d, _ in found]
            ref.parts[key] = [r for _, r in found]
        guide = books.validate(Guide, data, ref)
        if guide is None:
            _reject(books, "guide", ident)
        else:
            guides.append(guide)
            _accept(books, "guide", guide, ref)
    return guides


def read_documents(books: _BookReader) -> list[Document]:
    main_sheet, attachment_sheet = books.book.sheets
    mains = _read_main(books, main_sheet, "document")
    parents = {data["id"]: "" for data, _ref in mains if isinstance(data.get("id"), str)}
    table = books.table(attachment_sheet, required=False)
    parts = _parts_by_parent(books, attachment_sheet, books.rows(attachment_sheet, table), parents, {}) if table else {}
    documents = []
    for data, ref in mains:
        ident = data.get("id")
        body_file = data.pop("body_file", None)
        if body_file is not None and body_file is not _BAD:
            if data.get("body"):
                books.add(
                    ref.problem(
                        "body_file",
                        "both 正文 and 正文文件 are filled; keep one",
                        "“正文”和“正文文件”都填了：只留一个",
                    )
                )
                _reject(books, "document", ident)
                continue
            text = _body(books, ref, str(body_file))
            if text is None:
                _reject(books, "document", ident)
                continue
            data["body"] = text
        found = parts.get(ident, []) if isinstance(ident, str) else []
        data["attachments"] = [d for d, _ in found]
        ref.parts["attachments"] = [r for _, r in found]
        document = books.validate(Document, data, ref)
        if document is None:
            _reject(books, "document", ident)
        else:
            documents.append(document)
            _accept(books, "document", document, ref)
    return documents


def _body(books: _BookReader, ref: RowRef, name: str) -> str | None:
    root = books.reader.root
    relative = Path(name.replace("\\", "/"))
    path = root / relative
    if relative.is_absolute() or ".." in relative.parts:
        books.add(ref.problem("body_file", f"{name!r} must be inside the source folder", f"“{name}”必须在源文件夹里"))
        return None
    if relative.suffix.lower() not in BODY_SUFFIXES:
        books.add(ref.problem("body_file", f"{name!r} is not a .txt or .docx file", f"“{name}”不是 .txt 或 .docx 文件"))
        return None
    if not path.is_file():
        books.add(ref.problem("body_file", f"file {name} is missing", f"源文件夹里没有文件 {name}"))
        return None
    try:
        return read_body_file(path)
    except Unreadable as exc:
        books.add(ref.problem("body_file", f"{name}: {exc}", f"{name}：{exc.chinese}"))
    except OSError as exc:
        books.add(ref.problem("body_file", f"cannot read {name}: {exc.strerror}", f"读不出文件 {name}"))
    return None


def _read_simple(books: _BookReader, model: type[BaseModel], kind: str) -> list[Any]:
    out = []
    for data, ref in _read_main(books, books.book.sheets[0], kind):
        record = books.validate(model, data, ref)
        if record is None:
            _reject(books, kind, data.get("id"))
        else:
            out.append(record)
            _accept(books, kind, record, ref)
    return out


def read_life_events(books: _BookReader) -> list[LifeEvent]:
    return _read_simple(books, LifeEvent, "life_event")


def read_synonyms(books: _BookReader) -> list[SynonymGroup]:
    return _read_simple(books, SynonymGroup, "synonym")


def read_domains(books: _BookReader) -> list[Domain] | None:
    sheet = books.book.sheets[2]
    table = books.table(sheet)
    if table is None:
        return None
    out = []
    records = books.rows(sheet, table).records
    # Names of every domain row, valid or not, so one bad domain does not echo everywhere.
    books.reader.raw["domain"] = [{"name": d["name"]} for d, _ in records if isinstance(d.get("name"), str)]
    for data, ref in records:
        unique = books.claim("domain", data.get("id"), ref)
        unique = books.claim("domain", data.get("name"), ref, "name") and unique
        record = books.validate(Domain, data, ref)
        if record is None:
            _reject(books, "domain", data.get("name"))
        elif unique:
            out.append(record)
            _accept(books, "domain", record, ref)
    return out


def read_site(books: _BookReader) -> tuple[Site | None, dict[str, Any] | None]:
    """The site from the 县 sheet (one row) and the 场所 sheet (one row per hall)."""
    site_sheet, hall_sheet = books.book.sheets[0], books.book.sheets[1]
    table = books.table(site_sheet)
    hall_table = books.table(hall_sheet)
    if table is None or hall_table is None:
        return None, None
    records = books.rows(site_sheet, table).records
    if len(records) != 1:
        books.file_problem(
            table.file,
            f"expected one row under the headers (the county), got {len(records)}",
            f"表头下面应正好有一行（本县），现在有 {len(records)} 行",
            table.sheet,
        )
        return None, None
    data, ref = records[0]
    office = {OFFICE_FIELDS[k]: data.pop(k) for k in list(data) if k in OFFICE_FIELDS}
    if office:
        data["disclosure_office"] = office
    halls = []
    hall_refs = []
    for hall, hall_ref in books.rows(hall_sheet, hall_table).records:
        halls.append(hall)
        hall_refs.append(hall_ref)
    ref.parts["halls"] = hall_refs
    data["halls"] = halls
    site = books.validate(Site, data, ref)
    if any(v is _BAD for v in data.values()):
        site = None
    raw = {"qr_allowed_hosts": data.get("qr_allowed_hosts")}
    return site, raw
