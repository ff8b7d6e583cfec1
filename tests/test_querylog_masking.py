"""Personal numbers never reach the query log, however they are typed: separators, widths, numerals."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.search.querylog import digits_of, scrub

NUMERALS = "零一二三四五六七八九"
FULL_WIDTH = "０１２３４５６７８９"
SEPARATORS = [" ", "  ", "-", " - ", ".", "_", "/", "·", "，", "、", ":", "\u3000", "－", "．"]


@st.composite
def personal_numbers(draw) -> str:
    kind = draw(st.sampled_from(["mobile", "id", "bank", "landline"]))
    if kind == "mobile":
        digits = "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    elif kind == "id":
        digits = draw(st.text("0123456789", min_size=17, max_size=17)) + draw(st.sampled_from("0123456789X"))
    elif kind == "bank":
        digits = draw(st.text("0123456789", min_size=16, max_size=19))
    else:
        digits = "0" + draw(st.text("0123456789", min_size=9, max_size=11))
    return digits


@st.composite
def typed(draw, digits: str) -> str:
    """`digits` as a person might type them: groups split by separators, each group in ASCII,
    full-width digits or Chinese numerals."""
    out = []
    for start in range(0, len(digits), 4):
        style = draw(st.sampled_from(["ascii", "full", "numeral"]))
        if start:
            out.append(draw(st.sampled_from(["", *SEPARATORS])))
        for d in digits[start : start + 4]:
            if d == "X":
                out.append(draw(st.sampled_from("Xx")))
            elif style == "full":
                out.append(FULL_WIDTH[int(d)])
            elif style == "numeral":
                out.append(draw(st.sampled_from("零〇")) if d == "0" else NUMERALS[int(d)])
            else:
                out.append(d)
    return "".join(out)


@settings(max_examples=500, deadline=None)
@given(
    data=st.data(),
    before=st.sampled_from(["", "社保 ", "我的电话", "低保 "]),
    after=st.sampled_from(["", " 查询", "的进度"]),
)
def test_no_personal_number_survives_in_any_form(data, before, after):
    digits = data.draw(personal_numbers())
    text = data.draw(typed(digits))
    stored = scrub(before + text + after)
    kept = digits_of(stored)
    core = digits.rstrip("X")
    assert not any(core[i : i + 6] in kept for i in range(len(core) - 5)), (text, stored)
    assert "#" in stored


def test_what_is_no_personal_number_stays_readable():
    for query in ["12345", "〔2024〕12号", "2024年低保标准", "第一二三条", "一次性告知", "社保卡丢了", "5G"]:
        assert scrub(query) == query.lower()
