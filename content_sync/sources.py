"""Read a county's source folder into a validated ContentBundle, and write catalog sheets.

The folder format is described in docs/content-format.md. County staff keep the catalog as
spreadsheets with Chinese headers and the other records as JSON / JSON Lines. Every problem in
every file is collected, each located by file, record and field, so a source can be fixed in one
pass; a source with any problem is rejected whole (SchemaError), never partly published.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import difflib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ValidationError

from . import workbooks
from .bundle import SOURCE_NAMES, ContentBundle, check_bundle
from .errors import ContentSyncError, Problem, SchemaError
from .problem_text import translate
from .schema import (
    CatalogItem,
    Document,
    Domain,
    Guide,
    LifeEvent,
    Site,
    SynonymGroup,
    ValidationContext,
)
from .workbook_layout import (
    COUNTY_BOOK,
    DOCUMENT_BOOK,
    GUIDE_BOOK,
    LIFE_EVENT_BOOK,
    SYNONYM_BOOK,
    Workbook,
)

# Catalog sheet headers (the Chinese element names) -> CatalogItem fields, in the standard order.
SHEET_HEADERS: dict[str, str] = {
    "编号": "id",
    "公开类型": "disclosure_type",
    "业务领域": "domain",
    "一级分类": "category_1",
    "二级分类": "category_2",
    "事项名称": "name",
    "事项内容": "content",
    "公开依据": "basis",
    "公开主体": "publisher",
    "公开时限": "time_limit",
    "公开渠道": "channels",
    "服务对象": "audience",
    "公开形式": "form",
    "公开状态": "status",
    "服务类别": "service_class",
    "事项类型": "item_type",
    "公开层级": "level",
    "关联指南": "guide_id",
    "关联文件": "document_ids",
    "链接": "url",
    "更新日期": "updated_at",
}
FIELD_HEADERS: dict[str, str] = {field: header for header, field in SHEET_HEADERS.items()}
LIST_FIELDS = frozenset({"channels", "level", "document_ids"})
DATE_FIELDS = frozenset({"updated_at"})
# Columns that may be left out of a sheet altogether (every row then has "none").
OPTIONAL_COLUMNS = frozenset(name for name, info in CatalogItem.model_fields.items() if not info.is_required())
LIST_SEPARATORS = re.compile(r"[、；;\r\n]")

_NOT_CATALOG = (".", "~$")  # hidden files and Excel's lock files are not sheets
_FAILED = object()  # a file that exists but could not be read; its problem is already recorded


def sheet_label(field: str) -> str:
    """How a catalog field is named in messages about sheets: ``公开类型 (disclosure_type)``."""
    return f"{FIELD_HEADERS[field]} ({field})" if field in FIELD_HEADERS else field


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


# pydantic error types whose message already says enough, or whose input is not worth repeating.
_NO_INPUT_IN_MESSAGE = frozenset(
    {"missing", "value_error", "assertion_error", "string_too_short", "too_short", "too_long", "extra_forbidden"}
)


def _message(error: dict[str, Any]) -> str:
    """pydantic's message, minus its 'Value error, ' prefix, plus the offending value where useful."""
    kind, msg, value = error["type"], error["msg"], error.get("input")
    msg = msg.removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return "unknown field; check its spelling against docs/content-format.md"
    if kind not in _NO_INPUT_IN_MESSAGE and isinstance(value, str | int | float | bool | dt.date):
        msg += f", got {_short(value)}"
    return msg


