"""Write a county's records as the workbooks staff keep: `content-sync template` and `export`.

`write_template` gives empty workbooks (headers, drop-down lists, one filled example row, frozen
header row, a 填写说明 sheet); `export_source` writes an existing source folder (JSON or sheets)
as workbooks, or as CSV folders (one CSV UTF-8 file per sheet, readable in a diff). Reading what
was written gives the same bundle again (tests/test_workbooks_roundtrip.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, get_args

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .bundle import ContentBundle
from .errors import ContentSyncError
from .schema import CatalogItem
from .sources import LIST_FIELDS, OPTIONAL_COLUMNS, SHEET_HEADERS, read_source
from .workbook_layout import (
    COUNTY_BOOK,
    DOCUMENT_BOOK,
    GUIDE_BOOK,
    LIFE_EVENT_BOOK,
    NO,
    OFFICE_FIELDS,
    SYNONYM_BOOK,
    WORKBOOKS,
    YES,
    Column,
    Sheet,
    Workbook,
)

Form = Literal["xlsx", "csv"]
# Excel keeps at most 32,767 characters in a cell; longer document bodies go into a .txt file.
CELL_LIMIT = 32_000
BODY_FOLDER = "正文"
VALIDATION_ROWS = 5000  # drop-downs cover this many rows beyond the data
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_EXAMPLE_FONT = Font(color="7F7F7F", italic=True)

Row = dict[str, Any]


def _catalog_sheet() -> Sheet:
    """The catalog's columns in the same terms as the other sheets (the catalog reader is
    content_sync.sources; its list cells are separated by 、)."""
    columns = []
    for header, name in SHEET_HEADERS.items():
        info = CatalogItem.model_fields[name]
        args = get_args(info.annotation)
        choices = tuple(a for a in args if isinstance(a, str))
        kind = "date" if name == "updated_at" else "list" if name in LIST_FIELDS else "choice" if choices else "text"
        if kind == "list":
            inner = get_args(args[0]) if args else ()
            choices = tuple(a for a in inner if isinstance(a, str))
        columns.append(Column(header, name, kind, required=name not in OPTIONAL_COLUMNS, choices=choices))
    return Sheet("公开目录", tuple(columns))


CATALOG_SHEET = _catalog_sheet()
CATALOG_EXAMPLE: Row = {
    "id": "c-social-001",
    "disclosure_type": "服务",
    "domain": "社会保险",
    "category_1": "养老保险",
    "category_2": "城乡居民养老保险",
    "name": "城乡居民养老保险参保登记",
    "content": "办理条件、所需材料、办理流程、办理时限",
    "basis": "《中华人民共和国社会保险法》",
    "publisher": "禾川县社会保险事业管理局",
    "time_limit": "自信息形成或变更之日起20个工作日内",
    "channels": ["政府网站", "政务公开专区"],
    "audience": "个人",
    "form": "主动公开",
    "status": "已公开",
    "service_class": "行政服务",
    "item_type": "办事指南",
    "level": ["县级", "乡级"],
    "guide_id": "g-social-01",
    "document_ids": ["d-0001"],
    "updated_at": dt.date(2026, 3, 2),
}


# --- records -> rows -----------------------------------------------------------------------


def _dump(record: Any) -> Row:
    return record.model_dump(mode="python")


def book_rows(book: Workbook, bundle: ContentBundle, out_dir: Path | None = None) -> dict[str, list[Row]]:
    """The rows of each sheet of `book` for the records of `bundle`."""
    if book is COUNTY_BOOK:
        site = _dump(bundle.site)
        office = site.pop("disclosure_office", None) or {}
        halls = site.pop("halls")
        for column_field, office_field in OFFICE_FIELDS.items():
            if office:
                site[column_field] = office.get(office_field, "")
        return {"县": [site], "场所": halls, "业务领域": [_dump(d) for d in bundle.domains]}
    if book is GUIDE_BOOK:
        guides, materials, steps = [], [], []
        for guide in bundle.guides:
            row = _dump(guide)
            link = {"guide_id": guide.id, "guide_name": guide.name}
            materials += [{**link, **m} for m in row.pop("materials")]
            steps += [{**link, **s} for s in row.pop("steps")]
            guides.append(row)
        return {"事项": guides, "材料": materials, "流程": steps}
    if book is DOCUMENT_BOOK:
        documents, attachments = [], []
        for document in bundle.documents:
            row = _dump(document)
            attachments += [{"document_id": document.id, **a} for a in row.pop("attachments")]
            if len(row["body"]) > CELL_LIMIT:
                name = f"{BODY_FOLDER}/{document.id}.txt"
                if out_dir is not None:
                    (out_dir / BODY_FOLDER).mkdir(parents=True, exist_ok=True)
                    (out_dir / name).write_text(row["body"], encoding="utf-8")
                row["body"], row["body_file"] = None, name
            documents.append(row)
        return {"文件": documents, "附件": attachments}
    if book is LIFE_EVENT_BOOK:
        return {"一件事": [_dump(e) for e in bundle.life_events]}
    if book is SYNONYM_BOOK:
        return {"同义词": [_dump(s) for s in bundle.synonyms]}
    raise ValueError(f"unknown workbook {book.name}")


def _cell(column: Column, value: Any, separator: str = "\n") -> Any:
    """A field's value as the cell staff see: lists one item per line, 是/否, dates as dates."""
    if value is None:
        return None
    if column.kind == "list":
        return separator.join(value) if value else None
    if column.kind == "bool":
        return YES if value else NO
    if isinstance(value, str):
        return value if value else None
    return value


