"""The county's Prometheus files, checked and run by promtool (Debian's prometheus package).

`promtool check` reads the alert rules and the scrape configuration as Prometheus would;
`promtool test rules` feeds each alert a terminal's series over time and checks that it fires
when, and only when, it should, with the labels and the Chinese summaries operators will read.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROMETHEUS_DIR = Path(__file__).resolve().parent.parent / "docs" / "prometheus"
RULES = PROMETHEUS_DIR / "kiosk-alerts.yml"
PROMTOOL = shutil.which("promtool")

pytestmark = pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed (make system-deps)")

TERMINAL = {"instance": "10.12.3.21:9180", "job": "kiosk", "county": "禾川县", "hall": "hall-county"}


def _series(name: str, values: str, **labels: str) -> dict:
    all_labels = {**TERMINAL, **labels}
    inner = ", ".join(f'{k}="{v}"' for k, v in sorted(all_labels.items()))
    return {"series": f"{name}{{{inner}}}", "values": values}


def _promtool(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([PROMTOOL, *map(str, args)], capture_output=True, text=True, timeout=120)


def _annotations(alert: str, value_text: str = "") -> dict[str, str]:
    """The rule's annotations as Prometheus renders them for TERMINAL (labels; $value as given)."""
    rule = next(r for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"] if r["alert"] == alert)

    def render(template: str) -> str:
        text = re.sub(r"\{\{\s*\$labels\.(\w+)\s*\}\}", lambda m: TERMINAL[m.group(1)], template)
        return re.sub(r"\{\{\s*\$value[^}]*\}\}", value_text, text)

    return {key: render(text) for key, text in rule["annotations"].items()}


# alert -> (input series, minutes when it must not fire yet, minute when it must fire, extra labels,
#           the alert's $value as the annotations print it)
CASES = {
    "KioskDown": ([_series("up", "1 1 0x30")], 8, 13, {}, ""),
    "KioskNoContent": ([_series("kiosk_release_available", "1 0x30")], 8, 12, {}, ""),
    # Content 3 days old minus 200 s, one minute older each minute: over 3 days from minute 4,
    # firing 30 minutes later; at minute 40 it is 3 days 36 min 40 s old.
    "KioskContentStale": (
        [_series("kiosk_content_age_seconds", "259000+60x60")],
        30,
        40,
        {},
        "3d 0h 36m 40s",
    ),
    "KioskSyncFailed": (
        [_series("kiosk_last_sync_outcome", "1x150", outcome="failed")],
        100,
        125,
        {"outcome": "failed"},
        "",
    ),
    "KioskPrinterOutOfPaper": (
        [_series("kiosk_printer_state", "0 0 1x30", state="paper_out")],
        5,
        8,
        {"state": "paper_out"},
        "",
    ),
    "KioskPrinterPaperLow": (
        [_series("kiosk_printer_state", "1x60", state="paper_low")],
        20,
        35,
        {"state": "paper_low"},
        "",
    ),
    "KioskPrinterOffline": (
        [_series("kiosk_printer_state", "1x60", state="offline")],
        10,
        20,
        {"state": "offline"},
        "",
    ),
    # The oldest sealed application passes one day at minute 7; firing 10 minutes later.
    "KioskApplicationsWaiting": (
        [_series("kiosk_outbox_oldest_age_seconds", "86000+60x60")],
        15,
        20,
        {},
        "1d 0h 13m 20s",
    ),
    "KioskOutboxFull": ([_series("kiosk_outbox_full", "0 0 1x30")], 5, 8, {}, ""),
    # Every request takes between 1 and 2.5 s: the 95th percentile is 2.425 s.
    "KioskSlowPages": (
        [
            _series("kiosk_request_duration_seconds_bucket", "0x90", le="0.5"),
            _series("kiosk_request_duration_seconds_bucket", "0x90", le="1"),
            _series("kiosk_request_duration_seconds_bucket", "0+10x90", le="2.5"),
            _series("kiosk_request_duration_seconds_bucket", "0+10x90", le="+Inf"),
        ],
        30,
        60,
        {"drop": "job county hall"},
        "2.425",
    ),
}

# A healthy terminal: up, content an hour old, last sync fine, printer fine, fast pages.
HEALTHY = [
    _series("up", "1x90"),
    _series("kiosk_release_available", "1x90"),
    _series("kiosk_content_age_seconds", "3600+60x90"),
    _series("kiosk_last_sync_outcome", "0x90", outcome="failed"),
    _series("kiosk_last_sync_outcome", "1x90", outcome="updated"),
    *[_series("kiosk_printer_state", "0x90", state=s) for s in ("paper_out", "paper_low", "offline")],
    _series("kiosk_printer_state", "1x90", state="ok"),
    _series("kiosk_outbox_oldest_age_seconds", "0 0 600 1200 0x86"),
    _series("kiosk_outbox_full", "0x90"),
    _series("kiosk_request_duration_seconds_bucket", "0+10x90", le="0.5"),
    _series("kiosk_request_duration_seconds_bucket", "0+10x90", le="1"),
    _series("kiosk_request_duration_seconds_bucket", "0+10x90", le="+Inf"),
]


def _expected(alert: str, extra: dict, value_text: str) -> dict:
    labels = {**TERMINAL, "severity": _severity(alert)}
    for name in extra.get("drop", "").split():
        labels.pop(name)
    labels.update({k: v for k, v in extra.items() if k != "drop"})
    return {"exp_labels": labels, "exp_annotations": _annotations(alert, value_text)}


def _severity(alert: str) -> str:
    rules = {r["alert"]: r for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]}
    return rules[alert]["labels"]["severity"]


