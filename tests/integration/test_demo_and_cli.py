"""``liaison demo`` and ``liaison report`` give the 2021 figures; the CLI's other commands."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from liaison.bootstrap import bootstrap
from liaison.cli import main
from liaison.demo.catalog import CAOYANG
from liaison.settings import Settings

PERIOD = ["--from", "2021-01-01", "--to", "2021-11-30"]


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LIAISON_DATABASE_URL", url)
        assert main(["demo"]) == 0
        yield url


@pytest.fixture
def cli(demo_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("LIAISON_DATABASE_URL", demo_database)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.mark.slow
def test_caoyang_2021_reads_as_its_report(cli) -> None:
    code, out, _ = cli("report", "--contact-point", CAOYANG, *PERIOD, "--json")
    figures = json.loads(out)

    assert code == 0
    assert figures["drafts"] == {"total": 26, "national": 3, "municipal": 23, "district": 0}
    assert 41 <= figures["sessions"] <= 49
    assert figures["participants"] > 1000
    assert figures["suggestions"]["received"] == 428
    assert 101 <= figures["adopted_total"] <= 149


@pytest.mark.slow
def test_caoyang_leads_the_ranking_of_2021(cli, demo_database: str) -> None:
    from datetime import date

    from liaison.bootstrap import bootstrap
    from liaison.settings import Settings
    from projections.statistics import Period, ranking

    liaison = bootstrap(Settings(database_url=demo_database))
    with liaison.engine.connect() as conn:
        rows = ranking(conn, Period(date(2021, 1, 1), date(2021, 11, 30)))
    liaison.close()

    assert rows[0]["name"] == CAOYANG
    assert rows[0]["reported"] > rows[1]["reported"]
    assert len(rows) >= 5


@pytest.mark.slow
def test_the_report_sentence_is_computed(cli) -> None:
    _, out, _ = cli("report", "--contact-point", CAOYANG, *PERIOD, "--json")
    figures = json.loads(out)
    code, text, _ = cli("report", "--contact-point", CAOYANG, *PERIOD)

    assert code == 0
    assert (
        f"共开展了{figures['sessions']}场座谈会和立法征询活动，先后进行了26部法律法规草案"
        "（其中国家层面3部、市人大23部）的立法征询工作，"
        f"参与人数{figures['participants']}人，提出意见建议428条，"
        f"被采纳{figures['adopted_total']}条。"
    ) in text


@pytest.mark.slow
def test_a_second_demo_run_changes_nothing(cli) -> None:
    _, before, _ = cli("report", "--json")
    code, out, _ = cli("demo")
    _, after, _ = cli("report", "--json")

    assert code == 0
    assert "nothing changed" in out
    assert after == before


@pytest.mark.slow
def test_a_rebuild_from_the_log_gives_the_same_figures(cli) -> None:
    _, before, _ = cli("report", "--contact-point", CAOYANG, *PERIOD, "--json")
    code, out, _ = cli("projections", "rebuild")
    _, after, _ = cli("report", "--contact-point", CAOYANG, *PERIOD, "--json")

    assert code == 0 and "rebuilt" in out
    assert after == before


@pytest.mark.slow
def test_the_demo_s_business_dates_run_forward(demo_database: str) -> None:
    """Over the whole log: no event before its record's start nor after the demo's today;
    nothing screened, merged or reported before its suggestions were received, nor done
    on a draft before the draft was received."""
    from liaison.bootstrap import bootstrap
    from liaison.settings import Settings

    liaison = bootstrap(Settings(database_url=demo_database))
    try:
        found = _dates_out_of_order(liaison.app, liaison.app.clock.today())
    finally:
        liaison.close()

    assert found == []


def _dates_out_of_order(app: Any, today: date) -> list[str]:
    from domain.report import Report
    from domain.session import ConsultationSession
    from domain.suggestion import Suggestion

    histories: dict[UUID, list[Any]] = defaultdict(list)
    after = None
    while batch := app.recorder.select_notifications(start=after, limit=1000):
        for notification in batch:
            histories[notification.originator_id].append(app.mapper.to_domain_event(notification))
        after = batch[-1].id + 1
    start = {aggregate_id: history[0].occurred_on for aggregate_id, history in histories.items()}
    found = []
    for aggregate_id, history in histories.items():
        latest = start[aggregate_id]
        for event in history:
            on, what = event.occurred_on, f"{type(event).__qualname__} of {aggregate_id} on"
            if on < latest:  # also catches an event before the record's start
                found.append(f"{what} {on}, after an event of {latest}")
            latest = max(latest, on)
            if on > today and not isinstance(event, ConsultationSession.Scheduled):
                found.append(f"{what} {on}, after today ({today})")
            # the records it acts on: its draft, the suggestion merged into, those reported
            if isinstance(event, Suggestion.Received | Report.Submitted):
                others = [event.draft_id]
            elif isinstance(event, ConsultationSession.Scheduled):
                others = list(event.draft_ids)
            elif isinstance(event, Suggestion.Merged):
                others = [event.into]
            else:
                others = []
            if isinstance(event, Report.Submitted):
                others += event.suggestion_ids
            found += [f"{what} {on}, before {o} began" for o in others if on < start[o]]
    return found


@pytest.fixture
def console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """The CLI over a fresh SQLite store; ``console(line)``: what the operator types next."""
    monkeypatch.setenv("LIAISON_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    return lambda line: monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))


def test_users_add_reads_the_password_from_standard_input(
    console: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    console("a-long-password")

    assert main(["users", "add", "reviewer", "--role", "congress"]) == 0
    assert "added reviewer (congress)" in capsys.readouterr().out

    console("short")
    assert main(["users", "add", "another", "--role", "congress"]) == 2
    assert "password" in capsys.readouterr().err

    console("a-long-password")
    assert main(["users", "add", "desk", "--role", "staff", "--contact-point", "无此联系点"]) == 2
    assert "no contact point" in capsys.readouterr().err


def test_report_refuses_an_unknown_contact_point(
    console: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--contact-point", "nowhere"]) == 2
    assert "no contact point 'nowhere'" in capsys.readouterr().err


def test_users_reset_prints_a_one_time_password_that_must_be_changed(
    console: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    console("a-long-password")
    assert main(["users", "add", "chief", "--role", "admin"]) == 0

    assert main(["users", "reset", "chief"]) == 0
    password = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    assert main(["users", "reset", "nobody"]) == 2
    assert "no account 'nobody'" in capsys.readouterr().err

    liaison = bootstrap(Settings())
    try:
        user = liaison.users.authenticate("chief", password)
        assert user is not None and liaison.users.authenticate("chief", "a-long-password") is None
        assert liaison.sessions.find(liaison.sessions.start(user)).must_change  # type: ignore[union-attr]
    finally:
        liaison.close()
