"""The `content-sync` command line: messages, exit codes, and the generated JSON Schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from content_sync.cli import main
from content_sync.errors import ContentSyncError
from content_sync.schema import RECORD_TYPES
from tests.county_source import SHEET, catalog_row, guide, second_row, write_source

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_validate_prints_a_one_line_summary_and_exits_0(runner, tmp_path):
    result = runner.invoke(main, ["validate", str(write_source(tmp_path))])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "read: site from site.json, domains from domains.json, catalog from catalog/, guides from guides.jsonl, "
        "documents from documents.jsonl, life events from life_events.json, synonyms from synonyms.json\n"
        "ok: 禾川县 (999101): 1 halls, 2 domains, 2 catalog items, 1 guides, 2 documents, "
        "1 life events, 2 synonym groups, 1 attachments\n"
    )
    assert result.stderr == ""


def test_validate_prints_each_problem_on_its_own_line_and_exits_3(runner, tmp_path):
    write_source(
        tmp_path,
        catalog={SHEET: [catalog_row(), second_row(disclosure_type="决定")]},
        guides=[guide(materials=[{"form": "原件"}])],
    )
    result = runner.invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        'catalog/县级目录.csv › 第 3 行 › 公开类型: "决定" 不是可选值之一：决策、执行、管理、服务、结果',
        "guides.jsonl › 第 1 行 › materials[0].name: 必填，不能空着",
        "错误：内容有 2 个问题 (error: 2 problem(s) in the content)",
    ]


def test_validate_json_gives_each_problem_in_english_and_in_chinese(runner, tmp_path):
    write_source(tmp_path, catalog={SHEET: [catalog_row(), second_row(disclosure_type="决定")]})
    result = runner.invoke(main, ["validate", "--json", str(tmp_path)])
    assert result.exit_code == 3
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["file"] == "catalog/县级目录.csv"
    assert problem["record"] == "row 3 (id=c-social-002)"
    assert problem["message"] == "Input should be '决策', '执行', '管理', '服务' or '结果', got '决定'"
    assert (
        problem["zh"]
        == 'catalog/县级目录.csv › 第 3 行 › 公开类型: "决定" 不是可选值之一：决策、执行、管理、服务、结果'
    )


def test_validate_json_of_a_valid_folder_says_what_it_read(runner, tmp_path):
    result = runner.invoke(main, ["validate", "--json", str(write_source(tmp_path))])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["ok"] is True and out["read"]["guide"] == "guides.jsonl" and out["counts"]["guides"] == 1


def test_validate_lists_more_than_fifty_problems_in_full(runner, tmp_path):
    rows = [second_row(id=f"c-{n:03d}", status="公开") for n in range(60)]
    write_source(tmp_path, catalog={SHEET: rows})
    result = runner.invoke(main, ["validate", str(tmp_path)])
    lines = result.stderr.splitlines()
    assert result.exit_code == 3 and len(lines) == 61
    assert lines[59].startswith("catalog/县级目录.csv › 第 61 行 › 公开状态: ")
    assert lines[-1] == "错误：内容有 60 个问题 (error: 60 problem(s) in the content)"


def test_validate_of_a_missing_folder_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(main, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.stderr == f"error: source folder {str(tmp_path / 'nowhere')!r} does not exist or is not a folder\n"
    assert "Traceback" not in result.output


def test_validate_without_an_argument_is_a_usage_error(runner):
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 2
    assert "Missing argument 'SOURCE_DIR'" in result.stderr


def test_any_command_failing_with_a_content_sync_error_exits_with_its_code(runner):
    class PortalDown(ContentSyncError):
        exit_code = 4

    @main.command("fail-for-test")
    def fail() -> None:
        raise PortalDown("the portal at https://www.hechuan.gov.example/ did not answer")

    try:
        result = runner.invoke(main, ["fail-for-test"])
    finally:
        main.commands.pop("fail-for-test")
    assert result.exit_code == 4
    assert result.stderr == "error: the portal at https://www.hechuan.gov.example/ did not answer\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unexpected_errors_are_not_hidden(runner):
    @main.command("crash-for-test")
    def crash() -> None:
        raise RuntimeError("a bug")

    try:
        result = runner.invoke(main, ["crash-for-test"])
    finally:
        main.commands.pop("crash-for-test")
    assert result.exit_code == 1 and isinstance(result.exception, RuntimeError)


def test_schema_writes_one_file_per_record_type(runner, tmp_path):
    out = tmp_path / "schema"
    result = runner.invoke(main, ["schema", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{name}.schema.json" for name in RECORD_TYPES)
    assert result.stdout.splitlines() == [str(out / f"{name}.schema.json") for name in RECORD_TYPES]
    for name, model in RECORD_TYPES.items():
        document = json.loads((out / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert document["title"] == model.__name__
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert set(document["properties"]) == set(model.model_fields)


def test_schema_marks_catalog_fields_with_their_sheet_header(runner, tmp_path):
    runner.invoke(main, ["schema", str(tmp_path)])
    catalog = json.loads((tmp_path / "catalog_item.schema.json").read_text(encoding="utf-8"))
    assert catalog["properties"]["disclosure_type"]["x-sheet-header"] == "公开类型"
    assert catalog["properties"]["disclosure_type"]["enum"] == ["决策", "执行", "管理", "服务", "结果"]
    assert "updated_at" in catalog["required"] and "url" not in catalog["required"]


def test_schema_defaults_to_docs_schema(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "docs/schema/site.schema.json"
    assert (tmp_path / "docs" / "schema" / "guide.schema.json").is_file()


def test_help_lists_the_commands(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "validate" in result.stdout and "schema" in result.stdout


def test_the_module_runs_as_a_real_process(tmp_path):
    # The entry point content-sync = content_sync.cli:main, run the way a shell would.
    source = write_source(tmp_path / "src", catalog={SHEET: [second_row(level="省级")]})
    code = "from content_sync.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "validate", str(source)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 3
    assert done.stderr.splitlines()[-1] == "错误：内容有 1 个问题 (error: 1 problem(s) in the content)"
    assert "Traceback" not in done.stderr


def test_main_is_a_click_group_that_other_modules_can_extend():
    assert isinstance(main, click.Group)
    assert {"validate", "schema"} <= set(main.commands)
