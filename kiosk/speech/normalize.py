"""Text prepared for speech: what a screen shows, rewritten the way a person would read it aloud.

A speech engine reads "0999-6123001" as a large number, "9:00" as a ratio and "〔2024〕12号" as
noise. `for_speech` turns digits, times, dates, money, document numbers and codes into Chinese
words (numbers through cn2an), drops the marks a reader does not voice (《》, quotes, brackets) and
turns punctuation into the two pauses every engine understands: ", " and ". ".
"""

from __future__ import annotations

import re

# Digits read one by one, as Chinese speakers read phone numbers (1 as 幺, never confused with 七).
PHONE_DIGITS = str.maketrans("0123456789", "零幺二三四五六七八九")
# Digits of a year or a code: 1 as 一.
PLAIN_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")

DASH = "-–—－~～"
_DASH = f"[{re.escape(DASH)}]"
_RANGE_WORD = rf"(?:{_DASH}|至|到)"

# Units written in Latin letters on Chinese pages.
UNITS = {
    "m²": "平方米",
    "m2": "平方米",
    "㎡": "平方米",
    "km": "公里",
    "kg": "千克",
    "cm": "厘米",
    "mm": "毫米",
    "℃": "摄氏度",
}

_DATE = re.compile(r"(?<!\d)(\d{4})\s*(?:年|[-./])\s*(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})\s*日?(?!\d)")
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})年(\d{1,2})月")
_YEAR = re.compile(r"(?<!\d)(\d{4})年")
_DOC_NUMBER = re.compile(r"[〔\[［【(（](\d{4})[〕\]］】)）]\s*第?(\d+)\s*号")
_TIME = re.compile(r"(?<![\d:])([01]?\d|2[0-4])[:：]([0-5]\d)(?![\d:])")
# Landlines with an area code (0999-6123001, 0999 6123001), mobiles, and short service numbers
# after a word that announces a phone number.
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[\s-]?(\d{7,8})(?:[-转](\d{1,5}))?(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
_ANNOUNCED = re.compile(r"((?:电话|热线|拨打|号码|服务号|短信)[^\d，。；,.;]{0,6})(\d{3,12})(?!\d)")
_HOTLINE = re.compile(r"(?<![\d.])(12\d{3}|9[56]\d{3})(?![\d.%万元人个年月日号次份])")
# Codes: letters and digits mixed, or a long run of digits (ids, codes, licence numbers).
_CODE = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{4,}(?![A-Za-z0-9])")
_LONG_DIGITS = re.compile(r"(?<![\d.])\d{13,}(?![\d.])")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_NUMBER_RANGE = re.compile(rf"(\d+(?:\.\d+)?)\s*{_DASH}\s*(?=\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CURRENCY = re.compile(r"[¥￥]\s*(\d+(?:\.\d+)?)")
_UNIT = re.compile(
    r"(?<=\d)\s*(" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + r")(?![A-Za-z0-9])"
)
_LATIN = re.compile(r"[A-Za-z]+")

_DROP = str.maketrans("", "", "《》〈〉「」『』“”‘’\"'*#")
_OPEN = "（(【[［〔{"
_CLOSE = "）)】]］〕}"
_SHORT_PAUSE = "，、：:；;,·•›/|_-–—－~～（(【[［〔{）)】]］〕}\n\t"
_LONG_PAUSE = "。！？!?…"


def _number(text: str) -> str:
    """A number as Chinese words: 14 → 十四, 2.85 → 二点八五, 20000 → 二万."""
    # Imported on first use: cn2an compiles its patterns on import (~0.3 s), which would
    # otherwise delay the web process's start; the first reading aloud pays it once.
    import cn2an

    try:
        return cn2an.an2cn(text)
    except (ValueError, KeyError):
        return text.translate(PLAIN_DIGITS)


def _clock(hour: str, minute: str) -> str:
    spoken = _number(str(int(hour))) + "点"
    if minute == "30":
        return spoken + "半"
    if minute != "00":
        spoken += ("零" if minute.startswith("0") else "") + _number(str(int(minute))) + "分"
    return spoken


def _date(m: re.Match) -> str:
    year, month, day = m.groups()
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return m.group(0)
    return f"{year.translate(PLAIN_DIGITS)}年{_number(str(int(month)))}月{_number(str(int(day)))}日"


def _landline(m: re.Match) -> str:
    area, number, ext = m.groups()
    spoken = f"{area.translate(PHONE_DIGITS)} {number.translate(PHONE_DIGITS)}"
    return spoken + (f" 转 {ext.translate(PHONE_DIGITS)}" if ext else "")


def _spell(text: str) -> str:
    """Letters and digits one by one: 11999101MB → 一一九九九一零一 M B."""
    out = []
    for ch in text:
        out.append(ch.translate(PLAIN_DIGITS) if ch.isdigit() else ch.upper())
    return " ".join(out)


def _latin(m: re.Match) -> str:
    return " " + " ".join(ch.upper() for ch in m.group(0)) + " "


def _pauses(text: str) -> str:
    out = []
    for ch in text:
        if ch in _LONG_PAUSE:
            out.append(". ")
        elif ch in _SHORT_PAUSE:
            out.append(", ")
        else:
            out.append(ch)
    spoken = "".join(out)
    # Collapse runs of pauses: the longest one wins.
    spoken = re.sub(r"(?:\s*[,.]\s*)+", lambda m: ". " if "." in m.group(0) else ", ", spoken)
    spoken = re.sub(r"[ \u3000]+", " ", spoken)
    return spoken.strip(" ,")


def for_speech(text: str) -> str:
    """Rewrite `text` for a speech engine: every number, code and mark read the way a person reads it."""
    if not text:
        return ""
    s = text.replace("\u3000", " ").replace("\xa0", " ")
    s = s.translate(_DROP)
    s = _DOC_NUMBER.sub(lambda m: f"{m.group(1).translate(PLAIN_DIGITS)}年{_number(m.group(2))}号", s)
    s = _DATE.sub(_date, s)
    s = _YEAR_MONTH.sub(lambda m: f"{m.group(1).translate(PLAIN_DIGITS)}年{_number(str(int(m.group(2))))}月", s)
    s = _YEAR.sub(lambda m: f"{m.group(1).translate(PLAIN_DIGITS)}年", s)
    s = re.sub(
        rf"{_TIME.pattern}\s*{_RANGE_WORD}\s*{_TIME.pattern}",
        lambda m: f"{_clock(m.group(1), m.group(2))}到{_clock(m.group(3), m.group(4))}",
        s,
    )
    s = _TIME.sub(lambda m: _clock(m.group(1), m.group(2)), s)
    s = _LANDLINE.sub(_landline, s)
    s = _MOBILE.sub(lambda m: m.group(1).translate(PHONE_DIGITS), s)
    s = _ANNOUNCED.sub(lambda m: m.group(1) + m.group(2).translate(PHONE_DIGITS), s)
    s = _HOTLINE.sub(lambda m: m.group(1).translate(PHONE_DIGITS), s)
    s = _UNIT.sub(lambda m: UNITS[m.group(1)], s)
    s = _CODE.sub(lambda m: _spell(m.group(0)), s)
    s = _LONG_DIGITS.sub(lambda m: _spell(m.group(0)), s)
    s = _CURRENCY.sub(lambda m: _number(m.group(1)) + "元", s)
    s = _PERCENT.sub(lambda m: "百分之" + _number(m.group(1)), s)
    s = _NUMBER_RANGE.sub(lambda m: _number(m.group(1)) + "到", s)
    s = _NUMBER.sub(lambda m: _number(m.group(0)), s)
    s = re.sub(r"(?<=[A-Za-z])[._-](?=[A-Za-z])", "、", s)
    s = _LATIN.sub(_latin, s)
    return _pauses(s)
