"""Document attachments are read on the screen (the terminal's browser blocks downloads): CSV as
a table, text as paragraphs, anything else as a note pointing to the document's QR code."""

from __future__ import annotations

import html

import pytest

from content_sync.release import activate, build_release
from content_sync.schema import Attachment
from kiosk import create_app

from .factories import make_bundle

FILES = {
    "d-0001/fees-bom.csv": "\ufeff档次,每年缴费（元）,政府补贴（元）\n一档,200,30\n二档,300,40\n".encode(),
    "d-0001/fees.csv": "乡镇,咨询电话\n城关镇,0999-6000101\n河西乡\n".encode(),
    "d-0001/notes.txt": "第一条 说明。\n\n第二条 <b>附则</b>。\n".encode(),
    "d-0001/full.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
    "d-0001/legacy.csv": "档次,金额\n一档,200\n".encode("gb18030"),
}
NAMES = {
    "d-0001/fees-bom.csv": "缴费档次表",
    "d-0001/fees.csv": "咨询电话表",
    "d-0001/notes.txt": "说明",
    "d-0001/full.pdf": "实施办法全文",
    "d-0001/legacy.csv": "旧格式表格",
}


@pytest.fixture
def client(tmp_path):
    bundle = make_bundle()
    policy = bundle.documents[0]
    bundle.documents[0] = policy.model_copy(update={"attachments": [Attachment(name=NAMES[p], path=p) for p in FILES]})
    bundle.attachments = dict(FILES)
    root = tmp_path / "data"
    activate(root, build_release(bundle, root))
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(root), "CACHE_DIR": str(tmp_path / "cache"), "WTF_CSRF_ENABLED": False}
    )
    return app.test_client()


def page(client, path: str) -> str:
    response = client.get(f"/documents/d-0001/attachments/{path}")
    assert response.status_code == 200, path
    assert response.mimetype == "text/html" and "Content-Disposition" not in response.headers
    return html.unescape(response.get_data(as_text=True))


def test_the_document_page_links_every_attachment_as_view_not_download(client):
    body = client.get("/documents/d-0001").get_data(as_text=True)
    for path, name in NAMES.items():
        assert f'href="/documents/d-0001/attachments/{path}"' in body and name in body
    assert body.count(">查看</span>") == len(FILES)
    assert "下载" not in body and " download" not in body


def test_a_csv_with_a_byte_order_mark_is_a_table_with_a_header(client):
    body = page(client, "d-0001/fees-bom.csv")
    assert '<table class="sheet">' in body
    assert '<th scope="col">档次</th>' in body and "\ufeff" not in body
    assert "<td>二档</td><td>300</td><td>40</td>" in body
    assert 'class="topbar' in body and "缴费档次表" in body


def test_a_plain_utf8_csv_with_short_rows_fills_the_missing_cells(client):
    body = page(client, "d-0001/fees.csv")
    assert "<td>城关镇</td><td>0999-6000101</td>" in body
    assert "<tr><td>河西乡</td><td></td></tr>" in body


def test_a_text_file_is_shown_as_escaped_paragraphs(client):
    raw = client.get("/documents/d-0001/attachments/d-0001/notes.txt").get_data(as_text=True)
    assert "<p>第一条 说明。</p>" in raw and "&lt;b&gt;附则&lt;/b&gt;" in raw and "<b>附则</b>" not in raw


@pytest.mark.parametrize("path", ["d-0001/full.pdf", "d-0001/legacy.csv"])
def test_a_file_the_screen_cannot_show_gives_a_note_and_the_document_qr_code(client, path):
    body = page(client, path)
    assert "不能在本机屏幕上显示" in body and "手机扫描下面的二维码" in body
    assert 'src="/qr/document/d-0001.svg"' in body
    assert "%PDF" not in body and "<table" not in body


@pytest.mark.parametrize(
    "path",
    ["d-0002/fees.csv", "d-0001/other.csv", "d-0001/../content.sqlite", "..%2Fcontent.sqlite", "d-0001/FEES.csv"],
)
def test_only_files_the_document_lists_are_shown(client, path):
    assert client.get(f"/documents/d-0001/attachments/{path}").status_code == 404


def test_the_old_download_address_is_gone(client):
    assert client.get("/documents/d-0001/files/d-0001/full.pdf").status_code == 404
