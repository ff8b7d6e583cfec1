"""The units in systemd/ pass `systemd-analyze verify` without a single message, and say what we mean.

systemd-analyze exits 0 on many warnings (an unknown key, a value it cannot parse), so any output
fails the test. It also checks that each ExecStart= binary exists: the test verifies copies whose
/opt/kiosk/bin/kiosk and /usr/bin/cage point at stub scripts in a temporary directory.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.config import DEFAULTS, load_toml

SYSTEMD = Path(__file__).resolve().parent.parent / "systemd"
UNITS = [
    "kiosk-web.service",
    "kiosk-sync.service",
    "kiosk-sync.timer",
    "kiosk-upload.service",
    "kiosk-upload.timer",
    "kiosk-browser.service",
]
COUNTY_UNITS = ["county/content-sync-intake.service"]
STUBBED = {
    "/opt/kiosk/bin/kiosk": "kiosk",
    "/opt/content-sync/bin/content-sync": "content-sync",
    "/usr/bin/cage": "cage",
    "/usr/bin/chromium": "chromium",
}
KIOSK_URL = "http://127.0.0.1:8080/"

needs_systemd = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed (Debian package systemd)"
)


def unit(name: str) -> list[tuple[str, str, str]]:
    """(section, key, value) of every setting in a unit file, repeated keys kept."""
    section, entries = "", []
    for raw in (SYSTEMD / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.append((section, key.strip(), value.strip()))
    return entries


def values(name: str, key: str) -> list[str]:
    return [v for _, k, v in unit(name) if k == key]


def stubbed_copies(tmp_path: Path, names: list[str]) -> Path:
    """Copies of the units whose binaries are stub scripts under tmp_path/stubs."""
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for stub in STUBBED.values():
        (stubs / stub).write_text("#!/bin/sh\nexit 0\n")
        (stubs / stub).chmod(0o755)
    out = tmp_path / "units"
    out.mkdir()
    for name in names:
        text = (SYSTEMD / name).read_text()
        for real, stub in STUBBED.items():
            text = text.replace(real, str(stubs / stub))
        (out / Path(name).name).write_text(text)
    return out


def verify(directory: Path, names: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["systemd-analyze", "verify", *names],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_PAGER": ""},
    )


@needs_systemd
def test_units_pass_systemd_analyze_verify_without_any_message(tmp_path):
    directory = stubbed_copies(tmp_path, UNITS)
    result = verify(directory, UNITS)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


SERIAL_DROP_IN = SYSTEMD / "kiosk-web.service.d" / "serial-printer.conf.example"


def with_drop_in(directory: Path, text: str) -> Path:
    """Install `text` as the web unit's drop-in next to the copy under test (where verify looks)."""
    drop_ins = directory / "kiosk-web.service.d"
    drop_ins.mkdir()
    (drop_ins / "serial-printer.conf").write_text(text)
    return directory


@needs_systemd
def test_web_unit_with_the_serial_printer_drop_in_passes_verify_without_any_message(tmp_path):
    directory = with_drop_in(stubbed_copies(tmp_path, ["kiosk-web.service"]), SERIAL_DROP_IN.read_text())
    result = verify(directory, ["kiosk-web.service"])
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@needs_systemd
def test_verify_harness_reads_the_drop_in(tmp_path):
    # Without this, a drop-in that verify never loads would pass the check above.
    broken = SERIAL_DROP_IN.read_text().replace("DeviceAllow=char-ttyS rw", "DeviceAlow=char-ttyS rw")
    directory = with_drop_in(stubbed_copies(tmp_path, ["kiosk-web.service"]), broken)
    result = verify(directory, ["kiosk-web.service"])
    assert "Unknown key" in result.stderr + result.stdout and "serial-printer.conf" in result.stderr + result.stdout


def test_serial_drop_in_allows_the_serial_nodes_in_the_private_dev():
    entries = [(k, v) for k, _, v in (line.partition("=") for line in SERIAL_DROP_IN.read_text().splitlines())]
    settings = [(k.strip(), v.strip()) for k, v in entries if k.strip() and not k.startswith(("#", "["))]
    assert ("SupplementaryGroups", "dialout") in settings
    allowed = [v for k, v in settings if k == "DeviceAllow"]
    assert "char-ttyS rw" in allowed and "char-ttyUSB rw" in allowed
    [binds] = [v.split() for k, v in settings if k == "BindPaths"]
    assert "-/dev/ttyS0" in binds and "-/dev/ttyUSB0" in binds
    # The private /dev is kept: the drop-in adds nodes, it does not open all of /dev.
    assert "PrivateDevices" not in dict(settings)


@needs_systemd
def test_verify_harness_notices_a_misspelled_setting(tmp_path):
    # The check above can fail: a typo exits 0 but prints, and that output is what we catch.
    directory = stubbed_copies(tmp_path, ["kiosk-web.service"])
    path = directory / "kiosk-web.service"
    path.write_text(path.read_text().replace("ProtectSystem=strict", "ProtectSystm=strict"))
    result = verify(directory, ["kiosk-web.service"])
    assert "Unknown key" in result.stderr + result.stdout


@needs_systemd
@pytest.mark.parametrize(
    ("name", "ceiling"),
    [
        ("kiosk-web.service", 2.0),
        ("kiosk-sync.service", 2.0),
        ("kiosk-upload.service", 2.0),
        ("kiosk-browser.service", 5.0),
        ("county/content-sync-intake.service", 2.0),
    ],
)
def test_units_are_well_sandboxed_by_systemds_own_measure(tmp_path, name, ceiling):
    # systemd-analyze security rates exposure from 0 (locked down) to 10 (unprotected).
    directory = stubbed_copies(tmp_path, [name])
    name = Path(name).name
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", name],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_PAGER": "", "SYSTEMD_COLORS": "0"},
    )
    match = re.search(rf"Overall exposure level for {re.escape(name)}: (\d+\.\d+)", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) <= ceiling


