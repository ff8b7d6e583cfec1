"""The workbook form of a source folder: what staff fill in, and what they are told when it is wrong.

Every test starts from `content-sync template` (a valid folder of workbooks with one example row
each), changes cells with openpyxl the way a person would in Excel, and reads the folder with the
real reader.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from content_sync.cli import main
from content_sync.errors import SchemaError
from content_sync.problem_text import chinese
from content_sync.sources import read_source, read_source_dir
from content_sync.workbook_layout import GUIDE_BOOK, GUIDE_SHEET, MATERIAL_SHEET, WORKBOOKS
from content_sync.workbook_writer import export_source, write_template


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "src"
    write_template(out)
    return out


def problems(folder: Path) -> list[str]:
    with pytest.raises(SchemaError) as caught:
        read_source_dir(folder)
    return [chinese(p) for p in caught.value.problems]


def edit(path: Path, sheet: str, cells: dict[str, object]) -> None:
    workbook = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        cell = workbook[sheet][ref]
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # typed as text (as with a leading ' in Excel), not a formula
        if isinstance(value, int | float):
            cell.number_format = "General"  # a number, shown as one
    workbook.save(path)


def append_rows(path: Path, sheet: str, rows: list[list[object]]) -> None:
    workbook = openpyxl.load_workbook(path)
    for row in rows:
        workbook[sheet].append(row)
    workbook.save(path)


def material(guide_id: str = "g-social-01", name: str = "结婚证", form: str = "复印件", copies: object = 1) -> list:
    return [guide_id, "", name, form, copies, "是", "", ""]


# --- the template ----------------------------------------------------------------------------


def test_the_template_is_a_valid_folder_read_from_its_workbooks(folder: Path) -> None:
    source = read_source(folder)
    assert source.forms["guide"] == "办事指南.xlsx › 事项"
    assert source.forms["site"] == "基本信息.xlsx › 县"
    (guide,) = source.bundle.guides
    assert guide.name == "城乡居民养老保险参保登记"
    assert [m.name for m in guide.materials] == ["居民身份证", "户口簿"]
    assert guide.conditions == ["年满16周岁（不含在校学生）", "未参加职工基本养老保险的本县户籍居民"]
    assert source.bundle.site.disclosure_office is not None


def test_template_sheets_have_headers_drop_downs_and_a_frozen_header(folder: Path) -> None:
    workbook = openpyxl.load_workbook(folder / GUIDE_BOOK.file_name)
    assert workbook.sheetnames == ["事项", "材料", "流程", "填写说明"]
    materials = workbook["材料"]
    assert [c.value for c in materials[1]] == [c.header for c in MATERIAL_SHEET.columns]
    assert materials.freeze_panes == "A2"
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in materials.data_validations.dataValidation}
    assert lists["D2"] == '"原件,复印件,原件及复印件,电子版"'
    assert lists["F2"] == '"是,否"'
    guides = workbook["事项"]
    assert [c.value for c in guides[1]] == [c.header for c in GUIDE_SHEET.columns]
    assert guides["A2"].value == "g-social-01"
    assert "必填" in guides["A1"].comment.text


def test_template_refuses_to_overwrite_a_county_s_workbooks(folder: Path) -> None:
    result = CliRunner().invoke(main, ["template", str(folder)])
    assert result.exit_code == 1
    assert "already exists" in result.stderr


# --- problems staff can act on --------------------------------------------------------------


def test_a_wrong_material_form_names_workbook_sheet_row_and_header_in_chinese(folder: Path) -> None:
    book = folder / GUIDE_BOOK.file_name
    rows = [material(name=f"材料{n}") for n in range(11)] + [material(form="原件和复印件")]
    append_rows(book, "材料", rows)  # the header, two example rows, eleven more: the bad one is row 15
    assert problems(folder) == [
        '办事指南.xlsx › 材料 › 第 15 行 › 材料形式: "原件和复印件" 不是可选值之一：原件、复印件、原件及复印件、电子版'
    ]


def test_every_problem_is_reported_at_once_with_english_kept(folder: Path) -> None:
    book = folder / GUIDE_BOOK.file_name
    edit(book, "事项", {"D2": None, "K2": "三天", "L2": 9, "K3": None})
    append_rows(book, "材料", [material(guide_id="g-nowhere"), material(copies="两份")])
    edit(folder / "一件事.xlsx", "一件事", {"E2": "g-social-01\ng-social-99"})
    with pytest.raises(SchemaError) as caught:
        read_source_dir(folder)
    found = caught.value.problems
    assert [chinese(p) for p in found] == [
        "办事指南.xlsx › 事项 › 第 2 行 › 法定时限: “三天”不是整数：请填整数，例如 5",
        "办事指南.xlsx › 材料 › 第 5 行 › 份数: “两份”不是整数：请填整数，例如 5",
        "办事指南.xlsx › 材料 › 第 4 行 › 编号: “事项”表里没有编号为 g-nowhere 的一行",
        "办事指南.xlsx › 事项 › 第 2 行 › 实施主体/受理机构: 必填，不能空着",
        "一件事.xlsx › 一件事 › 第 2 行 › 相关指南 第 2 项: 没有编号为 g-social-99 的办事指南",
    ]
    assert str(
        found[0]
    ) == "办事指南.xlsx, sheet 事项, row 2 (id=g-social-01), field 法定时限 (statutory_limit_days): " + (
        "expected a whole number, got '三天'"
    )
    assert (found[0].sheet, found[0].row, found[0].column) == ("事项", 2, "K")


def test_a_promise_longer_than_the_statute_is_reported_at_the_promise(folder: Path) -> None:
    edit(folder / GUIDE_BOOK.file_name, "事项", {"K2": 3, "L2": 10})
    assert problems(folder) == [
        "办事指南.xlsx › 事项 › 第 2 行 › 承诺时限: 承诺时限（10 个工作日）比法定时限（3 个工作日）长"
    ]


def test_unknown_and_missing_headers_are_reported_with_a_suggestion(folder: Path) -> None:
    edit(folder / GUIDE_BOOK.file_name, "材料", {"C1": "材料名"})
    found = problems(folder)
    assert found[0] == "办事指南.xlsx › 材料 › 第 1 行 › 材料名: 列名“材料名”不认识；是不是“材料名称”？"
    assert found[1] == "办事指南.xlsx › 材料 › 第 1 行 › 材料名称: 缺少“材料名称”这一列：请在第 1 行加上这一列"


def test_a_renamed_sheet_is_reported_by_its_expected_name(folder: Path) -> None:
    workbook = openpyxl.load_workbook(folder / GUIDE_BOOK.file_name)
    workbook["流程"].title = "办理流程"
    workbook.save(folder / GUIDE_BOOK.file_name)
    assert problems(folder)[0] == "办事指南.xlsx: 缺少“流程”工作表（工作表的名字要一字不差）"


def test_a_full_width_id_is_reported_as_such(folder: Path) -> None:
    edit(folder / "同义词.xlsx", "同义词", {"A2": "ｓ－００１"})
    assert problems(folder) == [
        "同义词.xlsx › 同义词 › 第 2 行 › 编号: "
        "编号只能用英文字母、数字和 _ . -，并以字母或数字开头（含全角字符，请改成半角）"
    ]


def test_both_forms_of_one_record_type_are_refused(folder: Path) -> None:
    (folder / "synonyms.json").write_text('[{"id": "s-1", "terms": ["a", "b"]}]', encoding="utf-8")
    assert problems(folder) == ["synonyms.json: 同义词.xlsx 里也有这些记录：只留一种形式（工作簿或 synonyms.json）"]


# --- cells as Excel, WPS and LibreOffice keep them -----------------------------------------


@pytest.mark.parametrize(
    "typed",
    [dt.datetime(2026, 3, 5), "2026-03-05", "2026/3/5", "2026年3月5日", "２０２６－０３－０５", " 2026.03.05 "],
)
def test_dates_typed_as_text_or_as_dates_are_read(folder: Path, typed: object) -> None:
    edit(folder / GUIDE_BOOK.file_name, "事项", {"X2": typed})
    assert read_source_dir(folder).guides[0].updated_at == dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-02-30", "“2026-02-30”不是有效的日期（没有这一天）"),
        ("下周一", "“下周一”不是日期：请写成 2024-03-05 或 2024/3/5，或把单元格设成日期格式"),
        (46086, "这里是数字 46086，不是日期：请把单元格设成日期格式，或把日期写成文字 2024-03-05"),
    ],
)
def test_a_date_that_is_not_one_is_reported_never_guessed(folder: Path, typed: object, message: str) -> None:
    edit(folder / GUIDE_BOOK.file_name, "事项", {"X2": typed})
    assert problems(folder) == [f"办事指南.xlsx › 事项 › 第 2 行 › 更新日期: {message}"]


def test_merged_link_cells_give_every_row_their_guide(folder: Path) -> None:
    book = folder / GUIDE_BOOK.file_name
    append_rows(book, "材料", [["", "", "结婚证", "复印件", 1, "是"], ["", "", "照片", "原件", 2, "否"]])
    workbook = openpyxl.load_workbook(book)
    workbook["材料"].merge_cells("A2:A5")  # one 编号 for the guide's four materials, as staff often do
    workbook["材料"].merge_cells("B2:B5")
    workbook.save(book)
    (guide,) = read_source_dir(folder).guides
    assert [(m.name, m.copies, m.required) for m in guide.materials] == [
        ("居民身份证", 1, True),
        ("户口簿", 1, True),
        ("结婚证", 1, True),
        ("照片", 2, False),
    ]


def test_spaces_bom_and_full_width_digits_in_number_cells(folder: Path) -> None:
    book = folder / GUIDE_BOOK.file_name
    edit(book, "事项", {"A1": "\ufeff编号 ", "B2": " 城乡居民养老保险参保登记  ", "K2": "５", "L2": "1个工作日"})
    edit(book, "材料", {"A2": "g-social-01 ", "E2": "２"})
    (guide,) = read_source_dir(folder).guides
    assert guide.name == "城乡居民养老保险参保登记"
    assert (guide.statutory_limit_days, guide.promised_limit_days) == (5, 1)
    assert guide.materials[0].copies == 2


def test_a_name_with_inner_spaces_is_kept_as_typed(folder: Path) -> None:
    # Only the ends of a cell are trimmed: text inside is the county's and is never changed.
    edit(folder / "同义词.xlsx", "同义词", {"B2": "城乡居民 养老保险 \n 农保"})
    assert read_source_dir(folder).synonyms[0].terms == ["城乡居民 养老保险", "农保"]


def test_text_starting_with_an_equals_sign_is_exported_as_text(tmp_path: Path, folder: Path) -> None:
    edit(folder / GUIDE_BOOK.file_name, "流程", {"D2": "=不是公式"})
    out = tmp_path / "out"
    export_source(folder, out)
    assert read_source_dir(out).guides[0].steps[0].detail == "=不是公式"


def test_csv_sheets_with_a_byte_order_mark_are_read(tmp_path: Path, folder: Path) -> None:
    out = tmp_path / "csv"
    export_source(folder, out, "csv")
    raw = (out / "办事指南" / "材料.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert read_source_dir(out) == read_source_dir(folder)


def test_a_gbk_csv_sheet_is_reported_with_how_to_save_it(tmp_path: Path, folder: Path) -> None:
    out = tmp_path / "csv"
    export_source(folder, out, "csv")
    path = out / "一件事" / "一件事.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    with open(path, "w", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows(rows)
    assert problems(out) == ["一件事/一件事.csv: 文件不是 UTF-8 编码（像是 GBK/ANSI）：请另存为“CSV UTF-8（逗号分隔）”"]


# --- documents -----------------------------------------------------------------------------


def _body_file(folder: Path, name: str) -> None:
    edit(folder / "政府信息.xlsx", "文件", {"M2": None, "N2": name})


def test_a_document_body_can_be_a_word_file(folder: Path) -> None:
    (folder / "正文").mkdir()
    word = docx.Document()
    word.add_paragraph("第一条 为了保障城乡居民老年基本生活。")
    word.add_paragraph("第二条 本办法适用于本县户籍居民。")
    word.save(folder / "正文" / "d-0001.docx")
    _body_file(folder, "正文/d-0001.docx")
    body = read_source_dir(folder).documents[0].body
    assert body == "第一条 为了保障城乡居民老年基本生活。\n第二条 本办法适用于本县户籍居民。"


def test_a_document_body_can_be_a_text_file(folder: Path) -> None:
    (folder / "d-0001.txt").write_bytes("\ufeff第一条 全文。\n第二条 附则。".encode())
    _body_file(folder, "d-0001.txt")
    assert read_source_dir(folder).documents[0].body == "第一条 全文。\n第二条 附则。"


def test_a_missing_body_file_and_a_doubled_body_are_reported(folder: Path) -> None:
    _body_file(folder, "正文/没有.docx")
    assert problems(folder) == ["政府信息.xlsx › 文件 › 第 2 行 › 正文文件: 源文件夹里没有文件 正文/没有.docx"]
    edit(folder / "政府信息.xlsx", "文件", {"M2": "正文", "N2": "../secret.txt"})
    assert problems(folder) == ["政府信息.xlsx › 文件 › 第 2 行 › 正文文件: “正文”和“正文文件”都填了：只留一个"]


def test_attachments_are_named_by_file_and_checked(folder: Path) -> None:
    append_rows(folder / "政府信息.xlsx", "附件", [["d-0001", "参保登记表", "d-0001-form.pdf"]])
    assert problems(folder) == [
        "政府信息.xlsx › 附件 › 第 2 行 › 文件路径: attachments 文件夹里没有文件 d-0001-form.pdf"
    ]
    (folder / "attachments" / "d-0001-form.pdf").write_bytes(b"%PDF-1.4\n")
    (document,) = read_source_dir(folder).documents
    assert [(a.name, a.path) for a in document.attachments] == [("参保登记表", "d-0001-form.pdf")]


# --- validate --report ---------------------------------------------------------------------


def test_validate_report_links_each_problem_to_its_cell(tmp_path: Path, folder: Path) -> None:
    append_rows(folder / GUIDE_BOOK.file_name, "材料", [material(form="原件和复印件")])
    report = tmp_path / "reports" / "问题.xlsx"
    result = CliRunner().invoke(main, ["validate", str(folder), "--report", str(report)])
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0].startswith("办事指南.xlsx › 材料 › 第 4 行 › 材料形式: ")
    sheet = openpyxl.load_workbook(report)["问题清单"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert (row["文件"], row["工作表"], row["行"], row["列"], row["列名"]) == (
        "办事指南.xlsx",
        "材料",
        4,
        "D",
        "材料形式",
    )
    assert row["问题"].startswith('"原件和复印件" 不是可选值之一')
    assert row["Problem (English)"].startswith(
        "办事指南.xlsx, sheet 材料, row 4, field 材料形式 (form): Input should be"
    )
    link = sheet.cell(row=2, column=header.index("打开") + 1).hyperlink
    assert link.target == "../src/办事指南.xlsx#'材料'!D4"
    assert sheet.max_row == 2


def test_validate_report_of_a_valid_folder_says_there_is_nothing_to_fix(tmp_path: Path, folder: Path) -> None:
    report = tmp_path / "ok.xlsx"
    assert CliRunner().invoke(main, ["validate", str(folder), "--report", str(report)]).exit_code == 0
    assert openpyxl.load_workbook(report)["问题清单"]["A2"].value == "没有问题：内容可以发布。"


# --- LibreOffice -----------------------------------------------------------------------------


def test_the_template_saved_again_by_libreoffice_reads_the_same(tmp_path: Path, folder: Path) -> None:
    """Files saved by LibreOffice Calc (and by WPS and Excel, which write the same OOXML) are read."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (Debian libreoffice-calc-nogui, in the Makefile's APT_PACKAGES) is needed"
    saved = tmp_path / "saved"
    shutil.copytree(folder, saved)
    books = sorted(saved.glob("*.xlsx")) + sorted((saved / "catalog").glob("*.xlsx"))
    converted = tmp_path / "converted"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "xlsx",
         "--outdir", str(converted), *map(str, books)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    for book in books:
        shutil.copy(converted / book.name, book)
    assert read_source_dir(saved) == read_source_dir(folder)


