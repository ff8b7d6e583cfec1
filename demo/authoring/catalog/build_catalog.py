"""Write the sample county's standard disclosure catalog (政务公开事项标准目录).

    python demo/authoring/catalog/build_catalog.py [--check]

Rows come from the hand-written domain modules (catalog_rows_*.py) and one row per service guide
(guide_rows.py over guide_index.json). Every row is validated with CatalogItem; rows that include
县级 go to catalog/县级目录.xlsx, 乡级-only rows to catalog/乡级目录.csv (UTF-8 with BOM, as Excel
saves it). Output is byte-for-byte reproducible: fixed workbook dates and zip entry times.
With --check nothing is written and the script fails if a sheet is out of date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections import Counter
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import catalog_rows_a
import catalog_rows_b
import catalog_rows_c
import catalog_rows_d
from common import COUNTY, context, finish, load_domains, write_if_changed
from guide_rows import guide_rows, load_guide_index
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter
from rowkit import DomainRows, expand
from site_data import SITE

from content_sync.schema import CatalogItem
from content_sync.sources import SHEET_HEADERS

# Header (Chinese element name) -> field, in the column order of the sheets (the reader's own mapping).
HEADERS: list[tuple[str, str]] = list(SHEET_HEADERS.items())
WIDTHS = {
    "编号": 20,
    "事项名称": 36,
    "事项内容": 50,
    "公开依据": 44,
    "公开主体": 34,
    "公开时限": 28,
    "公开渠道": 30,
    "关联文件": 22,
    "链接": 46,
}
WRAPPED = {"事项内容", "公开依据"}
LIST_SEPARATOR = "、"
FIXED_TIME = dt.datetime(2026, 11, 20, 9, 0, 0)
MIN_ROWS = 420

XLSX = COUNTY / "catalog" / "县级目录.xlsx"
CSV = COUNTY / "catalog" / "乡级目录.csv"


def hand_written_rows() -> tuple[list[dict], dict[str, DomainRows]]:
    """All rows of the domain modules in the order of domains.json, and the modules' domains by slug."""
    by_slug = {}
    for module in (catalog_rows_a, catalog_rows_b, catalog_rows_c, catalog_rows_d):
        for domain in module.DOMAINS:
            by_slug[domain.slug] = domain
    rows = []
    for index, domain in enumerate(load_domains()):
        spec = by_slug.get(domain["id"])
        if spec is None:
            raise SystemExit(f"catalog: no rows written for domain {domain['id']} ({domain['name']})")
        if spec.name != domain["name"]:
            raise SystemExit(f"catalog: domain {spec.slug} is called {domain['name']!r}, not {spec.name!r}")
        rows += expand(spec, index)
    return rows, by_slug


def all_rows() -> list[dict]:
    """Hand-written rows and guide rows, validated, grouped by domain (domains.json order)."""
    rows, by_slug = hand_written_rows()
    slugs = {d["name"]: d["id"] for d in load_domains()}
    rows += guide_rows(load_guide_index(), slugs, {s: d.basis for s, d in by_slug.items()})
    order = {d["id"]: i for i, d in enumerate(load_domains())}
    rows.sort(key=lambda row: (order[slugs[row["domain"]]], row["id"]))
    check(rows)
    return rows


def check(rows: list[dict]) -> None:
    """Validate every row and the catalog-wide promises the sample makes."""
    ctx = context(SITE)
    for row in rows:
        try:
            CatalogItem.model_validate(row, context=ctx)
        except Exception as exc:
            raise SystemExit(f"catalog: id={row['id']}: {exc}") from exc
    dupes = [i for i, n in Counter(row["id"] for row in rows).items() if n > 1]
    if dupes:
        raise SystemExit(f"catalog: duplicate ids {dupes}")
    documents = {json.loads(line)["id"] for line in (COUNTY / "documents.jsonl").read_text("utf-8").splitlines()}
    for row in rows:
        missing = [d for d in row["document_ids"] if d not in documents]
        if missing:
            raise SystemExit(f"catalog: id={row['id']}: documents {missing} not in documents.jsonl")
    linked = {row["guide_id"]: row["name"] for row in rows if row["guide_id"]}
    for guide in load_guide_index():
        if linked.get(guide["id"]) != guide["name"]:
            raise SystemExit(f"catalog: guide {guide['id']} has no row named exactly {guide['name']!r}")
    if len(rows) < MIN_ROWS:
        raise SystemExit(f"catalog: only {len(rows)} rows, the sample promises at least {MIN_ROWS}")


def cell(value: object) -> str:
    """A field as the text of a sheet cell: lists joined with 、, None as empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)


class _FixedTimeZip(ZipFile):
    """A ZipFile that stamps every entry with FIXED_TIME, so equal content gives equal bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            zinfo = ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME.timetuple()[:6])
            zinfo.compress_type = ZIP_DEFLATED
            zinfo.external_attr = 0o600 << 16
            zinfo_or_arcname = zinfo
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes worksheets from a temporary file, whose mtime would leak into the zip.
        with open(filename, "rb") as f:
            self.writestr(arcname or os.path.basename(filename), f.read())


def xlsx_bytes(rows: list[dict]) -> bytes:
    """The 县级 sheet: bold header row, frozen, filter, widths; text cells only."""
    wb = Workbook()
    ws = wb.active
    ws.title = "县级目录"
    ws.append([h for h, _ in HEADERS])
    for row in rows:
        ws.append([cell(row[f]) for _, f in HEADERS])
    bold = Font(bold=True)
    for c in ws[1]:
        c.font = bold
        c.alignment = Alignment(horizontal="center", vertical="center")
    for col, (header, _) in enumerate(HEADERS, start=1):
        letter = ws.cell(row=1, column=col).column_letter
        ws.column_dimensions[letter].width = WIDTHS.get(header, 14)
        if header in WRAPPED:
            for (c,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    props = wb.properties
    props.creator = props.last_modified_by = "禾川县人民政府办公室"
    props.title = "禾川县政务公开事项标准目录（县级）"
    props.created = props.modified = FIXED_TIME
    buf = io.BytesIO()
    # ExcelWriter directly: openpyxl's save() would overwrite `modified` with the current time.
    ExcelWriter(wb, _FixedTimeZip(buf, "w", ZIP_DEFLATED, allowZip64=True)).save()
    return buf.getvalue()


def csv_bytes(rows: list[dict]) -> bytes:
    """The 乡级 sheet as Excel exports CSV: UTF-8 with BOM, CRLF."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([h for h, _ in HEADERS])
    for row in rows:
        writer.writerow([cell(row[f]) for _, f in HEADERS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def main() -> None:
    """Build, check and write both sheets; print a short summary."""
    rows = all_rows()
    county = [r for r in rows if "县级" in r["level"]]
    township = [r for r in rows if "县级" not in r["level"]]
    changed = write_if_changed(XLSX, xlsx_bytes(county)) + write_if_changed(CSV, csv_bytes(township))
    guides = sum(1 for r in rows if r["guide_id"])
    print(
        f"catalog: {len(rows)} rows ({len(county)} in 县级目录.xlsx, {len(township)} in 乡级目录.csv, "
        f"{guides} linked to guides); domains: {len({r['domain'] for r in rows})}; files differing: {changed}"
    )
    for field in ("disclosure_type", "form", "status", "item_type", "service_class"):
        print(f"  {field}: {dict(Counter(r[field] for r in rows).most_common())}")
    finish(changed)


if __name__ == "__main__":
    main()
