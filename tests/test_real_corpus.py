"""Real data in: a guide workbook made from Guangdong's published service items, published and synced.

The corpus is /shared/corpora/guangdong_items.jsonl beside the repository (its source and licence
are in SOURCES.md there; it is read, never copied into the repository). Each item becomes a row
of 办事指南.xlsx › 事项 the way a county's staff would paste it from the province's platform: its
materials one row each on the 材料 sheet, its time limits typed as the platform shows them
("20个工作日"), dates typed as text in some rows and as date cells in others. What the corpus
does not have (设定依据, 办理流程, 审批结果 …) is filled with a plain placeholder saying so.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest

from content_sync import paths
from content_sync.errors import SchemaError
from content_sync.problem_text import chinese
from content_sync.publish import publish_source_dir
from content_sync.release import read_manifest, verify_release
from content_sync.sources import read_source
from content_sync.workbook_layout import COUNTY_BOOK, GUIDE_BOOK, GUIDE_SHEET, MATERIAL_SHEET, STEP_SHEET
from content_sync.workbook_writer import write_template
from kiosk import create_app

from .sync_fixtures import portal_fixture

ROOT = Path(__file__).resolve().parents[1]
CORPUS_NAME = "shared/corpora/guangdong_items.jsonl"
NOT_IN_SOURCE = "（来源数据未提供，以广东政务服务网公布的办事指南为准）"
ITEM_TYPES = {"行政许可", "行政确认", "行政给付", "行政裁决", "行政奖励", "行政处罚", "行政强制", "行政征收"}
PHONE = re.compile(r"\d[\d\-]{4,}\d")

portal = pytest.fixture(portal_fixture, name="portal")


def corpus_path() -> Path | None:
    """shared/ beside the clone (CI), or beside the folder of worktrees."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / CORPUS_NAME).is_file():
            return base / CORPUS_NAME
    return None


@pytest.fixture(scope="module")
def items() -> list[dict]:
    path = corpus_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{CORPUS_NAME} is not beside the repository")
        pytest.skip(f"{CORPUS_NAME} is not beside the repository")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def audience(objects: list[str]) -> str:
    people, others = "自然人" in objects, {o for o in objects if o != "自然人"}
    if people and not others:
        return "个人"
    if people and others <= {"企业法人", "非法人企业"}:
        return "企业/个人"
    if not people and others <= {"企业法人", "非法人企业"}:
        return "企业"
    return "全体"


def phone(text: str | None) -> str:
    """The first number in the platform's phone field (which often lists several, with words)."""
    found = PHONE.search(text or "")
    return found.group(0) if found else "12345"


def guide_row(n: int, item: dict) -> list[object]:
    fields = {
        "id": f"gd-{item['task_code']}",
        "name": item["name"],
        "domain": item["themes"][0],
        "department": item["department"],
        "item_code": item["task_code"],
        "item_type": item["item_type"] if item["item_type"] in ITEM_TYPES else "其他行政服务事项",
        "audience": audience(item["service_objects"]),
        "summary": item.get("colloquial_name", ""),
        "legal_basis": NOT_IN_SOURCE,
        "conditions": item.get("accept_conditions") or NOT_IN_SOURCE,
        "statutory_limit_days": item.get("legal_time_limit"),
        "promised_limit_days": item.get("promised_time_limit"),
        "result": NOT_IN_SOURCE,
        "window": item.get("handle_location") or "网上办理",
        "location": item.get("handle_location") or "网上办理",
        "hours": NOT_IN_SOURCE,
        "consult_phone": phone(item.get("consult_phone")),
        "complaint_phone": phone(item.get("complaint_phone")),
        "online_url": item.get("guide_url"),
        "keywords": "\n".join(filter(None, [item.get("short_phrase"), item.get("catalog_name")])),
        # Half the rows typed as text, half as date cells, as sheets pasted together look.
        "updated_at": "2021/5/26" if n % 2 else dt.datetime(2021, 5, 26),
    }
    return [fields.get(c.field) for c in GUIDE_SHEET.columns]


