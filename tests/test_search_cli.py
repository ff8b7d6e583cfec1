"""`kiosk search QUERY [--json] [--limit N]`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.search import querylog
from tests.factories import state_rows


@pytest.fixture
def run(data_dir, tmp_path):
    env = {
        "KIOSK_CONFIG": str(tmp_path / "none.toml"),
        "KIOSK_DATA_DIR": str(data_dir),
        "KIOSK_CACHE_DIR": str(tmp_path / "cache"),
    }

    def _run(*args):
        return CliRunner().invoke(main, ["search", *args], env=env)

    return _run


def test_json_output_lists_id_kind_title_score(run):
    result = run("社保", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0] == {
        "id": "g-social-01",
        "kind": "guide",
        "title": "城乡居民基本养老保险参保登记",
        "score": rows[0]["score"],
    }
    assert all(set(r) == {"id", "kind", "title", "score"} for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_limit_caps_the_results(run):
    assert len(json.loads(run("养老保险", "--json", "--limit", "1").output)) == 1
    assert run("养老保险", "--limit", "0").exit_code == 2


def test_plain_output_is_a_table_and_no_result_exits_non_zero(run):
    result = run("火星移民")
    assert result.exit_code == 1 and "no results for '火星移民'" in result.output
    result = run("cxjm")
    assert result.exit_code == 0 and "办事指南" in result.output and "g-social-01" in result.output


def test_cli_searches_are_logged_as_cli(run, data_dir):
    run("退休", "--json")
    rows = [dict(r) for r in state_rows(data_dir, "SELECT query, source FROM search_log", querylog.ensure)]
    assert rows == [{"query": "退休", "source": "cli"}]


def test_without_a_release_the_cli_says_so(tmp_path):
    env = {"KIOSK_CONFIG": str(tmp_path / "none.toml"), "KIOSK_DATA_DIR": str(tmp_path / "empty")}
    result = CliRunner().invoke(main, ["search", "社保"], env=env)
    assert result.exit_code == 1 and "no active release" in result.output and "Traceback" not in result.output
