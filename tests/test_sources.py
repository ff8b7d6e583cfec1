"""Reading the county's source folder: sheets in both formats, JSON files, and every problem."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from content_sync.errors import ContentSyncError, Problem, SchemaError
from content_sync.sources import FIELD_HEADERS, read_source_dir, write_catalog_csv, write_catalog_xlsx
from tests.county_source import (
    OMIT,
    SHEET,
    catalog_row,
    document,
    guide,
    interpretation,
    second_row,
    write_jsonl,
    write_sheet,
    write_source,
)

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo" / "county"
REQUIRED_DEMO_FILES = ["基本信息", "办事指南", "政府信息", "catalog"]


def problems_of(root: Path) -> list[Problem]:
    with pytest.raises(SchemaError) as caught:
        read_source_dir(root)
    return caught.value.problems


def test_valid_source_reads_every_part(tmp_path):
    bundle = read_source_dir(write_source(tmp_path))
    assert bundle.site.county == "禾川县"
    assert [d.name for d in bundle.domains] == ["社会保险", "户籍管理"]
    assert [c.id for c in bundle.catalog] == ["c-social-001", "c-social-002"]
    first, second = bundle.catalog
    assert first.channels == ["政府网站", "政务公开专区"] and first.level == ["县级", "乡级"]
    assert first.document_ids == ["d-0001"] and first.updated_at == dt.date(2024, 3, 5)
    # Empty optional cells mean "none".
    assert (second.category_2, second.guide_id, second.document_ids, second.url) == ("", None, [], None)
    assert [g.id for g in bundle.guides] == ["g-social-01"]
    assert bundle.guides[0].materials[1].form == "复印件"
    assert [d.id for d in bundle.documents] == ["d-0001", "d-0002"]
    assert [e.id for e in bundle.life_events] == ["e-retire"]
    assert [s.terms for s in bundle.synonyms] == [["社会保险", "社保"], ["户籍", "户口"]]
    assert bundle.attachments == {"d-0001/form.pdf": b"%PDF-1.4 form"}


def test_missing_optional_files_mean_empty(tmp_path):
    write_source(
        tmp_path,
        documents=OMIT,
        life_events=OMIT,
        synonym_groups=OMIT,
        attachments=OMIT,
        catalog={SHEET: [second_row()]},
    )
    bundle = read_source_dir(tmp_path)
    assert (bundle.documents, bundle.life_events, bundle.synonyms, bundle.attachments) == ([], [], [], {})
    assert len(bundle.catalog) == 1 and len(bundle.guides) == 1


def test_missing_required_files_are_each_reported(tmp_path):
    write_source(tmp_path, site_record=OMIT, domain_records=OMIT, catalog=OMIT, guides=OMIT)
    assert problems_of(tmp_path) == [
        Problem("site.json", "", "", "file is missing; it is required"),
        Problem("domains.json", "", "", "file is missing; it is required"),
        Problem("catalog/", "", "", "folder is missing; it must hold the catalog as .xlsx or .csv sheets"),
        Problem("guides.jsonl", "", "", "file is missing; it is required"),
    ]


def test_source_folder_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(ContentSyncError, match="does not exist or is not a folder"):
        read_source_dir(tmp_path / "nowhere")


# --- catalog sheets ----------------------------------------------------------------------


def _catalog(root: Path) -> list:
    return read_source_dir(root).catalog


def test_sheet_with_reordered_columns_reads_the_same(tmp_path):
    rows = [catalog_row(), second_row()]
    write_source(tmp_path / "a", catalog={SHEET: rows})
    shuffled = list(reversed(FIELD_HEADERS))
    write_source(tmp_path / "b", catalog={})
    write_sheet(tmp_path / "b" / SHEET, rows, fields=shuffled)
    assert (tmp_path / "b" / SHEET).read_text(encoding="utf-8-sig").startswith("更新日期,链接,关联文件")
    assert _catalog(tmp_path / "b") == _catalog(tmp_path / "a")


def test_optional_columns_may_be_left_out_of_a_sheet(tmp_path):
    fields = [f for f in FIELD_HEADERS if f not in ("category_2", "guide_id", "document_ids", "url")]
    write_source(tmp_path, catalog={})
    write_sheet(tmp_path / SHEET, [second_row()], fields=fields)
    [item] = _catalog(tmp_path)
    assert (item.category_2, item.guide_id, item.document_ids, item.url) == ("", None, [], None)


def test_xlsx_and_csv_of_the_same_rows_give_identical_items(tmp_path):
    rows = [catalog_row(), second_row()]
    write_source(tmp_path / "csv", catalog={"catalog/目录.csv": rows})
    write_source(tmp_path / "xlsx", catalog={"catalog/目录.xlsx": rows})
    from_csv, from_xlsx = _catalog(tmp_path / "csv"), _catalog(tmp_path / "xlsx")
    assert len(from_csv) == 2 and from_csv == from_xlsx


def test_xlsx_cells_typed_by_excel_are_converted(tmp_path):
    # Excel stores a number-looking id as a number and a date as a date cell.
    rows = [
        catalog_row(id=12.0, guide_id=None, updated_at=dt.datetime(2024, 3, 5, 0, 0)),
        second_row(id=13, document_ids=7.0, updated_at=dt.date(2024, 3, 6)),
    ]
    write_source(
        tmp_path,
        catalog={"catalog/目录.xlsx": rows},
        documents=[document(), interpretation(), document(id="7", attachments=[])],
    )
    first, second = _catalog(tmp_path)
    assert (first.id, first.updated_at) == ("12", dt.date(2024, 3, 5))
    assert (second.id, second.document_ids, second.updated_at) == ("13", ["7"], dt.date(2024, 3, 6))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("2024/03/05", dt.date(2024, 3, 5)),
        ("2024/3/5", dt.date(2024, 3, 5)),
        (" 2024-03-05 ", dt.date(2024, 3, 5)),
        ("2024/3/5 0:00", dt.date(2024, 3, 5)),
        ("2024.03.05", dt.date(2024, 3, 5)),
        ("2024年3月5日", dt.date(2024, 3, 5)),
    ],
)
def test_date_text_in_csv_cells_is_accepted(tmp_path, cell, expected):
    write_source(tmp_path, catalog={SHEET: [second_row(updated_at=cell)]})
    assert _catalog(tmp_path)[0].updated_at == expected


def test_date_stored_as_a_plain_number_is_rejected_with_a_hint(tmp_path):
    write_source(tmp_path, catalog={"catalog/目录.xlsx": [second_row(updated_at=45356)]})
    assert problems_of(tmp_path) == [
        Problem(
            "catalog/目录.xlsx",
            "row 2 (id=c-social-002)",
            "更新日期 (updated_at)",
            "expected a date like 2024-03-05, got the number 45356; format the cell as a date or type the date as text",
        )
    ]


def test_list_cells_split_on_every_separator_and_drop_empties(tmp_path):
    row = second_row(channels="政府网站；政务公开专区;公告栏\n实体大厅、、 便民服务窗口 ；", level="县级;乡级；")
    write_source(tmp_path, catalog={SHEET: [row]})
    [item] = _catalog(tmp_path)
    assert item.channels == ["政府网站", "政务公开专区", "公告栏", "实体大厅", "便民服务窗口"]
    assert item.level == ["县级", "乡级"]


def test_cells_are_stripped_and_empty_rows_skipped_with_row_numbers_kept(tmp_path):
    blank = dict.fromkeys(FIELD_HEADERS, "  ")
    write_source(
        tmp_path,
        catalog={SHEET: [catalog_row(name=" 城乡居民养老保险参保登记 "), blank, {}, second_row(form="公开")]},
    )
    # The bad row is the 5th row of the sheet (header, good row, two empty rows, bad row).
    assert problems_of(tmp_path) == [
        Problem(
            SHEET,
            "row 5 (id=c-social-002)",
            "公开形式 (form)",
            "Input should be '主动公开' or '依申请公开', got '公开'",
        )
    ]


def test_a_bad_row_among_good_ones_is_reported_and_the_whole_source_rejected(tmp_path):
    rows = [catalog_row(), second_row(), second_row(id="c-social-003", level="县级、市级"), second_row(id="c-4")]
    write_source(tmp_path, catalog={SHEET: rows})
    with pytest.raises(SchemaError) as caught:
        read_source_dir(tmp_path)
    assert caught.value.problems == [
        Problem(SHEET, "row 4 (id=c-social-003)", "公开层级 (level)[1]", "Input should be '县级' or '乡级', got '市级'")
    ]
    assert caught.value.exit_code == 3


def test_every_problem_in_every_file_is_collected(tmp_path):
    rows = [catalog_row(audience="群众"), second_row(status="", url="ftp://x")]
    write_source(
        tmp_path,
        catalog={SHEET: rows},
        guides=[guide(fee=""), guide(id="g-2", materials=[])],
        documents=[document(validity=None), interpretation()],
    )
    located = [(p.file, p.record, p.field) for p in problems_of(tmp_path)]
    assert located == [
        (SHEET, "row 2 (id=c-social-001)", "服务对象 (audience)"),
        (SHEET, "row 3 (id=c-social-002)", "公开状态 (status)"),
        (SHEET, "row 3 (id=c-social-002)", "链接 (url)"),
        ("guides.jsonl", "line 1 (id=g-social-01)", "fee"),
        ("guides.jsonl", "line 2 (id=g-2)", "materials"),
        ("documents.jsonl", "line 1 (id=d-0001)", ""),
    ]


def test_unknown_missing_and_duplicate_headers_are_reported(tmp_path):
    fields = [f for f in FIELD_HEADERS if f != "basis"]
    write_source(tmp_path, catalog={})
    write_sheet(tmp_path / SHEET, [second_row()], fields=[*fields, "公开方式", "name"])
    assert problems_of(tmp_path) == [
        Problem(SHEET, "row 1", "column U", "unknown header '公开方式'; did you mean '公开形式'?"),
        Problem(SHEET, "row 1", "column V", "duplicate header '事项名称' (also column F)"),
        Problem(SHEET, "row 1", "公开依据 (basis)", "missing column: add a column headed '公开依据'"),
    ]


def test_values_in_a_column_without_a_header_are_reported(tmp_path):
    write_source(tmp_path, catalog={})
    rows = [second_row(), {**second_row(id="c-3"), "": "备注"}, {**second_row(id="c-4"), "": "备注"}]
    write_sheet(tmp_path / SHEET, rows, fields=[*FIELD_HEADERS, ""])  # column V has no header
    assert problems_of(tmp_path) == [
        Problem(SHEET, "row 3 (id=c-3)", "column V", "this column has values but no header in row 1")
    ]


def test_sheet_with_an_empty_first_row_is_rejected(tmp_path):
    write_source(tmp_path, catalog={})
    (tmp_path / SHEET).write_text("\r\n" + "编号\r\n", encoding="utf-8")
    assert problems_of(tmp_path) == [
        Problem(SHEET, "row 1", "", "row 1 must hold the headers (编号, 公开类型, …); it is empty")
    ]


def test_xlsx_that_is_not_a_workbook_is_rejected(tmp_path):
    write_source(tmp_path, catalog={SHEET: [catalog_row(), second_row()]})
    (tmp_path / "catalog" / "乡级目录.xlsx").write_text("编号,公开类型\n", encoding="utf-8")
    [problem] = problems_of(tmp_path)
    assert (problem.file, problem.record, problem.field) == ("catalog/乡级目录.xlsx", "", "")
    assert problem.message.startswith("not an Excel workbook (.xlsx) or damaged: ")


def test_csv_that_is_not_utf8_is_rejected(tmp_path):
    write_source(tmp_path, catalog={SHEET: [catalog_row(), second_row()]})
    (tmp_path / "catalog" / "gbk.csv").write_bytes("编号,公开类型\r\nc-1,服务\r\n".encode("gbk"))
    [problem] = problems_of(tmp_path)
    assert (problem.file, problem.record, problem.field) == ("catalog/gbk.csv", "", "")
    assert problem.message.startswith("not UTF-8 text (it looks like GBK/ANSI): byte 0 cannot be decoded")


def test_other_files_in_catalog_are_reported_but_lock_files_ignored(tmp_path):
    write_source(tmp_path, catalog={SHEET: [catalog_row(), second_row()]})
    (tmp_path / "catalog" / "旧目录.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "catalog" / "~$县级目录.xlsx").write_bytes(b"lock")
    assert problems_of(tmp_path) == [
        Problem("catalog/旧目录.xls", "", "", "not a catalog sheet: save it as .xlsx, or as CSV UTF-8 (.csv)")
    ]


def test_empty_catalog_folder_is_rejected(tmp_path):
    write_source(tmp_path, catalog={}, guides=[])
    assert problems_of(tmp_path) == [
        Problem("catalog/", "", "", "no sheets: put the catalog here as one or more .xlsx or .csv files"),
        Problem("life_events.json", "record 1 (id=e-retire)", "guide_ids[0]", "no guide with id 'g-social-01'"),
    ]


def test_only_the_first_worksheet_is_read(tmp_path):
    write_source(tmp_path, catalog={"catalog/目录.xlsx": [catalog_row(), second_row()]})
    path = tmp_path / "catalog" / "目录.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("说明").append(["这一页是填写说明", "不是目录"])
    workbook.save(path)
    assert len(_catalog(tmp_path)) == 2


# --- writing sheets ------------------------------------------------------------------------


@pytest.mark.parametrize("writer", [write_catalog_csv, write_catalog_xlsx], ids=["csv", "xlsx"])
def test_written_sheets_read_back_to_the_same_items(tmp_path, writer):
    items = read_source_dir(write_source(tmp_path / "src")).catalog
    suffix = ".csv" if writer is write_catalog_csv else ".xlsx"
    copy = write_source(tmp_path / "copy", catalog={})
    writer(items, copy / "catalog" / f"目录{suffix}")
    assert read_source_dir(copy).catalog == items


def test_written_csv_uses_the_chinese_headers_and_a_bom(tmp_path):
    items = read_source_dir(write_source(tmp_path / "src")).catalog
    write_catalog_csv(items, tmp_path / "out.csv")
    data = (tmp_path / "out.csv").read_bytes()
    assert data.startswith("\ufeff编号,公开类型,业务领域".encode())
    assert "政府网站、政务公开专区" in data.decode("utf-8-sig")


def test_written_xlsx_has_date_cells(tmp_path):
    items = read_source_dir(write_source(tmp_path / "src")).catalog
    write_catalog_xlsx(items, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    column = list(FIELD_HEADERS).index("updated_at") + 1
    assert sheet.cell(1, column).value == "更新日期"
    assert sheet.cell(2, column).value == dt.datetime(2024, 3, 5)
    assert sheet.cell(2, column).is_date


# --- JSON files -----------------------------------------------------------------------------


def test_malformed_json_reports_line_and_column(tmp_path):
    write_source(tmp_path)
    (tmp_path / "site.json").write_text('{\n  "county": "禾川县",\n  "county_code" "999101"\n}', encoding="utf-8")
    [problem] = problems_of(tmp_path)
    assert problem == Problem("site.json", "", "", "invalid JSON at line 3, column 17: Expecting ':' delimiter")


def test_malformed_json_line_is_reported_and_the_other_lines_still_checked(tmp_path):
    write_source(tmp_path)
    good = json.dumps(guide(), ensure_ascii=False)
    bad = json.dumps(guide(id="g-2", window=""), ensure_ascii=False)
    (tmp_path / "guides.jsonl").write_text(f'{good}\n\n{{"id": "g-3",}}\n{bad}\n', encoding="utf-8")
    assert problems_of(tmp_path) == [
        Problem(
            "guides.jsonl", "line 3", "", "invalid JSON at column 14: Expecting property name enclosed in double quotes"
        ),
        Problem("guides.jsonl", "line 4 (id=g-2)", "window", "String should have at least 1 character"),
    ]


def test_wrong_top_level_types_are_reported(tmp_path):
    write_source(tmp_path, domain_records={"social": "社会保险"}, synonym_groups=[["社保", "社会保险"]])
    write_jsonl(tmp_path / "documents.jsonl", [document(), interpretation(), ["d-3"]])
    (tmp_path / "site.json").write_text("[]", encoding="utf-8")
    assert problems_of(tmp_path) == [
        Problem("site.json", "", "", "expected one JSON object (the Site), got an array"),
        Problem("domains.json", "", "", "expected a JSON array of Domain objects, got an object"),
        Problem("documents.jsonl", "line 3", "", "expected a JSON object (Document), got an array"),
        Problem("synonyms.json", "record 1", "", "expected a JSON object (SynonymGroup), got an array"),
    ]


def test_json_file_that_is_not_utf8_is_rejected(tmp_path):
    write_source(tmp_path)
    (tmp_path / "synonyms.json").write_bytes('[{"id": "s-1", "terms": ["社保", "社会保险"]}]'.encode("gbk"))
    [problem] = problems_of(tmp_path)
    assert problem.file == "synonyms.json" and problem.message.startswith("not UTF-8 text")


def test_attachments_are_keyed_by_their_path_under_attachments(tmp_path):
    files = {"d-0001/form.pdf": b"pdf", "common/guide-2024.docx": b"docx", "a.txt": b"t", ".DS_Store": b"x"}
    write_source(tmp_path, attachments=files)
    assert read_source_dir(tmp_path).attachments == {
        "a.txt": b"t",
        "common/guide-2024.docx": b"docx",
        "d-0001/form.pdf": b"pdf",
    }


def test_sample_county_validates():
    missing = [name for name in REQUIRED_DEMO_FILES if not (DEMO / name).exists()]
    assert missing == [], f"the sample county in demo/county/ lacks {', '.join(missing)}"
    bundle = read_source_dir(DEMO)
    counts = bundle.counts()
    assert bundle.site.county == "禾川县"
    assert counts["domains"] >= 28 and counts["catalog"] > 0 and counts["guides"] > 0
