"""A small, valid source folder written record by record, for tests to spoil one thing at a time.

Records are plain dicts (as a county would write them); catalog rows are dicts keyed by the
CatalogItem field name holding cell values, written out under the Chinese headers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from content_sync.sources import FIELD_HEADERS

SHEET = "catalog/县级目录.csv"
OMIT = object()  # pass for a file that should not exist


def site() -> dict[str, Any]:
    return {
        "county": "禾川县",
        "county_code": "999101",
        "hotline": "12345",
        "portal_base_url": "https://www.hechuan.gov.example/",
        "online_service_base_url": "https://zwfw.province.gov.example/",
        "qr_allowed_hosts": ["hechuan.gov.example", "zwfw.province.gov.example"],
        "halls": [
            {
                "id": "hall-county",
                "name": "禾川县政务服务中心",
                "kind": "政务服务大厅",
                "level": "县级",
                "address": "禾川县迎宾大道8号",
                "hours": "周一至周五 9:00-17:00",
                "phone": "0999-6123100",
            }
        ],
        "updated_at": "2024-03-01",
    }


def domains() -> list[dict[str, Any]]:
    return [
        {"id": "social", "name": "社会保险", "description": "养老、医疗、失业保险", "pilot": True},
        {"id": "hukou", "name": "户籍管理", "pilot": True},
    ]


def catalog_row(**changes: Any) -> dict[str, Any]:
    row = {
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
        "channels": "政府网站、政务公开专区",
        "audience": "个人",
        "form": "主动公开",
        "status": "已公开",
        "service_class": "行政服务",
        "item_type": "办事指南",
        "level": "县级、乡级",
        "guide_id": "g-social-01",
        "document_ids": "d-0001",
        "url": "https://www.hechuan.gov.example/xxgk/c-social-001.html",
        "updated_at": "2024-03-05",
    }
    row.update(changes)
    return row


def second_row(**changes: Any) -> dict[str, Any]:
    """A catalog row with no guide, document or link (the optional cells left empty)."""
    values = {
        "id": "c-social-002",
        "disclosure_type": "结果",
        "category_2": "",
        "name": "社会保险待遇发放情况",
        "content": "每季度待遇发放人数和金额",
        "item_type": "普通信息",
        "level": "县级",
        "guide_id": "",
        "document_ids": "",
        "url": "",
    }
    return catalog_row(**{**values, **changes})


def guide(**changes: Any) -> dict[str, Any]:
    record = {
        "id": "g-social-01",
        "name": "城乡居民养老保险参保登记",
        "domain": "社会保险",
        "department": "禾川县社会保险事业管理局",
        "item_code": "999101-SB-001",
        "item_type": "行政确认",
        "legal_basis": ["《中华人民共和国社会保险法》第二十条"],
        "conditions": ["年满16周岁、不是在校学生、未参加职工基本养老保险的本县户籍居民"],
        "materials": [
            {"name": "居民身份证", "form": "原件"},
            {"name": "户口簿", "form": "复印件", "copies": 1, "notes": "户主页和本人页"},
        ],
        "steps": [{"name": "申请", "detail": "到窗口或网上提出申请"}, {"name": "受理并登记"}],
        "statutory_limit_days": 5,
        "promised_limit_days": 1,
        "result": "参保登记信息",
        "window": "社保窗口（8号）",
        "location": "禾川县政务服务中心二楼",
        "hours": "周一至周五 9:00-17:00",
        "consult_phone": "0999-6123001",
        "complaint_phone": "12345",
        "online_url": "https://zwfw.province.gov.example/item/999101-SB-001",
        "hall_ids": ["hall-county"],
        "keywords": ["养老保险", "参保"],
        "updated_at": "2024-03-05",
    }
    record.update(changes)
    return record


def document(**changes: Any) -> dict[str, Any]:
    record = {
        "id": "d-0001",
        "kind": "规范性文件",
        "title": "禾川县城乡居民基本养老保险实施办法",
        "number": "禾政发〔2023〕5号",
        "issuer": "禾川县人民政府",
        "issued_on": "2023-06-01",
        "effective_on": "2023-07-01",
        "validity": "有效",
        "domain": "社会保险",
        "body": "第一条 为了保障城乡居民老年基本生活，制定本办法。",
        "attachments": [{"name": "参保登记表", "path": "d-0001/form.pdf"}],
        "url": "https://www.hechuan.gov.example/xxgk/d-0001.html",
        "updated_at": "2023-06-01",
    }
    record.update(changes)
    return record


def interpretation(**changes: Any) -> dict[str, Any]:
    record = {
        "id": "d-0002",
        "kind": "政策解读",
        "title": "一图读懂城乡居民养老保险实施办法",
        "issuer": "禾川县人力资源和社会保障局",
        "issued_on": "2023-06-02",
        "body": "谁能参保？年满16周岁的本县户籍居民。",
        "interprets": "d-0001",
        "interpretation_form": "图解",
        "updated_at": "2023-06-02",
    }
    record.update(changes)
    return record


def life_event(**changes: Any) -> dict[str, Any]:
    record = {
        "id": "e-retire",
        "name": "退休",
        "description": "退休前后要办的几件事",
        "guide_ids": ["g-social-01"],
        "updated_at": "2024-03-05",
    }
    record.update(changes)
    return record


def synonyms() -> list[dict[str, Any]]:
    return [{"id": "s-001", "terms": ["社会保险", "社保"]}, {"id": "s-002", "terms": ["户籍", "户口"]}]


def write_sheet(path: Path, rows: Iterable[dict[str, Any]], fields: Sequence[str] | None = None) -> Path:
    """Write catalog rows under Chinese headers, as .csv or .xlsx by the file's suffix."""
    rows = list(rows)
    fields = list(fields or FIELD_HEADERS)
    table = [[FIELD_HEADERS.get(f, f) for f in fields]] + [[row.get(f, "") for f in fields] for row in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        workbook = openpyxl.Workbook()
        for line in table:
            workbook.active.append([None if cell == "" else cell for cell in line])
        workbook.save(path)
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            csv.writer(out).writerows(table)
    return path


def write_jsonl(path: Path, records: Iterable[Any]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def write_source(
    root: Path,
    *,
    site_record: Any = None,
    domain_records: Any = None,
    catalog: Any = None,
    guides: Any = None,
    documents: Any = None,
    life_events: Any = None,
    synonym_groups: Any = None,
    attachments: Any = None,
) -> Path:
    """Write a valid source folder; pass a value to replace a part, or OMIT to leave a file out.

    `catalog` maps sheet paths (relative to root) to lists of rows.
    """

    def pick(value: Any, default: Any) -> Any:
        return default if value is None else value

    root.mkdir(parents=True, exist_ok=True)
    parts = {
        "site.json": pick(site_record, site()),
        "domains.json": pick(domain_records, domains()),
        "life_events.json": pick(life_events, [life_event()]),
        "synonyms.json": pick(synonym_groups, synonyms()),
    }
    for name, data in parts.items():
        if data is not OMIT:
            write_json(root / name, data)
    for name, records in {
        "guides.jsonl": pick(guides, [guide()]),
        "documents.jsonl": pick(documents, [document(), interpretation()]),
    }.items():
        if records is not OMIT:
            write_jsonl(root / name, records)
    sheets = pick(catalog, {SHEET: [catalog_row(), second_row()]})
    if sheets is not OMIT:
        (root / "catalog").mkdir(exist_ok=True)
        for rel, rows in sheets.items():
            write_sheet(root / rel, rows)
    files = pick(attachments, {"d-0001/form.pdf": b"%PDF-1.4 form"})
    if files is not OMIT:
        for rel, data in files.items():
            (root / "attachments" / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / "attachments" / rel).write_bytes(data)
    return root
