"""A real county's catalog as a test county: the Guangdong development corpus
(`shared/corpora/guangdong_items.jsonl` beside the repository; its sources and licence are in
`shared/corpora/SOURCES.md`), written out as a county's source folder and read back through the
project's own source reader and release builder, exactly as a county's content would be.

The corpus is read, never copied into the repository. Its `colloquial_name` and `short_phrase`
fields (the portal's own everyday names) are never used: they are what the relevance set is
checked against, not a source of words for the index.

KIOSK_TEST_CORPORA_DIR may point at another copy of the corpora folder.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from content_sync.release import activate, build_release

REPO = Path(__file__).resolve().parent.parent
CORPUS_FILE = "guangdong_items.jsonl"
QUERIES_FILE = Path(__file__).resolve().parent / "relevance" / "guangdong_queries.tsv"
NO_ANSWER_FILE = Path(__file__).resolve().parent / "relevance" / "guangdong_no_answer.tsv"
# Never read into the county: the check, not a source.
HELD_OUT_FIELDS = ("colloquial_name", "short_phrase")
_PHONE = re.compile(r"^[0-9+()\- 、转,，]{3,40}$")
_DAYS = re.compile(r"^(\d{1,3})个工作日$")
CATALOG_HEADER = (
    "编号,公开类型,业务领域,一级分类,二级分类,事项名称,事项内容,公开依据,公开主体,公开时限,公开渠道,"
    "服务对象,公开形式,公开状态,服务类别,事项类型,公开层级,关联指南,关联文件,链接,更新日期"
)
ITEM_TYPES = {"行政许可", "行政确认", "行政奖励", "行政给付", "行政裁决"}


def corpora_dir() -> Path:
    """The shared corpora folder: $KIOSK_TEST_CORPORA_DIR, else shared/corpora in the
    repository's parent folder (CI checks shared/ out beside the clone)."""
    override = os.environ.get("KIOSK_TEST_CORPORA_DIR")
    candidates = [Path(override)] if override else []
    candidates += [p / "shared" / "corpora" for p in (REPO.parent, *REPO.parents)]
    for path in candidates:
        if (path / CORPUS_FILE).is_file():
            return path
    raise FileNotFoundError(
        f"the development corpus {CORPUS_FILE} was not found in "
        + ", ".join(str(p) for p in candidates[:3])
        + ": check out shared/ beside the repository or set KIOSK_TEST_CORPORA_DIR"
    )


def corpus_items() -> list[dict]:
    path = corpora_dir() / CORPUS_FILE
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                item = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path}, line {number}: {exc}") from exc
            items.append({k: v for k, v in item.items() if k not in HELD_OUT_FIELDS})
    return items


def _guide(item: dict, domain_of: dict[str, str]) -> dict:
    code = item["task_code"]
    phone = (item.get("consult_phone") or "").strip()
    days = _DAYS.match(item.get("legal_time_limit") or "")
    promised = _DAYS.match(item.get("promised_time_limit") or "")
    location = item.get("handle_location") or item["region"]
    return {
        "id": code,
        "name": item["name"],
        "domain": domain_of[(item.get("themes") or ["其他"])[0]],
        "department": item["department"],
        "item_code": code,
        "item_type": item["item_type"] if item["item_type"] in ITEM_TYPES else "其他行政服务事项",
        "audience": "企业/个人",
        "legal_basis": ["以办事指南原文为准"],
        "conditions": [item.get("accept_conditions") or "以办事指南原文为准"],
        "materials": [{"name": m} for m in item.get("materials") or ["以办事指南原文为准"]],
        "steps": [{"name": "提交申请"}, {"name": "受理审核"}, {"name": "办结"}],
        "statutory_limit_days": int(days.group(1)) if days and int(days.group(1)) <= 365 else None,
        "promised_limit_days": int(promised.group(1)) if promised and int(promised.group(1)) <= 365 else None,
        "result": "办结",
        "window": location,
        "location": location,
        "hours": "工作日",
        "consult_phone": phone if _PHONE.match(phone) else "12345",
        "complaint_phone": "12345",
        "updated_at": "2021-05-26",
    }


def write_corpus_source(folder: Path) -> Path:
    """The corpus as a county's source folder (site.json, domains.json, guides.jsonl)."""
    items = corpus_items()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalog").mkdir(exist_ok=True)
    (folder / "catalog" / "目录.csv").write_text(CATALOG_HEADER + "\n", encoding="utf-8")
    themes = sorted({(i.get("themes") or ["其他"])[0] for i in items})
    domain_of = {t: t for t in themes}
    site = {
        "county": "广东省",
        "county_code": "440000",
        "portal_base_url": "https://www.gdzwfw.gov.cn/",
        "online_service_base_url": "https://www.gdzwfw.gov.cn/",
        "qr_allowed_hosts": ["gdzwfw.gov.cn"],
        "halls": [
            {
                "id": "hall-1",
                "name": "政务服务中心",
                "kind": "政务服务大厅",
                "level": "县级",
                "address": "广州市",
                "hours": "工作日",
                "phone": "12345",
            }
        ],
        "updated_at": "2021-05-26",
    }
    (folder / "site.json").write_text(json.dumps(site, ensure_ascii=False), encoding="utf-8")
    domains = [{"id": f"d{n:02d}", "name": t} for n, t in enumerate(themes, start=1)]
    (folder / "domains.json").write_text(json.dumps(domains, ensure_ascii=False), encoding="utf-8")
    with (folder / "guides.jsonl").open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(_guide(item, domain_of), ensure_ascii=False) + "\n")
    return folder


def build_corpus_release(root: Path, cache_dir: Path) -> Path:
    """Build and activate a release of the corpus county, through the source reader."""
    from content_sync.sources import read_source_dir

    bundle = read_source_dir(write_corpus_source(root / "source"))
    release = build_release(bundle, root / "data", cache_dir=cache_dir)
    activate(root / "data", release)
    return release
