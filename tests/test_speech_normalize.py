"""The text normaliser for speech, case by case; every input is a phrase of the sample county."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.speech.normalize import for_speech

SAMPLE = Path(__file__).resolve().parent.parent / "demo" / "county"

# (phrase as the sample county writes it, what the engine is given)
CASES = [
    # phone numbers, digit by digit
    ("0999-6123001", "零九九九 六幺二三零零幺"),
    ("0999-6123200", "零九九九 六幺二三二零零"),
    ("0999-6123191", "零九九九 六幺二三幺九幺"),
    ("12345", "幺二三四五"),
    ("12348公共法律服务", "幺二三四八公共法律服务"),
    ("12315", "幺二三幺五"),
    ("12345政务服务便民", "幺二三四五政务服务便民"),
    # hours
    ("8:30—12:00", "八点半到十二点"),
    ("14:30—17:30", "十四点半到十七点半"),
    ("周六上午9:00—12:00延时服务", "周六上午九点到十二点延时服务"),
    ("中午12:00—14:30错时服务", "中午十二点到十四点半错时服务"),
    (
        "周一至周五 上午8:30—12:00，下午14:30—17:30（法定节假日除外）",
        "周一至周五 上午八点半到十二点, 下午十四点半到十七点半, 法定节假日除外",
    ),
    # dates
    ("2024-03-18", "二零二四年三月十八日"),
    ("2026-03-04", "二零二六年三月四日"),
    ("2024年5月1日", "二零二四年五月一日"),
    ("2025年12月31日", "二零二五年十二月三十一日"),
    ("2021年8月1日", "二零二一年八月一日"),
    # money
    ("不收费", "不收费"),
    ("1000元", "一千元"),
    ("550元", "五百五十元"),
    ("8000元", "八千元"),
    ("115元", "一百一十五元"),
    ("每亩4.6万元至6.8万元", "每亩四点六万元至六点八万元"),
    ("第一阶梯每吨2.85元", "第一阶梯每吨二点八五元"),
    # articles
    ("第十四条", "第十四条"),
    ("《公共租赁住房管理办法》第七条", "公共租赁住房管理办法第七条"),
    ("《中华人民共和国土地管理法》", "中华人民共和国土地管理法"),
    # document numbers
    ("禾政办发〔2024〕12号", "禾政办发二零二四年十二号"),
    ("禾人社发〔2023〕5号", "禾人社发二零二三年五号"),
    ("禾民发〔2022〕6号", "禾民发二零二二年六号"),
    ("〔2016〕2559号", "二零一六年二千五百五十九号"),
    # brackets, quotes, marks
    ("县政务服务中心四楼住建窗口（31–32号）", "县政务服务中心四楼住建窗口, 三十一到三十二号"),
    ("禾川县禾城镇新华路168号（县人民医院对面）", "禾川县禾城镇新华路一百六十八号, 县人民医院对面"),
    (
        "《财政部 农业农村部关于全面推开农业“三项补贴”改革工作的通知》",
        "财政部 农业农村部关于全面推开农业三项补贴改革工作的通知",
    ),
    # numbers in sentences, percent, units
    ("县外医院报60%", "县外医院报百分之六十"),
    ("合格率98.3%", "合格率百分之九十八点三"),
    ("人均住房面积低于15平方米", "人均住房面积低于十五平方米"),
    ("每户每年用水180吨以内", "每户每年用水一百八十吨以内"),
    ("塘西村集体土地约86亩", "塘西村集体土地约八十六亩"),
    ("年满16周岁", "年满十六周岁"),
    ("20个工作日", "二十个工作日"),
    # codes and Latin letters, spelt
    ("11999101MB0481356305009001", "一 一 九 九 九 一 零 一 M B 零 四 八 一 三 五 六 三 零 五 零 零 九 零 零 一"),
    ("dibao-card.pdf", "D I B A O, C A R D, P D F"),
    # punctuation as pauses
    ("批准次月起发放低保金；不批准的，书面告知理由。", "批准次月起发放低保金, 不批准的, 书面告知理由."),
    ("社保、户籍、税务窗口", "社保, 户籍, 税务窗口"),
]


@pytest.mark.parametrize(("written", "spoken"), CASES, ids=[c[0][:24] for c in CASES])
def test_sample_phrase_is_read_as_a_person_reads_it(written, spoken):
    assert for_speech(written) == spoken


def sample_text() -> str:
    files = sorted(p for p in SAMPLE.rglob("*") if p.is_file())
    texts = [p.read_bytes().decode("utf-8", errors="ignore") for p in files]
    return "\n".join(texts + [p.name for p in files])


def test_every_case_comes_from_the_sample_county():
    text = sample_text()
    missing = [written for written, _ in CASES if written not in text]
    assert missing == []
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("手机13912345678", "手机幺三九幺二三四五六七八"),
        ("0999-6123001转802", "零九九九 六幺二三零零幺 转 八零二"),
        ("面积120m²", "面积一百二十平方米"),
        ("￥20", "二十元"),
        ("9:05", "九点零五分"),
        ("13:45", "十三点四十五分"),
        ("", ""),
    ],
)
def test_forms_the_sample_does_not_use(written, spoken):
    assert for_speech(written) == spoken


def test_no_digit_or_ascii_mark_reaches_the_engine():
    for written, _ in CASES:
        spoken = for_speech(written)
        assert not any(ch.isdigit() for ch in spoken), written
        assert not set(spoken) & set("《》（）()〔〕“”%-—:："), written