def test_web_unit_serves_on_loopback_as_its_own_sandboxed_user():
    web = "kiosk-web.service"
    assert values(web, "ExecStart") == ["/opt/kiosk/bin/kiosk serve --host 127.0.0.1 --port 8080"]
    assert values(web, "User") == ["kiosk"] and values(web, "SupplementaryGroups") == ["lp"]
    assert values(web, "StateDirectory") == ["kiosk"] and values(web, "CacheDirectory") == ["kiosk"]
    for key, value in [
        ("ProtectSystem", "strict"),
        ("NoNewPrivileges", "yes"),
        ("PrivateDevices", "yes"),
        ("PrivateTmp", "yes"),
        ("ProtectHome", "yes"),
        ("CapabilityBoundingSet", ""),
    ]:
        assert values(web, key) == [value], key
    # The printer and nothing else: USB device nodes bound into the private /dev and allowed.
    assert values(web, "DeviceAllow") == ["char-usb_device rw", "char-usb rw"]
    assert values(web, "BindPaths") == ["-/dev/bus/usb -/dev/usb"]


def test_serve_command_takes_the_options_the_unit_passes():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--host" in result.output and "--port" in result.output


def test_sync_runs_nightly_with_a_fixed_random_delay_and_catches_up():
    timer = dict((k, v) for _, k, v in unit("kiosk-sync.timer"))
    assert timer["OnCalendar"] == "*-*-* 01:30:00"
    assert timer["RandomizedDelaySec"] == "2h"
    assert timer["FixedRandomDelay"] == "yes" and timer["Persistent"] == "yes"
    assert values("kiosk-sync.service", "Type") == ["oneshot"]
    assert values("kiosk-sync.service", "ExecStart") == ["/opt/kiosk/bin/kiosk sync"]
    # Retention of the query log is enforced every night, and never blocks the sync.
    assert values("kiosk-sync.service", "ExecStartPre") == ["-/opt/kiosk/bin/kiosk prune-search-log"]


def test_upload_is_retried_every_quarter_hour_and_soon_after_boot():
    timer = dict((k, v) for _, k, v in unit("kiosk-upload.timer"))
    assert timer["OnUnitInactiveSec"] == "15min" and timer["OnBootSec"] == "5min"
    assert values("kiosk-upload.service", "ExecStart") == ["/opt/kiosk/bin/kiosk upload"]
    assert values("kiosk-upload.service", "SuccessExitStatus") == ["5"]
    assert CliRunner().invoke(main, ["upload", "--help"]).exit_code == 0


@needs_systemd
def test_county_intake_unit_passes_verify_and_serves_on_loopback_only(tmp_path):
    directory = stubbed_copies(tmp_path, COUNTY_UNITS)
    result = verify(directory, [Path(n).name for n in COUNTY_UNITS])
    assert result.returncode == 0 and result.stdout + result.stderr == ""
    [command] = values("county/content-sync-intake.service", "ExecStart")
    assert command.endswith("intake serve --store /var/lib/kiosk-intake --host 127.0.0.1 --port 8090")
    from content_sync.cli import main as content_sync_main

    help_ = CliRunner().invoke(content_sync_main, ["intake", "serve", "--help"])
    assert help_.exit_code == 0 and "--store" in help_.output and "--port" in help_.output


def test_commands_named_in_the_units_exist():
    names = {
        c.split()[1] for c in values("kiosk-web.service", "ExecStart") + values("kiosk-sync.service", "ExecStartPre")
    }
    names |= {values("kiosk-browser.service", "ExecStartPre")[0].split()[1]}
    for name in sorted(names):
        assert CliRunner().invoke(main, [name, "--help"]).exit_code == 0, name


def test_browser_shows_only_the_kiosk_in_chromium_kiosk_mode():
    [command] = values("kiosk-browser.service", "ExecStart")
    assert command.startswith("/usr/bin/cage -d -- /usr/bin/chromium --kiosk ")
    for flag in ("--ozone-platform=wayland", "--noerrdialogs", "--no-first-run", "--incognito", "--disable-pinch"):
        assert flag in command.split()
    assert command.split()[-1] == KIOSK_URL
    assert values("kiosk-browser.service", "User") == ["kiosk-browser"]


def test_chromium_policy_blocks_every_url_but_the_kiosk():
    policy = json.loads((SYSTEMD / "chromium-policy.json").read_text())
    assert policy["URLBlocklist"] == ["*"]
    assert policy["URLAllowlist"] == [KIOSK_URL.rstrip("/")]
    assert policy["DeveloperToolsAvailability"] == 2  # not allowed
    assert policy["DownloadRestrictions"] == 3  # no downloads
    assert policy["PromptForDownloadLocation"] is False
    assert policy["ExtensionInstallBlocklist"] == ["*"]
    assert policy["RestoreOnStartupURLs"] == [KIOSK_URL]
    # Read-aloud plays audio: the kiosk's own origin may, nothing else.
    assert policy["AutoplayAllowed"] is False
    assert policy["AutoplayAllowlist"] == [KIOSK_URL.rstrip("/")]


def test_example_settings_file_is_valid():
    config = load_toml(SYSTEMD / "kiosk.toml.example")
    assert config["ROOT_METADATA"] == "/etc/kiosk/root.json"
    for name, value in config.items():
        assert type(value) is type(DEFAULTS[name]), name
