"""Problems with the content in Chinese, for the county's staff.

Every Problem carries its English message (for `--json` and logs). Staff read the Chinese form:
``办事指南.xlsx › 材料 › 第 14 行 › 材料形式: "原件和复印件" 不是可选值之一：原件、复印件、原件及复印件、电子版``.
Readers of workbooks write the Chinese message when they find the problem (from pydantic's error
and the column's header); for everything else it is translated here from the English message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from .errors import Problem

SEPARATOR = " › "


def _quoted_values(expected: str) -> list[str]:
    return re.findall(r"'([^']*)'", expected)


def _has_full_width(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) == "F" for ch in text)


def _pattern_hint(field: str, value: Any) -> str:
    text = value if isinstance(value, str) else ""
    full = "（含全角字符，请改成半角）" if text and _has_full_width(text) else ""
    if field in ("county_code",):
        return f"应为 6 位数字{full}"
    if field.endswith("phone") or field == "hotline":
        return f"电话号码只能有数字、空格、+ ( ) -、“、”“转”和逗号{full}"
    if field == "path":
        return f"文件名只能用英文字母、数字和 _ . / -，并以字母或数字开头{full}"
    if field in ("qr_allowed_hosts",):
        return f"域名格式不对，应如 hechuan.gov.cn（不要 https:// 和路径）{full}"
    return f"编号只能用英文字母、数字和 _ . -，并以字母或数字开头{full}"


def zh_error(error: dict[str, Any], field: str, choices: tuple[str, ...] = ()) -> str:
    """pydantic's error about one cell, in Chinese. `field` is the record field the cell fills."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    shown = value if isinstance(value, str | int | float) else ""
    if kind == "missing" or kind == "string_too_short" and ctx.get("min_length") == 1:
        return "必填，不能空着"
    if kind == "literal_error":
        values = list(choices) or _quoted_values(str(ctx.get("expected", "")))
        return f'"{shown}" 不是可选值之一：{"、".join(values)}'
    if kind == "string_too_long":
        return f"太长：最多 {ctx.get('max_length')} 个字，这里有 {len(str(value))} 个字"
    if kind == "string_too_short":
        return f"太短：至少 {ctx.get('min_length')} 个字"
    if kind == "string_pattern_mismatch":
        return _pattern_hint(field, value)
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f'"{shown}" 不是整数：请填整数，例如 5'
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "too_short":
        return f"至少要填 {ctx.get('min_length')} 项"
    if kind == "too_long":
        return f"最多填 {ctx.get('max_length')} 项"
    if kind.startswith("date"):
        return f'"{shown}" 不是日期：请写成 2024-03-05，或把单元格设成日期格式'
    if kind.startswith("bool"):
        return "请填“是”或“否”"
    if kind == "extra_forbidden":
        return "不认识的字段；请对照 docs/content-format.md 检查拼写"
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return translate(message)


_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = []


def _rule(pattern: str, text: str | Callable[[re.Match[str]], str]) -> None:
    _RULES.append((re.compile(pattern + "$", re.S), text))


