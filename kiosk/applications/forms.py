"""The two forms and their rules: 政府信息公开申请表 (after the national form) and 办事咨询.

`check_application(form, agencies)` and `check_question(form, agencies)` return the cleaned
values and, per field, one plain-Chinese sentence saying what to change. Nothing here stores
anything: the values live only in the request that carries them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import checks

APPLICANT_KINDS = ("公民", "法人或者其他组织")
ID_KINDS = ("居民身份证", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "护照", "外国人永久居留身份证")
MEDIA = ("纸质", "电子")
DELIVERIES = ("自行领取", "邮寄", "电子邮件")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    max_length: int
    hint: str = ""
    choices: tuple[str, ...] = ()
    optional: bool = False
    organisation_only: bool = False
    keyboard: str = "text"  # the on-screen keyboard: "text" (pinyin, handwriting, letters) or "digits"


APPLICATION_FIELDS = (
    Field("applicant_kind", "申请人", 20, choices=APPLICANT_KINDS),
    Field("org_name", "单位名称", 100, "营业执照上的名称", organisation_only=True),
    Field("credit_code", "统一社会信用代码", 18, "营业执照上的 18 位代码", organisation_only=True, keyboard="text"),
    Field("name", "姓名", 40, "以单位名义申请的，填经办人姓名"),
    Field("id_kind", "证件类型", 20, choices=ID_KINDS),
    Field("id_number", "证件号码", 30, "身份证号码 18 位，最后一位可能是 X", keyboard="text"),
    Field("phone", "联系电话", 20, "手机号码，或带区号的固定电话", keyboard="digits"),
    Field("address", "通信地址", 120, "能收到信的地址"),
    Field("email", "电子邮箱", 80, "没有可以不填", optional=True),
    Field("agency", "向哪个机关申请", 100, "掌握这条信息的机关"),
    Field("description", "要申请的信息", 1000, "信息的名称、文件的文号，或者能帮工作人员找到它的说明"),
    Field("medium", "要什么形式", 10, choices=MEDIA),
    Field("delivery", "怎样拿到", 10, choices=DELIVERIES),
)
QUESTION_FIELDS = (
    Field("question", "您想问什么", 500, "写清楚要办什么事、遇到了什么问题"),
    Field("callback_phone", "回电号码", 20, "工作人员打这个电话答复您", keyboard="digits"),
    Field("name", "怎么称呼您", 20, "如 王阿姨、李先生；可以不填", optional=True),
    Field("agency", "问哪个部门", 100, "不清楚可以不选", optional=True),
)
DESCRIPTION_MIN = 4
QUESTION_MIN = 4


@dataclass
class Checked:
    values: dict[str, str]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(form: Mapping[str, str], field: Field) -> str:
    value = form.get(field.name, "")
    value = value if isinstance(value, str) else ""
    # Control characters never belong in a form; keep line breaks in the long texts only.
    value = "".join(ch for ch in value if ch in "\n" or ch >= " ").strip()
    return value


def _common(form: Mapping[str, str], fields: Sequence[Field], skip: set[str]) -> Checked:
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in fields:
        if field.name in skip:
            continue
        value = _text(form, field)
        values[field.name] = value
        if len(value) > field.max_length:
            errors[field.name] = f"最多 {field.max_length} 个字，您写了 {len(value)} 个。"
        elif not value and not field.optional:
            errors[field.name] = f"请选择{field.label}。" if field.choices else f"请填写{field.label}。"
        elif field.choices and value not in field.choices:
            errors[field.name] = f"请从下面选一项{field.label}。"
    return Checked(values, errors)


def check_application(form: Mapping[str, str], agencies: Sequence[str]) -> Checked:
    kind = form.get("applicant_kind", "")
    organisation = kind == APPLICANT_KINDS[1]
    skip = set() if organisation else {f.name for f in APPLICATION_FIELDS if f.organisation_only}
    checked = _common(form, APPLICATION_FIELDS, skip)
    values, errors = checked.values, checked.errors
    if organisation and "credit_code" not in errors:
        values["credit_code"] = checks.tidy(values["credit_code"]).upper()
        problem = checks.credit_code_problem(values["credit_code"])
        if problem:
            errors["credit_code"] = problem
    if "id_number" not in errors:
        values["id_number"] = checks.tidy(values["id_number"]).upper()
        if values.get("id_kind") == "居民身份证":
            problem = checks.id_card_problem(values["id_number"])
            if problem:
                errors["id_number"] = problem
        elif not values["id_number"].isalnum() or len(values["id_number"]) < 5:
            errors["id_number"] = "证件号码只有字母和数字，请对照证件核对。"
    if "phone" not in errors:
        values["phone"] = checks.tidy(values["phone"])
        problem = checks.phone_problem(values["phone"])
        if problem:
            errors["phone"] = problem
    if values.get("email") and "email" not in errors:
        values["email"] = checks.tidy(values["email"])
        problem = checks.email_problem(values["email"])
        if problem:
            errors["email"] = problem
    if values.get("delivery") == "电子邮件" and not values.get("email") and "email" not in errors:
        errors["email"] = "要用电子邮件拿到信息，请填写电子邮箱。"
    if values.get("medium") == "纸质" and values.get("delivery") == "电子邮件" and "delivery" not in errors:
        errors["delivery"] = "纸质的信息不能用电子邮件寄，请选自行领取或邮寄。"
    if "agency" not in errors and values["agency"] not in agencies:
        errors["agency"] = "请从列表中选择机关。"
    if "description" not in errors and len(values["description"]) < DESCRIPTION_MIN:
        errors["description"] = "请多写几个字，说清楚您要哪条信息。"
    return checked


def check_question(form: Mapping[str, str], agencies: Sequence[str]) -> Checked:
    checked = _common(form, QUESTION_FIELDS, set())
    values, errors = checked.values, checked.errors
    if "callback_phone" not in errors:
        values["callback_phone"] = checks.tidy(values["callback_phone"])
        problem = checks.phone_problem(values["callback_phone"])
        if problem:
            errors["callback_phone"] = problem
    if values.get("agency") and "agency" not in errors and values["agency"] not in agencies:
        errors["agency"] = "请从列表中选择部门，或者不选。"
    if "question" not in errors and len(values["question"]) < QUESTION_MIN:
        errors["question"] = "请多写几个字，说清楚您想问什么。"
    return checked
