"""The documentation keeps up with the code: every setting, command, metric and alert is in docs/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import click.testing
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from kiosk import create_app
from kiosk.cli import main
from kiosk.config import SETTINGS

from .ops_fixtures import recorded_state

DOCS = Path(__file__).resolve().parent.parent / "docs"
ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]+)` \| `([^`]*)` \|", re.MULTILINE)


def all_docs() -> str:
    return "\n".join(p.read_text() for p in sorted(DOCS.rglob("*.md")))


def documented_settings() -> dict[str, str]:
    return dict(ROW.findall((DOCS / "settings.md").read_text()))


def test_every_setting_is_documented_with_its_default():
    documented = documented_settings()
    for setting in SETTINGS:
        assert setting.name in documented, f"docs/settings.md does not document {setting.name}"
        assert json.loads(documented[setting.name]) == setting.default, f"{setting.name}: documented default differs"


def test_settings_page_lists_no_setting_that_does_not_exist():
    assert sorted(set(documented_settings()) - {s.name for s in SETTINGS}) == []


def command_names(group: click.Group, prefix: str = "kiosk") -> list[str]:
    names = []
    for name, command in sorted(group.commands.items()):
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names.extend(command_names(command, f"{prefix} {name}"))
    return names


def test_every_kiosk_command_is_documented():
    text = all_docs()
    missing = [name for name in command_names(main) if f"`{name}" not in text]
    assert missing == [], f"not documented in docs/: {missing}"


@pytest.fixture
def exposed_metrics(data_dir) -> set[str]:
    """Every sample name /metrics exposes on a terminal with content, history, a sync and a printer."""
    conn = recorded_state(data_dir)
    conn.execute(
        "INSERT INTO sync_attempts (started_at, finished_at, outcome)"
        " VALUES ('2026-03-03T18:00:00+00:00', '2026-03-03T18:01:00+00:00', 'updated')"
    )
    conn.execute("INSERT INTO printer_status (id, checked_at, state) VALUES (1, '2026-03-03T18:00:00+00:00', 'ok')")
    conn.close()
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    client.get("/healthz")
    families = text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))
    names = set()
    for family in families:
        names.add(family.name + ("_total" if family.type == "counter" else ""))
        names.update(s.name for s in family.samples)
    return names


def test_every_metric_is_documented(exposed_metrics):
    operations = (DOCS / "operations.md").read_text()
    families = {n for n in exposed_metrics if not re.search(r"_(bucket|count|sum|created)$", n)}
    for name in sorted(families):
        if name.endswith("_info"):
            assert f"`{name}{{" in operations, name
        else:
            assert f"`{name}`" in operations or f"`{name}{{" in operations, name


def alert_rules() -> dict[str, dict]:
    doc = yaml.safe_load((DOCS / "prometheus" / "kiosk-alerts.yml").read_text())
    return {rule["alert"]: rule for group in doc["groups"] for rule in group["rules"]}


def test_alert_rules_use_only_metrics_the_kiosk_exposes(exposed_metrics):
    for name, rule in alert_rules().items():
        used = set(re.findall(r"\bkiosk_[a-z_]+", rule["expr"]))
        assert used <= exposed_metrics, f"{name}: unknown metric {used - exposed_metrics}"
        assert used or 'job="kiosk"' in rule["expr"], f"{name} watches nothing of the kiosk"
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}
        assert rule["annotations"]["summary"]


def test_alerts_cover_stale_content_and_a_printer_out_of_paper():
    rules = alert_rules()
    assert rules["KioskContentStale"]["expr"].strip() == "kiosk_content_age_seconds > 3 * 86400"
    assert rules["KioskPrinterOutOfPaper"]["expr"].strip() == 'kiosk_printer_state{state="paper_out"} == 1'


def test_operations_page_shows_the_shipped_scrape_config():
    operations = (DOCS / "operations.md").read_text()
    shipped = yaml.safe_load((DOCS / "prometheus" / "scrape.yml").read_text())
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", operations, flags=re.S)]
    assert shipped in blocks


def test_terminal_list_is_valid_file_sd():
    groups = yaml.safe_load((DOCS / "prometheus" / "terminals.yml").read_text())
    assert all(re.fullmatch(r"[\d.]+:9180", t) for g in groups for t in g["targets"])
    assert all({"county", "hall"} <= set(g["labels"]) for g in groups)


def test_the_panel_address_is_documented():
    assert "http://127.0.0.1:8080/admin/" in (DOCS / "operations.md").read_text()


def test_content_format_shows_what_validate_prints_for_the_sample():
    from content_sync.cli import main as content_sync_main

    root = DOCS.parent
    result = click.testing.CliRunner().invoke(content_sync_main, ["validate", str(root / "demo" / "county")])
    assert result.exit_code == 0, result.output
    shown = "".join(f"    {line}\n" for line in result.output.strip().splitlines())
    assert shown in (DOCS / "content-format.md").read_text()