def _text(column: Column, value: Any, separator: str = "\n") -> str:
    cell = _cell(column, value, separator)
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


# --- xlsx ----------------------------------------------------------------------------------


def _drop_down(column: Column) -> DataValidation | None:
    if not column.choices or column.kind == "list":
        return None
    formula = '"' + ",".join(column.choices) + '"'
    if len(formula) > 255:  # Excel's limit for a list typed into the validation
        return None
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    validation.error = f"请从下拉列表里选：{'、'.join(column.choices)}"
    validation.errorTitle = f"{column.header}：不是可选值"
    validation.prompt = "从下拉列表里选一个"
    validation.promptTitle = column.header
    validation.showErrorMessage = True
    validation.showInputMessage = True
    return validation


def _note(column: Column, sheet: Sheet, required: bool = True) -> str:
    parts = ["必填" if column.required else "可不填"] if required else []
    if column.note:
        parts.append(column.note)
    if column.kind == "date":
        parts.append("日期，如 2026-03-02")
    if column.choices and column.kind != "list":
        parts.append("可选值：" + "、".join(column.choices))
    elif column.choices:
        parts.append("可填：" + "、".join(column.choices))
    return "；".join(parts) or "—"


def _write_sheet(ws: Any, sheet: Sheet, rows: Iterable[Row], separator: str = "\n", example: bool = False) -> None:
    ws.title = sheet.name
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.comment = Comment(_note(column, sheet), "content-sync", width=260, height=110)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    number = 1
    for number, row in enumerate(rows, start=2):
        lines = 1
        for index, column in enumerate(sheet.columns, start=1):
            value = _cell(column, row.get(column.field), separator)
            if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
                raise ContentSyncError(
                    f"{sheet.name}, row {number}, {column.header}: the text has control characters "
                    "that a workbook cannot hold; remove them from the source"
                )
            cell = ws.cell(row=number, column=index, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text that starts with '=' stays text, never a formula
                if "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    lines = max(lines, value.count("\n") + 1)
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if example:
                cell.font = _EXAMPLE_FONT
        if lines > 1:  # show every line of a list cell (up to eight) without resizing the row
            ws.row_dimensions[number].height = 15 * min(lines, 8)
    ws.freeze_panes = "A2"
    # Printed (a blank form to fill in by hand, say), A4 landscape with the headers on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "1:1"
    last = max(number, 1) + VALIDATION_ROWS
    for index, column in enumerate(sheet.columns, start=1):
        validation = _drop_down(column)
        if validation is not None:
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(validation)


def _write_guide_sheet(ws: Any, book: Workbook) -> None:
    """The 填写说明 sheet: every column of every sheet, whether it is required, what it takes."""
    ws.title = "填写说明"
    ws.append(["工作表", "列名", "是否必填", "说明"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for sheet in book.sheets:
        for column in sheet.columns:
            required = "必填" if column.required else "可不填"
            ws.append([sheet.name, column.header, required, _note(column, sheet, required=False)])
    ws.append([])
    ws.append(
        ["", "填写方法", "", "第 1 行是列名，不要改；从第 2 行起每行一条。灰色斜体的一行是示例，换成自己的内容。"]
    )
    ws.append(["", "", "", "一个单元格里填多项时（如设定依据、申请条件、关键词），每项一行（Alt+Enter 换行）。"])
    ws.append(["", "", "", "写好后运行 content-sync validate 检查；有问题会指出是哪个工作表、第几行、哪一列。"])
    for letter, width in zip("ABCD", (12, 20, 10, 80), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def write_book_xlsx(book: Workbook, rows: dict[str, list[Row]], path: Path, example: bool = False) -> None:
    workbook = openpyxl.Workbook()
    first = True
    for sheet in book.sheets:
        ws = workbook.active if first else workbook.create_sheet()
        first = False
        _write_sheet(ws, sheet, rows.get(sheet.name, []), example=example)
    _write_guide_sheet(workbook.create_sheet(), book)
    workbook.save(path)


def write_book_csv(book: Workbook, rows: dict[str, list[Row]], folder: Path) -> None:
    """One CSV UTF-8 file per sheet (with a byte-order mark, so Excel shows the Chinese)."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet in book.sheets:
        with open(folder / f"{sheet.name}.csv", "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow([c.header for c in sheet.columns])
            for row in rows.get(sheet.name, []):
                writer.writerow([_text(c, row.get(c.field)) for c in sheet.columns])


def write_catalog(items: Iterable[CatalogItem] | Iterable[Row], path: Path, example: bool = False) -> None:
    """Catalog items as a sheet with drop-downs and a frozen header (list cells joined by 、)."""
    rows = [i if isinstance(i, dict) else _dump(i) for i in items]
    if path.suffix == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(list(SHEET_HEADERS))
            for row in rows:
                writer.writerow([_text(c, row.get(c.field), "、") for c in CATALOG_SHEET.columns])
        return
    workbook = openpyxl.Workbook()
    _write_sheet(workbook.active, CATALOG_SHEET, rows, separator="、", example=example)
    workbook.save(path)


# --- commands ------------------------------------------------------------------------------


def write_template(out_dir: str | os.PathLike[str]) -> list[Path]:
    """Empty workbooks with one example row each; together they pass `content-sync validate`."""
    out = Path(out_dir)
    for path in [*(out / b.file_name for b in WORKBOOKS), out / "catalog" / "公开目录.xlsx"]:
        _refuse_overwrite(path)  # before anything is written: a county's own files are never replaced
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for book in WORKBOOKS:
        path = out / book.file_name
        write_book_xlsx(book, {s.name: list(s.example) for s in book.sheets}, path, example=True)
        written.append(path)
    (out / "catalog").mkdir(exist_ok=True)
    path = out / "catalog" / "公开目录.xlsx"
    write_catalog([CATALOG_EXAMPLE], path, example=True)
    written.append(path)
    (out / "attachments").mkdir(exist_ok=True)
    return written


def _refuse_overwrite(path: Path) -> None:
    if path.exists():
        raise ContentSyncError(f"{path} already exists; choose an empty folder")


def export_bundle(bundle: ContentBundle, files: dict[tuple[str, str], str], out_dir: Path, form: Form) -> list[Path]:
    """Write `bundle` as workbooks (or CSV folders) into `out_dir`, which must hold none of them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for book in WORKBOOKS:
        rows = book_rows(book, bundle, out_dir)
        if book is DOCUMENT_BOOK and not bundle.documents:
            continue
        if book is LIFE_EVENT_BOOK and not bundle.life_events:
            continue
        if book is SYNONYM_BOOK and not bundle.synonyms:
            continue
        if form == "xlsx":
            path = out_dir / book.file_name
            _refuse_overwrite(path)
            write_book_xlsx(book, rows, path)
        else:
            path = out_dir / book.name
            _refuse_overwrite(path)
            write_book_csv(book, rows, path)
        written.append(path)
    # The catalog keeps its split into sheets (县级目录, 乡级目录 …), each in the chosen form.
    groups: dict[str, list[CatalogItem]] = {}
    for item in bundle.catalog:
        stem = Path(files.get(("catalog", item.id), "catalog/公开目录.xlsx")).stem
        groups.setdefault(stem, []).append(item)
    (out_dir / "catalog").mkdir(exist_ok=True)
    for stem, items in groups.items():
        path = out_dir / "catalog" / f"{stem}.{form}"
        _refuse_overwrite(path)
        write_catalog(items, path)
        written.append(path)
    for name, data in bundle.attachments.items():
        target = out_dir / "attachments" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return written


def export_source(
    source_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str], form: Form = "xlsx"
) -> list[Path]:
    """Read a source folder (JSON or sheets; it must be valid) and write it as workbooks."""
    source = read_source(source_dir)
    out = Path(out_dir)
    if out.resolve() == Path(source_dir).resolve():
        raise ContentSyncError("OUT_DIR must be another folder than SOURCE_DIR")
    return export_bundle(source.bundle, source.files, out, form)
