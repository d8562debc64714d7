"""The end-to-end shell script (bash + jq): leads to paid invoices, checked through the reports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("scripted_session.sh")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed"),
    pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed"),
]


def run_script(script: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALESFLOW_")}
    env["SALESFLOW_PYTHON"] = sys.executable
    return subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, env=env, timeout=600
    )


def test_the_scripted_session_passes_every_check() -> None:
    result = run_script(SCRIPT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith("scripted session: all checks passed\n")
    assert "ok   sales outstanding = 500.00\n" in result.stdout


def test_the_script_fails_on_a_wrong_figure(tmp_path: Path) -> None:
    """The checks can fail: the same script expecting a wrong lead number stops there."""
    wrong = tmp_path / "e2e" / SCRIPT.name
    wrong.parent.mkdir()
    text = SCRIPT.read_text(encoding="utf-8")
    assert text.count('"L-0001 L-0002 L-0003"') == 1
    wrong.write_text(text.replace('"L-0001 L-0002 L-0003"', '"L-0001 L-0002 L-0004"'))
    result = run_script(wrong)
    assert result.returncode == 1
    assert result.stderr.endswith(
        "FAIL: lead numbers: expected 'L-0001 L-0002 L-0004', got 'L-0001 L-0002 L-0003'\n"
    )
    assert "all checks passed" not in result.stdout
