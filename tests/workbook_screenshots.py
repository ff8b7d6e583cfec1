"""Pictures of the template workbooks as LibreOffice Calc shows them, for docs/publishing.md.

Run: python -m tests.workbook_screenshots docs/screenshots/workbooks   (or `make workbook-screenshots`)
Writes `content-sync template` into a scratch folder, has headless LibreOffice (soffice) print
the first columns of chosen sheets to PDF, turns each page into a PNG with poppler's pdftoppm and
trims the white margin. Needs the Debian packages libreoffice-calc-nogui and poppler-utils.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from PIL import Image, ImageChops

from content_sync.workbook_writer import write_template

# (picture, workbook, sheet, last column shown, last row shown)
SHOTS = (
    ("guide-items", "办事指南.xlsx", "事项", "J", 4),
    ("guide-materials", "办事指南.xlsx", "材料", "H", 6),
    ("guide-steps", "办事指南.xlsx", "流程", "D", 6),
    ("guide-help", "办事指南.xlsx", "填写说明", "D", 16),
    ("documents", "政府信息.xlsx", "文件", "I", 4),
    ("county", "基本信息.xlsx", "场所", "G", 4),
)


def _trim(path: Path, margin: int = 16) -> None:
    image = Image.open(path).convert("RGB")
    background = Image.new("RGB", image.size, (255, 255, 255))
    box = ImageChops.difference(image, background).getbbox()
    if box:
        left, top, right, bottom = box
        image = image.crop(
            (max(left - margin, 0), max(top - margin, 0), min(right + margin, image.width),
             min(bottom + margin, image.height))
        )  # fmt: skip
    image.save(path, optimize=True)


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        sys.exit("needs soffice (libreoffice-calc-nogui) and pdftoppm (poppler-utils)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_template(work / "template")
        for name, book, sheet, last_column, last_row in SHOTS:
            workbook = openpyxl.load_workbook(work / "template" / book)
            for other in workbook.sheetnames:
                if other != sheet:
                    del workbook[other]
            ws = workbook[sheet]
            ws.print_area = f"A1:{last_column}{last_row}"
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 1
            ws.print_options.gridLines = True
            single = work / f"{name}.xlsx"
            workbook.save(single)
            subprocess.run(
                [soffice, "--headless", f"-env:UserInstallation=file://{work}/profile", "--convert-to", "pdf",
                 "--outdir", str(work), str(single)],
                check=True, capture_output=True, timeout=300,
            )  # fmt: skip
            subprocess.run(
                [pdftoppm, "-png", "-r", "150", "-singlefile", str(work / f"{name}.pdf"), str(out / name)],
                check=True,
                timeout=120,
            )
            _trim(out / f"{name}.png")
            print(out / f"{name}.png")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots/workbooks")
