"""Write the sample county's site.json, synonyms.json, documents.jsonl and attachments/.

Run from anywhere: `python demo/authoring/catalog/build_content.py` (add `--check` to only verify
that the files are up to date). Every record is validated
with the content schema before anything is written; output is byte-for-byte stable, so running
the script again without data changes leaves the files untouched.
"""

from __future__ import annotations

import csv
import io
import time

from attachments_data import CSV_TABLES, PDF_CARDS, TEXT_FILES
from common import COUNTY, context, finish, json_bytes, jsonl_bytes, write_if_changed
from documents_interpretations import INTERPRETATIONS
from documents_notices import GAZETTE, NEWS, NOTICES
from documents_policies import POLICIES
from PIL import Image, ImageDraw, ImageFont
from site_data import PORTAL, SITE
from synonyms_data import GROUPS

from content_sync.schema import Document, Site, SynonymGroup

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_INDEX = 2  # Simplified Chinese glyphs; index 0 draws Japanese forms


def build_site() -> dict:
    """The validated site record."""
    Site.model_validate(SITE, context=context(SITE))
    return SITE


def build_synonyms() -> list[dict]:
    """Synonym groups with ids s-001, s-002, … in the order of GROUPS."""
    records = [{"id": f"s-{i:03d}", "terms": terms} for i, terms in enumerate(GROUPS, start=1)]
    for record in records:
        SynonymGroup.model_validate(record)
    return records


def _document(raw: dict, kind: str | None = None) -> dict:
    """Fill in kind, url and updated_at, join the body paragraphs, order the keys."""
    record = dict(raw)
    if kind:
        record["kind"] = kind
    record["body"] = "\n\n".join(record["body"])
    record["url"] = f"{PORTAL}xxgk/{record['id']}.html"
    record.setdefault("updated_at", record["issued_on"])
    order = list(Document.model_fields)
    return {k: record[k] for k in order if k in record}


def build_documents() -> list[dict]:
    """All documents, validated, sorted by id."""
    records = [_document(d) for d in POLICIES]
    records += [_document(d, "政策解读") for d in INTERPRETATIONS]
    records += [_document(d, "通知公告") for d in NOTICES]
    records += [_document(d, "工作动态") for d in NEWS]
    records += [_document(d, "政府公报") for d in GAZETTE]
    records.sort(key=lambda r: r["id"])
    ctx = context(SITE)
    for record in records:
        try:
            Document.model_validate(record, context=ctx)
        except Exception as exc:
            raise SystemExit(f"documents: id={record['id']}: {exc}") from exc
    ids = [r["id"] for r in records]
    if len(ids) != len(set(ids)):
        raise SystemExit("documents: duplicate ids")
    by_id = {r["id"]: r for r in records}
    for r in records:
        target = by_id.get(r.get("interprets") or "")
        if r["kind"] == "政策解读" and (target is None or target["kind"] == "政策解读"):
            raise SystemExit(f"documents: id={r['id']}: interprets {r['interprets']!r}, not a policy")
    return records


def csv_bytes(rows: list[list[str]]) -> bytes:
    """CSV as Excel writes it: UTF-8 with a BOM, CRLF line ends."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def pdf_card(title: str, author: str, date: str, lines: list[str]) -> bytes:
    """A one-page A5 card as a small, reproducible PDF (1-bit image, CCITT G4 compressed).

    The PDF dates are set from `date`: Pillow would otherwise stamp the current time.
    """
    width, height, margin = 874, 1240, 70  # A5 at 150 dpi
    heading = ImageFont.truetype(FONT, 40, index=FONT_INDEX)
    text = ImageFont.truetype(FONT, 27, index=FONT_INDEX)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((margin // 2, margin // 2, width - margin // 2, height - margin // 2), outline=0, width=3)
    y = margin
    for i, line in enumerate(lines):
        font = heading if i == 0 else text
        if draw.textlength(line, font=font) > width - 2 * margin:
            raise SystemExit(f"attachments: card {title!r}: line {line!r} is too wide")
        draw.text((margin, y), line, font=font, fill=0)
        y += 62 if i == 0 else (40 if line else 22)
    if y > height - margin:
        raise SystemExit(f"attachments: card {title!r} does not fit on one page")
    buf = io.BytesIO()
    stamp = time.strptime(date + " 09:00:00", "%Y-%m-%d %H:%M:%S")  # Pillow wants a struct_time
    image.convert("1").save(buf, "PDF", resolution=150, title=title, author=author, creationDate=stamp, modDate=stamp)
    return buf.getvalue()


def build_attachments() -> dict[str, bytes]:
    """File name -> bytes of every attachment file."""
    files = {name: csv_bytes(rows) for name, rows in CSV_TABLES.items()}
    files.update({name: body.encode("utf-8") for name, body in TEXT_FILES.items()})
    files.update({name: pdf_card(**card) for name, card in PDF_CARDS.items()})
    return files


def main() -> None:
    """Build everything, check attachment references, write the files that changed."""
    site = build_site()
    synonyms = build_synonyms()
    documents = build_documents()
    attachments = build_attachments()
    referenced = {a["path"] for d in documents for a in d.get("attachments", [])}
    if referenced != set(attachments):
        raise SystemExit(f"attachments: referenced {sorted(referenced)} but built {sorted(attachments)}")
    written = [
        write_if_changed(COUNTY / "site.json", json_bytes(site)),
        write_if_changed(COUNTY / "synonyms.json", json_bytes(synonyms)),
        write_if_changed(COUNTY / "documents.jsonl", jsonl_bytes(documents)),
    ]
    for name, data in sorted(attachments.items()):
        if len(data) > 60_000:
            raise SystemExit(f"attachments: {name} is {len(data)} bytes, keep it under 60 kB")
        written.append(write_if_changed(COUNTY / "attachments" / name, data))
    print(
        f"site: {len(site['halls'])} halls; synonyms: {len(synonyms)}; documents: {len(documents)}; "
        f"attachments: {len(attachments)}; files differing: {sum(written)}"
    )
    finish(sum(written))


if __name__ == "__main__":
    main()
