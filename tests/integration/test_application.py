"""The application service on a real SQLite file."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from domain.contact_point import ContactPoint
from domain.draft import Draft
from domain.errors import (
    InvalidValueError,
    MismatchError,
    ParticipantErasedError,
    SessionCancelledError,
    UnknownArticleError,
    WrongStateError,
)
from domain.participant import Participant
from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison, bootstrap
from liaison.errors import ConflictError, NotFoundError
from liaison.receipts import ALPHABET, normalised
from liaison.rights import operator
from liaison.settings import Settings
from tests.conftest import FixedClock
from tests.records import CHAPTERED as TEXT
from tests.records import consultation, municipal_draft

CONSOLE = operator("s")  # at the console: every right; "s" in the events


@pytest.fixture
def setting(liaison: Liaison) -> tuple[Liaison, Draft, object]:
    app = liaison.app
    cp, draft = consultation(app, TEXT)
    return liaison, app.get(draft, Draft), app.get(cp, ContactPoint)


def test_everything_survives_a_restart(settings: Settings, setting: tuple) -> None:
    liaison, draft, cp = setting
    liaison.close()

    reopened = bootstrap(settings)
    try:
        again = reopened.app.get(draft.id, Draft)
        assert again.status.value == "open"
        assert [a.number for a in again.current.articles] == [1, 2]
        assert again.current.articles[0].chapter == "第一章　总则"
    finally:
        reopened.close()


def test_a_concurrent_change_to_the_same_aggregate_is_a_conflict(setting: tuple) -> None:
    liaison, draft, _ = setting
    app = liaison.app
    mine, theirs = app.get(draft.id, Draft), app.get(draft.id, Draft)
    mine.close(date(2021, 3, 15), "a")
    theirs.close(date(2021, 3, 15), "b")
    app.save(mine)

    with pytest.raises(ConflictError):
        app.save(theirs)
    assert len(app.repository.get(draft.id).versions) == 1
    assert app.recorder.max_notification_id() == liaison.projector.position()


def test_personal_data_never_reaches_the_log_in_plain_text(setting: tuple, tmp_path: Path) -> None:
    liaison, draft, cp = setting
    app = liaison.app
    person = app.register_participant(
        cp.id, "王秀英", "resident", CONSOLE, neighbourhood="曹杨一村", phone="138 1234 5678"
    )
    comment = app.comment_publicly(
        draft.id, cp.id, "建议增加线下渠道", article=1, name="李建国", phone="13900001111"
    )

    stored = b"".join(n.state for n in app.recorder.select_notifications(start=None, limit=1000))
    for secret in ("王秀英", "曹杨一村", "13812345678", "李建国", "13900001111"):
        assert secret.encode() not in stored
    assert app.personal_data(app.get(person.id, Participant)) == {
        "name": "王秀英",
        "neighbourhood": "曹杨一村",
        "phone": "13812345678",
    }
    assert app.commenter(app.get(comment.id, Suggestion)) == {
        "name": "李建国",
        "phone": "13900001111",
    }


def test_a_sealed_value_copied_to_another_person_does_not_open(setting: tuple) -> None:
    liaison, _, cp = setting
    app = liaison.app
    one = app.register_participant(cp.id, "王秀英", "resident", CONSOLE)
    other = app.register_participant(cp.id, "张伟", "resident", CONSOLE)

    assert app.vault.open(other.id, "name", one.sealed_name) is None
    assert app.vault.open(one.id, "neighbourhood", one.sealed_name) is None
    assert app.vault.open(one.id, "name", one.sealed_name) == "王秀英"


def test_erasure_makes_the_person_unreadable_and_keeps_their_suggestions(setting: tuple) -> None:
    liaison, draft, cp = setting
    app = liaison.app
    person = app.register_participant(cp.id, "王秀英", "resident", CONSOLE, phone="13812345678")
    said = app.record_suggestion(
        cp.id, draft.id, "建议", "letter", CONSOLE, participant_id=person.id
    )

    app.erase_participant(person.id, CONSOLE)

    erased = app.get(person.id, Participant)
    assert erased.erased
    assert app.personal_data(erased) == {"name": None, "neighbourhood": None, "phone": None}
    assert app.get(said.id, Suggestion).participant_id == person.id
    with pytest.raises(ParticipantErasedError):
        app.record_suggestion(cp.id, draft.id, "再提", "letter", CONSOLE, participant_id=person.id)


def test_public_comments_need_an_open_draft_and_a_real_article(setting: tuple) -> None:
    liaison, draft, cp = setting
    app = liaison.app

    with pytest.raises(UnknownArticleError):
        app.comment_publicly(draft.id, cp.id, "意见", article=99)
    with pytest.raises(InvalidValueError, match="content"):
        app.comment_publicly(draft.id, cp.id, "   ")
    with pytest.raises(InvalidValueError, match="phone"):
        app.comment_publicly(draft.id, cp.id, "意见", phone="call me")
    app.close_draft(draft.id, operator("admin"))
    with pytest.raises(WrongStateError):
        app.comment_publicly(draft.id, cp.id, "意见")
    assert app.recorder.max_notification_id() == liaison.projector.position()


def test_every_suggestion_gets_an_unambiguous_receipt(setting: tuple) -> None:
    liaison, draft, cp = setting
    codes = {liaison.app.comment_publicly(draft.id, cp.id, f"意见{i}").receipt for i in range(20)}

    assert len(codes) == 20
    for code in codes:
        assert re.fullmatch(rf"LX-[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}", code)
        assert not set(code[3:]) & set("0O1IL")
        assert normalised(code.lower().replace("-", " ")) == code
        assert liaison.app.receipts.find(code) is not None


def test_unknown_ids_and_ids_of_another_kind_are_not_found(setting: tuple) -> None:
    liaison, draft, cp = setting
    with pytest.raises(NotFoundError):
        liaison.app.get(cp.id, Draft)
    with pytest.raises(NotFoundError):
        liaison.app.open_draft(cp.id, operator("admin"))


def test_sessions_suggestions_and_people_must_belong_together(setting: tuple) -> None:
    liaison, draft, cp = setting
    app = liaison.app
    other_cp = app.designate_contact_point("虹桥街道基层立法联系点", "长宁区", operator("admin"))
    stranger = app.register_participant(other_cp.id, "外人", "resident", CONSOLE)
    other_draft = municipal_draft(app, TEXT, "另一部", open_it=False)
    session = app.schedule_session(
        cp.id, [draft.id], "symposium", "座谈会", datetime(2021, 3, 5, 14), CONSOLE
    )

    with pytest.raises(NotFoundError):  # another contact point's person does not exist here
        app.record_attendance(session.id, [stranger.id], CONSOLE)
    with pytest.raises(MismatchError):
        app.record_suggestion(cp.id, other_draft, "意见", "session", CONSOLE, session_id=session.id)
    app.cancel_session(session.id, CONSOLE)
    with pytest.raises(SessionCancelledError):
        app.record_suggestion(cp.id, draft.id, "意见", "session", CONSOLE, session_id=session.id)


def test_a_merge_changes_both_suggestions_in_one_transaction(setting: tuple) -> None:
    liaison, draft, cp = setting
    app = liaison.app
    first = app.record_suggestion(cp.id, draft.id, "建议一", "letter", CONSOLE)
    second = app.record_suggestion(cp.id, draft.id, "建议一（重复）", "letter", CONSOLE)

    app.merge_suggestion(second.id, first.id, CONSOLE)

    assert app.get(second.id, Suggestion).merged_into == first.id
    assert app.get(first.id, Suggestion).absorbed == [second.id]


def test_a_whole_consultation_from_draft_to_feedback(setting: tuple, clock: FixedClock) -> None:
    liaison, draft, cp = setting
    app = liaison.app
    person = app.register_participant(cp.id, "王秀英", "resident", CONSOLE)
    session = app.schedule_session(
        cp.id, [draft.id], "symposium", "座谈会", datetime(2021, 3, 5, 14), CONSOLE
    )
    app.record_attendance(session.id, [person.id], CONSOLE)
    app.complete_session(session.id, CONSOLE, minutes="逐条讨论")
    said = app.record_suggestion(
        cp.id,
        draft.id,
        "建议增加告知义务",
        "session",
        CONSOLE,
        article=2,
        participant_id=person.id,
        session_id=session.id,
        received_on=date(2021, 3, 5),
    )
    app.revise_suggestion(said.id, "建议在第二条增加告知义务", CONSOLE)
    app.screen_suggestion(said.id, "accept", CONSOLE)
    clock.day = date(2021, 3, 25)  # business dates run forward: time passes between the steps
    report = app.submit_report(cp.id, draft.id, [said.id], date(2021, 3, 25), CONSOLE)
    clock.day = date(2021, 8, 20)
    app.enact_draft(
        draft.id,
        date(2021, 8, 20),
        TEXT.replace("受法律保护", "受法律保护，处理者应当告知"),
        operator("admin"),
    )
    app.record_outcome(said.id, "adopted", operator("congress"), final_article=2)
    app.send_feedback(said.id, "已采纳", CONSOLE)

    final = app.get(said.id, Suggestion)
    assert final.status.value == "fed_back"
    assert final.outcome is not None and final.outcome.value == "adopted"
    assert final.original_content == "建议增加告知义务"
    assert final.content == "建议在第二条增加告知义务"
    assert final.report_id == report.id
    enacted = app.get(draft.id, Draft)
    assert "告知" in enacted.current.article(2).text
    assert "告知" not in enacted.consulted.article(2).text


def test_a_batch_of_opinions_is_recorded_together_or_not_at_all(setting: tuple) -> None:
    from liaison.commands.admission import Opinion

    liaison, draft, cp = setting
    app = liaison.app
    items = [Opinion(cp.id, draft.id, f"意见{i}", "letter", article=1) for i in range(5)]

    saved = app.record_suggestions(items, operator("staff"))
    events = app.recorder.max_notification_id()
    with pytest.raises(UnknownArticleError):
        app.record_suggestions(
            [*items, Opinion(cp.id, draft.id, "坏", "letter", article=9)], CONSOLE
        )

    assert len({s.receipt for s in saved}) == 5
    assert [app.get(s.id, Suggestion).content for s in saved] == [f"意见{i}" for i in range(5)]
    assert app.recorder.max_notification_id() == events
