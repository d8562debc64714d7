"""A command the team database stopped for a concurrent change (a deadlock or a serialization
failure, `ConcurrentChange`) kept nothing, so the CLI runs it again, a few times, with the same
input; it prints once, after the run that committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from salesflow.cli import common
from salesflow.errors import ConcurrentChange
from salesflow.store.session import Session
from tests.runner import Cli

pytestmark = (
    pytest.mark.file_only
)  # simulated on the file's commit; a database's real retries: tests/integration/test_team_*

STOPPED = "database postgresql:///sales: another salesflow command changed the same records"


def _stopping_commits(monkeypatch: pytest.MonkeyPatch, times: int) -> list[int]:
    """The next `times` commits raise ConcurrentChange, as the database's would; returns the
    list the attempts are counted in."""
    attempts: list[int] = []
    flush: Callable[[Session], Any] = Session.flush

    def stopped_flush(self: Session) -> Any:
        attempts.append(1)
        if len(attempts) <= times:
            raise ConcurrentChange(f"{STOPPED} at the same time; nothing was written")
        return flush(self)

    monkeypatch.setattr(Session, "flush", stopped_flush)
    monkeypatch.setattr("time.sleep", lambda _: None)
    return attempts


def test_a_batch_read_from_stdin_runs_again_with_the_same_numbers(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    for company in ("Acme", "Globex"):
        cli.ok("lead", "add", "--company", company)
    attempts = _stopping_commits(monkeypatch, times=2)
    result = cli("lead", "qualify", "-", input="L-0001\nL-0002\n")
    assert (result.exit_code, result.stdout) == (0, "OPP-0001\nOPP-0002\n")
    assert len(attempts) == 3
    assert result.stderr.count("Qualified L-0001") == 1
    monkeypatch.undo()
    statuses = [lead["status"] for lead in cli.json("lead", "list")]
    assert statuses == ["qualified", "qualified"]


def test_a_note_read_from_stdin_is_kept_once(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.ok("lead", "add", "--company", "Acme")
    _stopping_commits(monkeypatch, times=1)
    result = cli("note", "add", "L-0001", "-", input="Called back.\r\nWants a demo.\r\n")
    assert (result.exit_code, result.stdout) == (0, "ACT-0001\n")
    monkeypatch.undo()
    notes = cli.json("activity", "list")
    assert [(n["number"], n["text"]) for n in notes] == [
        ("ACT-0001", "Called back.\nWants a demo.")
    ]


def test_after_every_retry_the_command_exits_4_and_keeps_nothing(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("lead", "add", "--company", "Acme")
    before = cli.db.read_bytes()
    attempts = _stopping_commits(monkeypatch, times=common.RETRIES)
    result = cli("lead", "qualify", "L-0001")
    assert (result.exit_code, result.stdout) == (4, "")
    assert result.stderr == f"Error: {STOPPED} at the same time; nothing was written\n"
    assert len(attempts) == common.RETRIES
    assert cli.db.read_bytes() == before
