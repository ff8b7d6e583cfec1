"""Checks of the numbers a citizen types, each with the national standard's own rule.

- 居民身份证号码 (GB 11643-1999): 17 digits, then a check character from ISO 7064 MOD 11-2
  (weights 2^(17-i) mod 11; remainder -> "10X98765432"), and a real date of birth inside.
- 统一社会信用代码 (GB 32100-2015): 18 characters from 0-9 and 31 capital letters without
  I, O, Z, S, V; the last is a check character from weights 3^i mod 31.
- Phone numbers: an 11-digit mobile number, or a landline with its area code (0xxx-xxxxxxx).
"""

from __future__ import annotations

import datetime as dt
import re

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$")
_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＸｘＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＹ－", "0123456789XxABCDEFGHJKLMNPQRTUWY-"
)


def tidy(text: str) -> str:
    """Full-width digits and letters to ASCII, spaces out (how people type numbers on a screen)."""
    return "".join(text.translate(_FULL_WIDTH).split())


def id_card_check_character(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_card_problem(number: str, today: dt.date | None = None) -> str | None:
    """None if `number` is a valid 居民身份证 number, else what is wrong, in plain Chinese."""
    number = number.upper()
    if len(number) != 18:
        return f"身份证号码是 18 位，您填了 {len(number)} 位。"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "身份证号码前 17 位是数字，最后一位是数字或 X。"
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号码中的出生日期不对，请核对。"
    if born > (today or dt.date.today()) or born.year < 1900:
        return "身份证号码中的出生日期不对，请核对。"
    if id_card_check_character(number[:17]) != number[17]:
        return "身份证号码有一位不对，请对照证件核对。"
    return None


def credit_code_check_character(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None if `code` is a valid 统一社会信用代码, else what is wrong, in plain Chinese."""
    code = code.upper()
    if len(code) != 18:
        return f"统一社会信用代码是 18 位，您填了 {len(code)} 位。"
    if any(c not in _USCC_ALPHABET for c in code):
        return "统一社会信用代码只有数字和大写字母（没有 I、O、Z、S、V），请对照营业执照核对。"
    if credit_code_check_character(code[:17]) != code[17]:
        return "统一社会信用代码有一位不对，请对照营业执照核对。"
    return None


def phone_problem(phone: str) -> str | None:
    if _MOBILE.match(phone) or _LANDLINE.match(phone):
        return None
    if phone.isdigit() and phone.startswith("1"):
        return f"手机号码是 11 位，您填了 {len(phone)} 位。"
    return "请填手机号码（11 位），或带区号的固定电话，如 0999-6123018。"


def email_problem(email: str) -> str | None:
    return None if _EMAIL.match(email) else "电子邮箱的样子是 name@example.com，请核对。"
