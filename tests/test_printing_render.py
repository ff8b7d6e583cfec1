"""Slip content and drawing: line breaking, every guide at both widths, long guides, QR, A4."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFont

from content_sync.schema import Material
from kiosk.printing import fonts, render
from kiosk.printing.linebreak import CLOSING, OPENING, wrap
from kiosk.printing.slip import build_slip, material_details, time_limit

from .factories import make_bundle, make_guide
from .printing_fixtures import read_qr

PRINTED_AT = dt.datetime(2026, 3, 2, 10, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SAMPLE_COUNTY = Path(__file__).resolve().parent.parent / "demo" / "county"


def _font(size: int = 24) -> ImageFont.FreeTypeFont:
    return fonts.load(fonts.find_font(), size)


def _slip(guide=None, bundle=None):
    bundle = bundle or make_bundle()
    guide = guide or bundle.guides[0]
    return build_slip(guide, bundle.site.halls[0], bundle.site, "r-20260301", PRINTED_AT)


# --- fonts ---------------------------------------------------------------------------------


def test_font_is_the_simplified_chinese_face():
    spec = fonts.find_font()
    name = ImageFont.truetype(spec.path, 12, index=spec.index).getname()[0]
    assert name.endswith(" SC") or "WenQuanYi" in name, name


def test_missing_font_path_setting_gives_a_clear_error(tmp_path):
    with pytest.raises(fonts.FontNotFoundError, match="FONT_PATH .*nope.ttc.* does not exist"):
        fonts.find_font(str(tmp_path / "nope.ttc"))


def test_no_font_anywhere_names_the_fix(monkeypatch):
    monkeypatch.setattr(fonts, "KNOWN_FONTS", ("/nonexistent/a.ttc",))
    with pytest.raises(fonts.FontNotFoundError, match="fonts-noto-cjk.*FONT_PATH"):
        fonts.find_font()


# --- line breaking ----------------------------------------------------------------------------


def test_no_line_starts_with_closing_punctuation():
    font = _font()
    # Exactly 10 full-width characters fit; the 11th is a comma, which must not start a line.
    text = "一二三四五六七八九十，十一"
    lines = wrap(text, font.getlength("一") * 10, font.getlength)
    assert lines == ["一二三四五六七八九", "十，十一"]


def test_no_line_ends_with_opening_punctuation():
    font = _font()
    text = "一二三四五六七八九《社会保险法》"
    lines = wrap(text, font.getlength("一") * 10, font.getlength)
    assert lines == ["一二三四五六七八九", "《社会保险法》"]


def test_latin_runs_and_numbers_stay_whole():
    font = _font()
    text = "咨询电话0999-6123001"
    lines = wrap(text, font.getlength("咨询电话0999-6123001") - 1, font.getlength)
    assert lines == ["咨询电话", "0999-6123001"]


def test_a_run_wider_than_the_line_is_split_not_dropped():
    font = _font()
    url = "https://zwfw.province.gov.example/item/" + "X" * 60
    lines = wrap(url, 200, font.getlength)
    assert "".join(lines) == url
    assert all(font.getlength(line) <= 200 for line in lines)


def test_explicit_newlines_start_new_lines():
    assert wrap("甲\n乙", 1000, _font().getlength) == ["甲", "乙"]


CJK = st.sampled_from(list("办理材料身份证户口簿原件复印件营业执照社会保险养老医疗不动产登记"))
CLOSE = st.sampled_from(list("，。、；：？！）》」』】"))
OPEN = st.sampled_from(list("（《「『【"))
LATIN = st.from_regex(r"[A-Za-z0-9]{1,6}", fullmatch=True)
# Words as Chinese text has them: punctuation sits beside words, never alone in a long row.
TOKEN = st.tuples(st.one_of(st.just(""), OPEN), st.one_of(CJK, CJK, LATIN), st.one_of(st.just(""), CLOSE)).map("".join)


@settings(max_examples=200, deadline=None)
@given(tokens=st.lists(TOKEN, min_size=1, max_size=60), chars=st.integers(min_value=4, max_value=24))
def test_wrapping_keeps_every_character_fits_and_obeys_punctuation_rules(tokens, chars):
    font = _font()
    text = "".join(tokens)
    width = font.getlength("一") * chars
    lines = wrap(text, width, font.getlength)
    assert "".join(lines) == text
    for number, line in enumerate(lines):
        assert line
        assert font.getlength(line) <= width, line
        if number > 0:
            assert line[0] not in CLOSING, lines
        if number < len(lines) - 1:
            assert line[-1] not in OPENING, lines


# --- slip content ----------------------------------------------------------------------------


def test_material_details_say_form_copies_and_need():
    assert material_details(Material(name="户口簿", form="原件及复印件", copies=2)) == "原件及复印件 2 份，必需"
    assert material_details(Material(name="照片", form="电子版", copies=0, required=False)) == "电子版，可选"


@pytest.mark.parametrize(
    ("promised", "statutory", "expected"),
    [
        (0, 20, "即办（材料齐全当场办结）"),
        (5, 20, "5 个工作日（法定 20 个工作日）"),
        (None, 20, "法定 20 个工作日"),
        (None, None, "以窗口告知为准"),
    ],
)
def test_time_limit_in_words(promised, statutory, expected):
    guide = make_guide(promised_limit_days=promised, statutory_limit_days=statutory)
    assert time_limit(guide) == expected


def test_slip_lists_every_material_and_the_facts_of_the_guide():
    bundle = make_bundle()
    guide = bundle.guides[0]
    slip = _slip(guide, bundle)
    texts = [b.text for b in slip.blocks] + [line for b in slip.blocks for line in b.lines]
    checks = [b for b in slip.blocks if b.kind == "check"]
    assert [c.text for c in checks] == [f"{n}. {m.name}" for n, m in enumerate(guide.materials, 1)]
    for expected in (
        bundle.site.halls[0].name,
        guide.name,
        guide.hours,
        guide.location,
        "不收费",
        "说明：复印户主页和本人页",
        "打印时间：2026-03-02 10:05",
    ):
        assert any(expected in t for t in texts), expected
    assert any("r-20260301" in t for t in texts)
    assert slip.qr_url == guide.online_url


def test_a_url_outside_the_allowlist_gets_no_code_on_the_slip():
    bundle = make_bundle()
    guide = make_guide(online_url="https://evil.example.com/phish")
    slip = _slip(guide, bundle)
    assert slip.qr_url is None
    assert not [b for b in slip.blocks if b.kind == "qr"]


# --- drawing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dots", [384, 576])
def test_slip_is_a_one_bit_image_at_the_printer_width_with_a_readable_code(dots):
    slip = _slip()
    image = render.receipt(slip, dots)
    assert image.mode == "1"
    assert image.width == dots
    assert read_qr(image) == [slip.qr_url]


@pytest.mark.parametrize("dots", [384, 576])
def test_qr_modules_are_six_to_eight_dots(dots):
    slip = _slip()
    style = render.Style.receipt(dots)
    assert 6 <= render._qr_module(slip.qr_url, style) <= 8


def test_a_long_guide_makes_a_longer_slip_not_a_shorter_list():
    bundle = make_bundle()
    short = _slip(bundle.guides[0], bundle)
    many = [Material(name=f"第{n}项证明材料（由相关单位出具）", form="复印件", copies=n % 3 + 1) for n in range(1, 41)]
    long_guide = make_guide(materials=many, conditions=["条件说明，" * 30])
    long = _slip(long_guide, bundle)
    assert len([b for b in long.blocks if b.kind == "check"]) == 40
    short_img, long_img = render.receipt(short, 384), render.receipt(long, 384)
    assert long_img.height > short_img.height + 40 * 50
    # The code is still at the end and still readable: nothing was cut off.
    assert read_qr(long_img) == [long.qr_url]


def test_text_never_touches_the_margins():
    image = render.receipt(_slip(), 384)
    margin = render.Style.receipt(384).margin
    inverted = Image.eval(image.convert("L"), lambda v: 255 - v)
    assert inverted.crop((0, 0, margin - 2, image.height)).getbbox() is None
    assert inverted.crop((image.width - margin + 2, 0, image.width, image.height)).getbbox() is None


def _missing_glyph_mask(font: ImageFont.FreeTypeFont) -> bytes:
    return bytes(font.getmask("\U0010fffd"))


def _all_texts(slip) -> str:
    return "".join(b.text + "".join(b.lines) for b in slip.blocks if b.kind != "qr")


def _sample_guides():
    """The sample county's guides and site."""
    from content_sync.sources import read_source_dir

    bundle = read_source_dir(SAMPLE_COUNTY)
    return bundle.guides, bundle.site