_rule(r"Field required", "必填，不能空着")
_rule(r"empty; this column is required", "必填，不能空着")
_rule(
    r"Input should be (.+?)(?:, got '(.*)')?",
    lambda m: f'"{m.group(2) or ""}" 不是可选值之一：{"、".join(_quoted_values(m.group(1))) or m.group(1)}',
)
_rule(
    r"unknown domain '(.+)'(?:; add it to domains.json first)?", r"业务领域“\1”不在业务领域表里：请先把它加到业务领域里"
)
_rule(r"must be an http\(s\) URL, got '(.*)'", r"“\1”不是网址：应以 http:// 或 https:// 开头")
_rule(r"host '(.+)' is not in the site's allowlist \(qr_allowed_hosts\)", r"网址的域名 \1 不在二维码域名白名单里")
_rule(r"(?:portal_base_url|online_service_base_url|online_url): (.+)", lambda m: translate(m.group(1)))
_rule(
    r"promised_limit_days \((\d+)\) is longer than statutory_limit_days \((\d+)\)",
    r"承诺时限（\1 个工作日）比法定时限（\2 个工作日）长",
)
_rule(r"validity is required for a (.+)", r"\1必须填写“有效性”")
_rule(r"a 政策解读 must name the policy it explains in 'interprets'", "政策解读必须在“解读对象”填所解读文件的编号")
_rule(r"only a 政策解读 may set 'interprets'", "只有政策解读才能填“解读对象”")
_rule(r"expires_on is before effective_on", "失效日期早于施行日期")
_rule(r"terms repeat within the group", "同一组里有重复的词")
_rule(r"duplicate hall id (.+)", r"场所编号重复：\1")
_rule(r"no guide with id '(.+)'", r"没有编号为 \1 的办事指南")
_rule(r"no document with id '(.+)'", r"没有编号为 \1 的文件")
_rule(r"no hall with id '(.+)' in site.json", r"没有编号为 \1 的场所")
_rule(
    r"differs from its guide's name '(.+)'; they must be the same",
    r"与所关联指南的事项名称“\1”不一致，两者必须完全相同",
)
_rule(r"points to another interpretation, not a policy", "解读对象是另一篇政策解读，应填被解读的政策文件")
_rule(r"file attachments/(.+) is missing", r"attachments 文件夹里没有文件 \1")
_rule(
    r"duplicate (?:id|name) '(.+)': (.+) already uses it",
    lambda m: f"“{m.group(1)}”重复：{where_zh(m.group(2))} 已经用了",
)
_rule(r"duplicate id \(used (\d+) times\)", r"编号重复（用了 \1 次）")
_rule(r"file is missing; it is required", "缺少这个文件，它是必需的")
_rule(r"missing column: add a column headed '(.+)'", r"缺少“\1”这一列：请在第 1 行加上这一列")
_rule(r"unknown header '(.+)'; did you mean '(.+)'\?", r"列名“\1”不认识；是不是“\2”？")
_rule(r"unknown header '(.+)'; the headers are (.+)", r"列名“\1”不认识；可用的列名有：\2")
_rule(r"duplicate header '(.+)' \(also column (\w+)\)", r"列名“\1”重复（\2 列也是）")
_rule(r"this column has values but no header in row 1", "这一列有内容，但第 1 行没有列名")
_rule(r"row 1 must hold the headers.*", "第 1 行应是列名（编号、事项名称……），现在是空的")
_rule(
    r"expected a date like 2024-03-05, got the number (.+?);.*",
    r"这里是数字 \1，不是日期：请把单元格设成日期格式，或把日期写成文字 2024-03-05",
)
_rule(r"expected a date like 2024-03-05.*, got '(.*)'", r"“\1”不是日期：请写成 2024-03-05 或 2024/3/5，或设成日期格式")
_rule(r"not a valid date \((.+)\), got '(.*)'", r"“\2”不是有效的日期（没有这一天）")
_rule(
    r"not UTF-8 text \(it looks like GBK/ANSI\).*",
    "文件不是 UTF-8 编码（像是 GBK/ANSI）：请另存为“CSV UTF-8（逗号分隔）”",
)
_rule(r"not UTF-8 text.*", "文件不是 UTF-8 编码：请另存为 UTF-8")
_rule(r"not an Excel workbook \(\.xlsx\) or damaged.*", "不是 Excel 工作簿（.xlsx），或文件已损坏")
_rule(r"not a catalog sheet.*", "不是目录表：请另存为 .xlsx，或“CSV UTF-8”(.csv)")
_rule(r"no sheets: .*", "这里没有表格：请放入一个或多个 .xlsx 或 .csv 目录表")
_rule(r"folder is missing; .*", "缺少这个文件夹")
_rule(r"invalid JSON.*", lambda m: "JSON 格式错误：" + m.group(0))
_rule(r"unknown field; .*", "不认识的字段；请对照 docs/content-format.md 检查拼写")


def translate(message: str) -> str:
    """An English problem message in Chinese; a message without a translation is kept as it is."""
    for pattern, text in _RULES:
        match = pattern.match(message)
        if match:
            return text(match) if callable(text) else match.expand(text)
    return message


def where_zh(where: str) -> str:
    """``catalog/县级目录.xlsx, row 2 (id=c-1)`` -> ``catalog/县级目录.xlsx › 第 2 行``."""
    parts = [p.strip() for p in where.split(",")]
    return SEPARATOR.join(_record_zh(p) for p in parts if p)


def _record_zh(record: str) -> str:
    record = re.sub(r"\s*\(id=[^)]*\)$", "", record)
    for english, chinese in (("row", "第 {} 行"), ("line", "第 {} 行"), ("record", "第 {} 条")):
        match = re.fullmatch(english + r" (\d+)", record)
        if match:
            return chinese.format(match.group(1))
    match = re.fullmatch(r"sheet (.+)", record)
    return match.group(1) if match else record


def _field_zh(field: str) -> str:
    """``公开层级 (level)[1]`` -> ``公开层级 第 2 项``; JSON paths stay as they are."""
    match = re.fullmatch(r"(.+?) \([a-z_0-9]+\)(?:\[(\d+)\])?(.*)", field)
    if match:
        head, index, rest = match.groups()
        return head + (f" 第 {int(index) + 1} 项" if index is not None else "") + rest
    return re.sub(r"^column ([A-Z]+)$", r"\1 列", field)


def chinese(problem: Problem) -> str:
    """The problem as staff read it: where (file › sheet › 第 N 行 › header) and what, in Chinese."""
    parts = [problem.file]
    if problem.sheet:
        parts.append(problem.sheet)
    if problem.row is not None:
        parts.append(f"第 {problem.row} 行")
    elif problem.record:
        parts += [_record_zh(p.strip()) for p in problem.record.split(",") if p.strip()]
    field = problem.header or (_field_zh(problem.field) if problem.field else "")
    if field:
        parts.append(field)
    return SEPARATOR.join(p for p in parts if p) + ": " + (problem.zh or translate(problem.message))


def as_dict(problem: Problem) -> dict[str, Any]:
    """A problem for `--json`: the English fields, where it is in the workbook, and the Chinese line."""
    return {
        "file": problem.file,
        "record": problem.record,
        "field": problem.field,
        "message": problem.message,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "header": problem.header,
        "zh": chinese(problem),
    }