# --- the documentation -----------------------------------------------------------------------


def test_every_column_of_every_sheet_is_in_the_documented_tables() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "content-format.md").read_text(encoding="utf-8")
    for book in WORKBOOKS:
        start = text.index(f"#### {book.file_name}")
        section = text[start : text.index("\n#### ", start + 1) if "\n#### " in text[start + 1 :] else None]
        for sheet in book.sheets:
            assert f"Sheet **{sheet.name}**" in section, (book.name, sheet.name)
            for column in sheet.columns:
                assert f"\n| {column.header} | " in section, (book.name, sheet.name, column.header)


def test_export_command_writes_csv_folders_that_validate(tmp_path: Path, folder: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["export", "--csv", str(folder), str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "csv" / "办事指南" / "材料.csv").is_file()
    checked = runner.invoke(main, ["validate", str(tmp_path / "csv")])
    assert checked.exit_code == 0, checked.output
    assert "guides from 办事指南/事项.csv" in checked.stdout


def test_a_guide_without_steps_is_told_where_they_go(folder: Path) -> None:
    workbook = openpyxl.load_workbook(folder / GUIDE_BOOK.file_name)
    workbook["流程"].delete_rows(2, 2)
    workbook.save(folder / GUIDE_BOOK.file_name)
    assert problems(folder) == ["办事指南.xlsx › 事项 › 第 2 行: “流程”表里没有属于它的行：至少要有一行"]


def test_the_quick_cell_reader_gives_what_openpyxl_gives(tmp_path: Path) -> None:
    """Inline strings (plain and rich text), shared strings, numbers, dates, booleans, formulas'
    cached values, gaps between cells and empty rows read as openpyxl's read-only mode reads them."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from content_sync.workbooks import _sheet_values

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["编号", "事项名称", "份数", "更新日期", "是否必需"])
    ws.append(["g-1", " 带空格的名称 ", 2, dt.date(2024, 3, 5), True])
    ws.append([None, CellRichText("前", TextBlock(InlineFont(b=True), "粗体"), "后"), 1.5])
    ws["E5"] = "=1+1"
    ws["C6"] = "２０２４－０３－０５"
    path = tmp_path / "cells.xlsx"
    workbook.save(path)
    read = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = read.worksheets[0]
    mine = _sheet_values(read, sheet)
    sheet.reset_dimensions()
    assert mine == [list(row) for row in sheet.iter_rows(values_only=True)]
    assert mine[2][1] == "前粗体后"
    read.close()