def _run_unit_tests(tmp_path: Path, tests: list[dict]) -> subprocess.CompletedProcess:
    spec = {"rule_files": [str(RULES)], "evaluation_interval": "1m", "tests": tests}
    path = tmp_path / "kiosk-alerts.test.yml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return _promtool("test", "rules", path)


def test_the_alert_rules_pass_promtool_check():
    result = _promtool("check", "rules", RULES)
    assert result.returncode == 0, result.stdout + result.stderr
    rule_count = sum(len(g["rules"]) for g in yaml.safe_load(RULES.read_text())["groups"])
    assert f"SUCCESS: {rule_count} rules found" in result.stdout


def test_the_scrape_configuration_passes_promtool_check(tmp_path):
    """scrape.yml as the county installs it, with its two paths pointed at the shipped files."""
    terminals = tmp_path / "kiosk-terminals"
    terminals.mkdir()
    shutil.copy(PROMETHEUS_DIR / "terminals.yml", terminals / "hechuan.yml")
    config = (PROMETHEUS_DIR / "scrape.yml").read_text(encoding="utf-8")
    config = config.replace("/etc/prometheus/kiosk-terminals/", f"{terminals}/")
    config = config.replace("/etc/prometheus/rules/kiosk-alerts.yml", str(RULES))
    (tmp_path / "prometheus.yml").write_text(config, encoding="utf-8")
    result = _promtool("check", "config", tmp_path / "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_is_exercised_here():
    rules = {r["alert"] for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]}
    assert rules == set(CASES)


@pytest.mark.parametrize("alert", sorted(CASES))
def test_each_alert_waits_its_time_then_fires_with_its_labels_and_summary(alert, tmp_path):
    series, quiet_minute, firing_minute, extra, value_text = CASES[alert]
    test = {
        "interval": "1m",
        "input_series": series,
        "alert_rule_test": [
            {"eval_time": f"{quiet_minute}m", "alertname": alert, "exp_alerts": []},
            {"eval_time": f"{firing_minute}m", "alertname": alert, "exp_alerts": [_expected(alert, extra, value_text)]},
        ],
    }
    result = _run_unit_tests(tmp_path, [test])
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_healthy_terminal_raises_no_alert(tmp_path):
    test = {
        "interval": "1m",
        "input_series": HEALTHY,
        "alert_rule_test": [{"eval_time": "90m", "alertname": alert, "exp_alerts": []} for alert in sorted(CASES)],
    }
    result = _run_unit_tests(tmp_path, [test])
    assert result.returncode == 0, result.stdout + result.stderr