def build_workbook(items: list[dict], folder: Path) -> None:
    """The county folder: the template's other workbooks, the guide workbook from the corpus."""
    write_template(folder)
    for extra in ("一件事.xlsx", "政府信息.xlsx"):
        (folder / extra).unlink()  # the template's examples refer to its example guide
    book = openpyxl.Workbook()
    sheets = {}
    for n, sheet in enumerate((GUIDE_SHEET, MATERIAL_SHEET, STEP_SHEET)):
        ws = book.active if n == 0 else book.create_sheet()
        ws.title = sheet.name
        ws.append([c.header for c in sheet.columns])
        sheets[sheet.name] = ws
    for n, item in enumerate(items):
        sheets["事项"].append(guide_row(n, item))
        ident = f"gd-{item['task_code']}"
        for name in item.get("materials") or [NOT_IN_SOURCE]:
            sheets["材料"].append([ident, item["name"], name, "原件", 1, "是", "", ""])
        online = "网上申请：在广东政务服务网提交申请" if item.get("online") else "窗口申请：到办理地点提交申请"
        sheets["流程"].append([ident, item["name"], "申请", online])
        sheets["流程"].append([ident, item["name"], "办结", "寄递结果" if item.get("express_delivery") else "领取结果"])
    book.save(folder / GUIDE_BOOK.file_name)

    county = openpyxl.load_workbook(folder / COUNTY_BOOK.file_name)
    hosts = sorted({urlsplit(i["guide_url"]).hostname for i in items if i.get("guide_url")})
    county["县"]["F2"] = "\n".join(["hechuan.gov.example", "zwfw.province.gov.example", *hosts])
    for theme in sorted({i["themes"][0] for i in items}):
        county["业务领域"].append([f"gd-{len(list(county['业务领域'].rows))}", theme, "", "否"])
    county.save(folder / COUNTY_BOOK.file_name)

    catalog = openpyxl.load_workbook(folder / "catalog" / "公开目录.xlsx")
    ws = catalog.active
    example = [c.value for c in ws[2]]
    headers = [c.value for c in ws[1]]
    ws.delete_rows(2)
    for item in items:
        row = dict(zip(headers, example, strict=True))
        row.update(
            {
                "编号": f"c-{item['task_code']}",
                "业务领域": item["themes"][0],
                "一级分类": item["themes"][0],
                "事项名称": item["name"],
                "公开主体": item["department"],
                "关联指南": f"gd-{item['task_code']}",
                "关联文件": None,
                "链接": None,
            }
        )
        ws.append([row[h] for h in headers])
    catalog.save(folder / "catalog" / "公开目录.xlsx")


def test_guangdong_items_as_a_guide_workbook_are_published_and_synced(items, portal, tmp_path):
    folder = tmp_path / "guangdong"
    build_workbook(items, folder)

    # The platform gives some limits in calendar days (90个自然日); a guide counts working days,
    # so each such cell is reported at its row and column, not turned into a number.
    calendar = [
        (n, header)
        for n, item in enumerate(items, start=2)
        for header, key in (("法定时限", "legal_time_limit"), ("承诺时限", "promised_time_limit"))
        if "自然日" in (item.get(key) or "")
    ]
    assert calendar
    with pytest.raises(SchemaError) as caught:
        read_source(folder)
    found = [chinese(p) for p in caught.value.problems]
    assert found == [
        f"办事指南.xlsx › 事项 › 第 {n} 行 › {header}: “{items[n - 2][key]}”不是整数：请填整数，例如 5"
        for n, header in calendar
        for key in ["legal_time_limit" if header == "法定时限" else "promised_time_limit"]
    ]

    # Staff clear those cells (the limit stays on the platform's page) and publish.
    book = openpyxl.load_workbook(folder / GUIDE_BOOK.file_name)
    letters = {c.header: c for c in GUIDE_SHEET.columns}
    columns = [c.header for c in GUIDE_SHEET.columns]
    for n, header in calendar:
        book["事项"].cell(row=n, column=columns.index(header) + 1).value = None
    book.save(folder / GUIDE_BOOK.file_name)
    assert letters

    source = read_source(folder)
    bundle = source.bundle
    assert source.forms["guide"] == "办事指南.xlsx › 事项"
    assert len(bundle.guides) == len(items) == 2262
    by_code = {g.item_code: g for g in bundle.guides}
    for item in items[:200]:
        guide = by_code[item["task_code"]]
        assert guide.name == item["name"] and guide.department == item["department"]
        assert [m.name for m in guide.materials] == (item.get("materials") or [NOT_IN_SOURCE])
        limit = item.get("promised_time_limit") or ""
        if re.fullmatch(r"\d+个工作日", limit):
            assert guide.promised_limit_days == int(limit.removesuffix("个工作日"))
        assert guide.updated_at == dt.date(2021, 5, 26)

    published = publish_source_dir(folder, portal.repo, portal.keys_dir)
    assert published.counts == bundle.counts()
    assert portal.sync().outcome == "updated"
    current = paths.current_release(portal.terminal)
    assert verify_release(current) == []
    assert read_manifest(current)["counts"]["guides"] == 2262
    app = create_app({"TESTING": True, "DATA_DIR": str(portal.terminal), "CACHE_DIR": str(tmp_path / "cache")})
    guide = next(g for g in bundle.guides if len(g.materials) > 3)
    page = app.test_client().get(f"/guides/{guide.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and guide.name in text and guide.materials[3].name in text
    shutil.rmtree(folder)