def test_every_character_of_the_slip_has_a_glyph():
    font = _font(24)
    missing = _missing_glyph_mask(font)
    text = _all_texts(_slip()) + "【】□·（）《》，。：；"
    absent = sorted({c for c in text if not c.isspace() and bytes(font.getmask(c)) == missing})
    assert absent == []


@pytest.mark.parametrize("dots", [384, 576])
def test_every_sample_guide_renders_at_both_widths_with_all_glyphs_and_its_code(dots):
    guides, site = _sample_guides()
    font = _font(24)
    missing = _missing_glyph_mask(font)
    assert guides
    for guide in guides:
        slip = build_slip(guide, site.halls[0], site, "r-sample", PRINTED_AT)
        image = render.receipt(slip, dots)
        assert image.width == dots and image.mode == "1"
        absent = {c for c in _all_texts(slip) if not c.isspace() and bytes(font.getmask(c)) == missing}
        assert not absent, (guide.id, sorted(absent))
        assert len([b for b in slip.blocks if b.kind == "check"]) == len(guide.materials)
        assert slip.qr_url == guide.online_url, guide.id
        assert read_qr(image) == ([guide.online_url] if guide.online_url else []), guide.id


def test_a4_pdf_has_pages_cut_between_lines():
    bundle = make_bundle()
    many = [Material(name=f"第{n}项证明材料", form="原件", copies=1) for n in range(1, 81)]
    slip = _slip(make_guide(materials=many), bundle)
    pages = render.a4_pages(slip)
    assert len(pages) >= 2
    assert all(p.size == render.A4_PX for p in pages)
    pdf = render.a4_pdf(slip)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == len(pages)
    # The code is on one page, whole and readable.
    found = [url for page in pages for url in read_qr(page)]
    assert found == [slip.qr_url]


def test_too_narrow_a_printer_is_refused():
    with pytest.raises(ValueError, match="PRINTER_DOTS"):
        render.Style.receipt(100)