def json_path(loc: tuple[int | str, ...]) -> str:
    """pydantic's error location as a path: ``('materials', 2, 'name')`` -> ``materials[2].name``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _sheet_path(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return ""
    head, rest = loc[0], loc[1:]
    return sheet_label(str(head)) + (("" if isinstance(rest[0], int) else ".") + json_path(rest) if rest else "")


_cell_text = workbooks.cell_text
_cell_date = workbooks.cell_date


def _cell_value(field: str, value: Any) -> Any:
    """Turn one catalog cell into what the schema expects; None means 'empty'."""
    if field in DATE_FIELDS:
        return _cell_date(value)
    text = _cell_text(value)
    if not text:
        return None
    if field in LIST_FIELDS:
        items = [part.strip() for part in LIST_SEPARATORS.split(text)]
        return [part for part in items if part] or None
    return text


def _sheet_rows(path: Path, rel: str) -> list[tuple[Any, ...]]:
    """All rows of a catalog sheet: the first worksheet of an .xlsx file, or a CSV file.
    List index + 1 is the row number Excel shows; merged cells hold their value in every cell."""
    if path.suffix.lower() == ".csv":
        return workbooks.read_csv(path, rel).rows
    tables = workbooks.read_xlsx(path, rel)
    if not tables:
        raise workbooks.Unreadable("the workbook has no worksheet", "这个工作簿里没有工作表")
    return next(iter(tables.values())).rows


class _SourceReader:
    """One pass over a source folder, collecting records and problems."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.context = ValidationContext()
        # (kind, id) -> (file, record label) of the record that went into the bundle.
        self.located: dict[tuple[str, str], tuple[str, str]] = {}
        self._first: dict[tuple[str, str, str], str] = {}  # (kind, key name, key) -> "file, record"
        # Ids and domain names of records that exist but failed validation: references to them
        # are not reported again as "no such id".
        self.rejected: dict[str, set[str]] = {"guide": set(), "document": set(), "domain": set()}
        self.raw: dict[str, list[Any]] = {}  # kind -> the records as parsed, before validation
        # (kind, id) -> the row of a record read from a workbook, to place cross-record problems.
        self.refs: dict[tuple[str, str], workbooks.RowRef] = {}
        # What was read for each kind of record: "guides.jsonl" or "办事指南.xlsx", for `validate`.
        self.forms: dict[str, str] = {}

    def add(self, file: str, record: str, field: str, message: str, **where: Any) -> None:
        self.problems.append(Problem(file, record, field, message, **where))

    # --- files ---------------------------------------------------------------------------

    def read_text(self, rel: str, required: bool) -> str | None | object:
        """The file's text; None if it is absent and optional; _FAILED after a recorded problem."""
        path = self.root / rel
        if not path.is_file():
            if required:
                self.add(rel, "", "", "file is missing; it is required")
                return _FAILED
            return None
        try:
            return path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.add(rel, "", "", f"not UTF-8 text: byte {exc.start} cannot be decoded; save the file as UTF-8")
        except OSError as exc:
            self.add(rel, "", "", f"cannot read the file: {exc.strerror or exc}")
        return _FAILED

    def read_json(self, rel: str, required: bool) -> Any:
        text = self.read_text(rel, required)
        if text is None or text is _FAILED:
            return text
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.add(rel, "", "", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
            return _FAILED

    # --- records -------------------------------------------------------------------------

    def validate(
        self,
        model: type[BaseModel],
        data: dict[str, Any],
        file: str,
        record: str,
        field_name: Callable[[tuple[int | str, ...]], str] = json_path,
        skip: frozenset[str] | set[str] = frozenset(),
        skip_missing: frozenset[str] | set[str] = frozenset(),
        missing_message: str | None = None,
    ) -> Any:
        """The validated record, or None after recording one problem per pydantic error.

        Errors about fields in `skip`, and 'missing' errors about fields in `skip_missing`, were
        already reported more precisely by the caller and are left out.
        """
        try:
            return model.model_validate(data, context=self.context)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                head = error["loc"][0] if error["loc"] else None
                if head in skip or (error["type"] == "missing" and head in skip_missing):
                    continue
                message = missing_message if error["type"] == "missing" and missing_message else _message(error)
                self.add(file, record, field_name(error["loc"]), message)
            return None

    def claim(self, kind: str, key_name: str, key: Any, file: str, record: str, field: str) -> bool:
        """Register a record's unique key; report and return False if an earlier record has it."""
        if not isinstance(key, str) or not key.strip():
            return True
        slot = (kind, key_name, key.strip())
        first = self._first.get(slot)
        if first is not None:
            self.add(file, record, field, f"duplicate {key_name} {key.strip()!r}: {first} already uses it")
            return False
        self._first[slot] = f"{file}, {record}"
        return True

    def read_records(
        self, rel: str, model: type[BaseModel], kind: str, required: bool, lines: bool
    ) -> list[Any] | None:
        """Records of a JSON array file or a JSON Lines file; None if the file could not be read."""
        if lines:
            text = self.read_text(rel, required)
            if text is _FAILED:
                return None
            raw: list[tuple[str, Any]] = []
            for number, line in enumerate((text or "").split("\n"), start=1):
                if not line.strip():
                    continue
                try:
                    raw.append((f"line {number}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    self.add(rel, f"line {number}", "", f"invalid JSON at column {exc.colno}: {exc.msg}")
        else:
            data = self.read_json(rel, required)
            if data is _FAILED:
                return None
            data = [] if data is None else data
            if not isinstance(data, list):
                self.add(rel, "", "", f"expected a JSON array of {model.__name__} objects, got {_json_type(data)}")
                return None
            raw = [(f"record {number}", item) for number, item in enumerate(data, start=1)]
        self.raw[kind] = [item for _, item in raw]

        records = []
        for where, item in raw:
            if not isinstance(item, dict):
                self.add(rel, where, "", f"expected a JSON object ({model.__name__}), got {_json_type(item)}")
                continue
            ident = item.get("id")
            record = f"{where} (id={ident.strip()})" if isinstance(ident, str) and ident.strip() else where
            unique = self.claim(kind, "id", ident, rel, record, "id")
            if kind == "domain":
                unique = self.claim(kind, "name", item.get("name"), rel, record, "name") and unique
            valid = self.validate(model, item, rel, record)
            if valid is None:
                if kind in self.rejected:
                    key = item.get("name") if kind == "domain" else ident
                    if isinstance(key, str):
                        self.rejected[kind].add(key.strip())
            elif unique:
                records.append(valid)
                self.located[(kind, valid.id)] = (rel, record)
        return records

    # --- catalog sheets ------------------------------------------------------------------

    def read_catalog(self) -> list[CatalogItem]:
        folder = self.root / "catalog"
        if not folder.is_dir():
            self.add("catalog/", "", "", "folder is missing; it must hold the catalog as .xlsx or .csv sheets")
            return []
        items: list[CatalogItem] = []
        sheets = 0
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            rel = f"catalog/{path.name}"
            if path.name.startswith(_NOT_CATALOG):
                continue
            if path.is_dir():
                self.add(rel + "/", "", "", "folders inside catalog/ are not read; move its sheets up")
                continue
            suffix = path.suffix.lower()
            if suffix not in (".xlsx", ".csv"):
                self.add(rel, "", "", "not a catalog sheet: save it as .xlsx, or as CSV UTF-8 (.csv)")
                continue
            sheets += 1
            try:
                rows = _sheet_rows(path, rel)
            except workbooks.Unreadable as exc:
                self.add(rel, "", "", str(exc), zh=exc.chinese)
                continue
            except OSError as exc:
                self.add(rel, "", "", f"cannot read the file: {exc.strerror or exc}")
                continue
            items += self.read_sheet(rel, rows)
        if sheets == 0:
            self.add("catalog/", "", "", "no sheets: put the catalog here as one or more .xlsx or .csv files")
        return items

    def read_sheet(self, rel: str, rows: list[tuple[Any, ...]]) -> list[CatalogItem]:
        """Rows of one sheet; row 1 holds the headers, in any order."""
        if not rows or not any(_cell_text(v) for v in rows[0]):
            self.add(rel, "row 1", "", "row 1 must hold the headers (编号, 公开类型, …); it is empty")
            return []
        columns: dict[str, int] = {}  # field -> column index
        unnamed: list[int] = []
        for index, cell in enumerate(rows[0]):
            header = _cell_text(cell)
            letter = get_column_letter(index + 1)
            if not header:
                unnamed.append(index)
            elif header not in SHEET_HEADERS:
                close = difflib.get_close_matches(header, list(SHEET_HEADERS), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; the headers are {', '.join(SHEET_HEADERS)}"
                self.add(rel, "row 1", f"column {letter}", f"unknown header {header!r}{hint}")
            elif SHEET_HEADERS[header] in columns:
                first = get_column_letter(columns[SHEET_HEADERS[header]] + 1)
                self.add(rel, "row 1", f"column {letter}", f"duplicate header {header!r} (also column {first})")
            else:
                columns[SHEET_HEADERS[header]] = index
        missing = [f for f in CatalogItem.model_fields if f not in columns and f not in OPTIONAL_COLUMNS]
        for field in missing:
            self.add(rel, "row 1", sheet_label(field), f"missing column: add a column headed {FIELD_HEADERS[field]!r}")
        width = len(rows[0])
        stray_reported: set[int] = set()

        items: list[CatalogItem] = []
        for number, row in enumerate(rows[1:], start=2):
            if not any(_cell_text(v) for v in row):
                continue  # empty rows are skipped
            data: dict[str, Any] = {}
            cell_problems: dict[str, str] = {}
            for field, index in columns.items():
                try:
                    value = _cell_value(field, row[index] if index < len(row) else None)
                except workbooks.CellError as exc:
                    cell_problems[field] = (str(exc), exc.chinese)
                    continue
                if value is not None:
                    data[field] = value
            ident = data.get("id")
            record = f"row {number} (id={ident})" if ident else f"row {number}"
            for index in [*unnamed, *range(width, len(row))]:
                if index < len(row) and _cell_text(row[index]) and index not in stray_reported:
                    stray_reported.add(index)  # once per column is enough
                    self.add(
                        rel,
                        record,
                        f"column {get_column_letter(index + 1)}",
                        "this column has values but no header in row 1",
                    )
            for field, (message, chinese) in cell_problems.items():
                self.add(rel, record, sheet_label(field), message, zh=chinese)
            first_new = len(self.problems) - len(cell_problems)
            unique = self.claim("catalog", "id", ident, rel, record, sheet_label("id"))
            item = self.validate(
                CatalogItem,
                data,
                rel,
                record,
                _sheet_path,
                skip=set(cell_problems),
                skip_missing=set(missing),
                missing_message="empty; this column is required",
            )
            # Place this row's problems at their cells, for the report's links.
            for n in range(first_new, len(self.problems)):
                head = re.split(r"[ .\[]", self.problems[n].field, maxsplit=1)[0]
                index = columns.get(SHEET_HEADERS.get(head, ""))
                self.problems[n] = dataclasses.replace(
                    self.problems[n], row=number, column=get_column_letter(index + 1) if index is not None else ""
                )
            if item is not None and unique:
                items.append(item)
                self.located[("catalog", item.id)] = (rel, record)
        return items

    # --- attachments ---------------------------------------------------------------------

    def read_attachments(self) -> dict[str, bytes]:
        folder = self.root / "attachments"
        files: dict[str, bytes] = {}
        if not folder.is_dir():
            return files
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                key = path.relative_to(folder).as_posix()
                if path.is_symlink():
                    self.add(f"attachments/{key}", "", "", "symbolic links are not allowed; copy the file here")
                    continue
                try:
                    files[key] = path.read_bytes()
                except OSError as exc:
                    self.add(f"attachments/{key}", "", "", f"cannot read the file: {exc.strerror or exc}")
        return files

    # --- cross-record problems -----------------------------------------------------------

    def relocate(self, problem: Problem) -> Problem | None:
        """Point a check_bundle problem at the exact file and record; None if it only echoes
        a record that was already rejected (a reference to a guide that failed validation)."""
        # The wording must follow bundle.check_bundle's messages; tests hold the two together.
        echoes = {f"no guide with id {i!r}" for i in self.rejected["guide"]}
        echoes |= {f"no document with id {i!r}" for i in self.rejected["document"]}
        echoes |= {f"unknown domain {n!r}" for n in self.rejected["domain"]}
        if problem.message in echoes:
            return None
        if self.context.domains is None and problem.message.startswith("unknown domain "):
            return None  # domains.json itself could not be read; that is already reported
        kind = next((k for k, name in SOURCE_NAMES.items() if name == problem.file), None)
        ref = self.refs.get((kind, problem.record.removeprefix("id="))) if kind else None
        if ref is not None:
            return _at_row(ref, problem)
        where = self.located.get((kind, problem.record.removeprefix("id="))) if kind else None
        if where is None:
            return problem
        field = problem.field
        if kind == "catalog":
            head = re.split(r"[.\[]", field, maxsplit=1)[0]
            field = sheet_label(head) + field[len(head) :]
        return Problem(where[0], where[1], field, problem.message)


def _at_row(ref: workbooks.RowRef, problem: Problem) -> Problem:
    """A cross-record problem about a record read from a workbook, at its row and column."""
    match = re.fullmatch(r"([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?", problem.field)
    if match is None:
        return ref.problem("", problem.message, translate(problem.message))
    head, index, rest = match.group(1), match.group(2), match.group(3)
    parts = ref.parts.get(head)
    if parts is not None and index is not None and int(index) < len(parts):
        return parts[int(index)].problem(rest or "", problem.message, translate(problem.message))
    return ref.problem(head, problem.message, translate(problem.message), int(index) if index is not None else None)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def _book_present(root: Path, book: Workbook) -> bool:
    return (root / book.file_name).is_file() or (root / book.name).is_dir()


def _open_book(reader: _SourceReader, book: Workbook) -> workbooks._BookReader | None:
    """The workbook (or CSV folder) if the source has it and it can be read; a problem otherwise."""
    root = reader.root
    if (root / book.file_name).is_file() and (root / book.name).is_dir():
        reader.add(
            book.name + "/",
            "",
            "",
            f"both {book.file_name} and the folder {book.name}/ exist; keep one of them",
            zh=f"{book.file_name} 和文件夹 {book.name}/ 都有：只留一个",
        )
        return None
    books = workbooks._BookReader(reader, book)
    return books if books.load(root) else None


def _form(reader: _SourceReader, kind: str, json_rel: str, books: workbooks._BookReader | None, sheet: str) -> str:
    """Which form of a record type the folder holds: "json", "book", "both" or "none"."""
    in_book = books is not None and sheet in books.tables
    in_json = (reader.root / json_rel).is_file()
    if in_book and in_json:
        where = books.book.file_name if (reader.root / books.book.file_name).is_file() else f"{books.book.name}/"
        reader.add(
            json_rel,
            "",
            "",
            f"the same records are also in {where}; keep one form",
            zh=f"{where} 里也有这些记录：只留一种形式（工作簿或 {json_rel}）",
        )
        return "both"
    if in_book:
        table = books.tables[sheet]
        reader.forms[kind] = f"{table.file} › {table.sheet}" if table.sheet else table.file
        return "book"
    if in_json:
        reader.forms[kind] = json_rel
        return "json"
    return "none"


@dataclass(frozen=True)
class SourceRead:
    """A source folder as read: the bundle, which file or sheet each record type came from
    (``{"guide": "办事指南.xlsx › 事项", "site": "site.json", …}``), and each record's file."""

    bundle: ContentBundle
    forms: dict[str, str]
    files: dict[tuple[str, str], str]  # (kind, id) -> file, e.g. ("catalog", "c-1") -> catalog/县级目录.xlsx


def read_source(path: str | os.PathLike[str]) -> SourceRead:
    """Read and validate a county's source folder, saying which form of each record type it read.

    Raise SchemaError listing every problem."""
    root = Path(path)
    if not root.is_dir():
        raise ContentSyncError(f"source folder {str(root)!r} does not exist or is not a folder")
    reader = _SourceReader(root)
    books = {book.name: _open_book(reader, book) if _book_present(root, book) else None for book in WORKBOOKS_READ}
    county = books[COUNTY_BOOK.name]

    site = None
    site_data: Any = _FAILED
    form = _form(reader, "site", "site.json", county, "县")
    if form == "book":
        assert county is not None
        site, site_data = workbooks.read_site(county)
    elif form in ("json", "none"):
        site_data = reader.read_json("site.json", required=True)
        if site_data is not _FAILED:
            if isinstance(site_data, dict):
                site = reader.validate(Site, site_data, "site.json", "")
            else:
                reader.add("site.json", "", "", f"expected one JSON object (the Site), got {_json_type(site_data)}")
    if site is not None:
        reader.context.allowed_hosts = set(site.qr_allowed_hosts)
    elif isinstance(site_data, dict) and isinstance(site_data.get("qr_allowed_hosts"), list):
        hosts = site_data["qr_allowed_hosts"]
        reader.context.allowed_hosts = {h.strip().lower() for h in hosts if isinstance(h, str)}

    domains: list[Domain] | None = None
    form = _form(reader, "domains", "domains.json", county, "业务领域")
    if form == "book":
        assert county is not None
        domains = workbooks.read_domains(county)
    elif form in ("json", "none"):
        domains = reader.read_records("domains.json", Domain, "domain", required=True, lines=False)
    if domains is not None and "domain" in reader.raw:
        # Names of every domain record, valid or not, so one bad domain does not echo everywhere.
        reader.context.domains = {
            d["name"].strip() for d in reader.raw["domain"] if isinstance(d, dict) and isinstance(d.get("name"), str)
        }

    catalog = reader.read_catalog()
    reader.forms["catalog"] = "catalog/"

    def records(kind: str, book: Workbook, json_rel: str, model: type[BaseModel], required: bool, lines: bool, read):
        opened = books[book.name]
        form = _form(reader, kind, json_rel, opened, book.sheets[0].name)
        if form == "book":
            return read(opened)
        if form == "json" or (form == "none" and required and opened is None):
            return reader.read_records(json_rel, model, kind, required=required, lines=lines)
        if form == "none" and required and opened is not None:
            opened.table(book.sheets[0])  # reports the missing sheet
        return None

    guides = records("guide", GUIDE_BOOK, "guides.jsonl", Guide, True, True, workbooks.read_guides)
    documents = records("document", DOCUMENT_BOOK, "documents.jsonl", Document, False, True, workbooks.read_documents)
    life_events = records(
        "life_event", LIFE_EVENT_BOOK, "life_events.json", LifeEvent, False, False, workbooks.read_life_events
    )
    synonyms = records("synonym", SYNONYM_BOOK, "synonyms.json", SynonymGroup, False, False, workbooks.read_synonyms)
    attachments = reader.read_attachments()

    bundle = None
    if site is not None:
        bundle = ContentBundle(
            site=site,
            domains=domains or [],
            catalog=catalog,
            guides=guides or [],
            documents=documents or [],
            life_events=life_events or [],
            synonyms=synonyms or [],
            attachments=attachments,
        )
        for problem in check_bundle(bundle):
            located = reader.relocate(problem)
            if located is not None:
                reader.problems.append(located)
    if reader.problems or bundle is None:
        raise SchemaError(reader.problems)
    return SourceRead(bundle, reader.forms, {key: where[0] for key, where in reader.located.items()})


def read_source_dir(path: str | os.PathLike[str]) -> ContentBundle:
    """Read and validate a county's source folder; raise SchemaError listing every problem."""
    return read_source(path).bundle


WORKBOOKS_READ = (COUNTY_BOOK, GUIDE_BOOK, DOCUMENT_BOOK, LIFE_EVENT_BOOK, SYNONYM_BOOK)


# --- writing sheets ----------------------------------------------------------------------


def _row(item: CatalogItem, dates_as_text: bool) -> list[Any]:
    row: list[Any] = []
    for field in SHEET_HEADERS.values():
        value = getattr(item, field)
        if isinstance(value, list):
            value = "、".join(value)
        elif isinstance(value, dt.date) and dates_as_text:
            value = value.isoformat()
        elif value is None:
            value = "" if dates_as_text else None
        row.append(value)
    return row


def write_catalog_csv(items: Iterable[CatalogItem], path: str | os.PathLike[str]) -> None:
    """Write catalog items as a CSV sheet (UTF-8 with BOM, so Excel shows Chinese correctly)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(SHEET_HEADERS)
        for item in items:
            writer.writerow(_row(item, dates_as_text=True))


def write_catalog_xlsx(items: Iterable[CatalogItem], path: str | os.PathLike[str]) -> None:
    """Write catalog items as an .xlsx workbook with one sheet; dates are real date cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "公开目录"
    sheet.append(list(SHEET_HEADERS))
    for item in items:
        sheet.append(_row(item, dates_as_text=False))
    sheet.freeze_panes = "A2"
    workbook.save(path)
