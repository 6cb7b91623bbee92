"""Feedback to everyone behind a report: one action tells every person behind every decided
suggestion, merged ones included, once; receipts show it; the figures count it; letters
carry it to those who agreed to be told."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from docx import Document
from sqlalchemy import select

from domain.errors import DateOrderError, FutureDateError, InvalidValueError
from liaison.audit import audit_log
from liaison.commands.feedback import DEFAULT_MESSAGES
from liaison.rights import operator
from tests.api.conftest import World
from tests.api.test_decisions import decide

STAFF = operator("staff")


def merged_into(w: World, survivor: dict[str, Any], *contents: str) -> list[dict[str, Any]]:
    """Opinions like ``survivor``, received and merged into it before it is reported."""
    copies = [w.suggestion(survivor["draft_id"], content=c) for c in contents]
    w.liaison.app.merge_suggestions(
        [UUID(c["id"]) for c in copies], UUID(survivor["id"]), STAFF, on=date(2021, 3, 10)
    )
    return copies


def submitted(w: World, draft_id: str, *suggestions: dict[str, Any]) -> dict[str, Any]:
    """Accept the suggestions and report them upward on 20 March (the clock moved there)."""
    w.liaison.app.clock.day = date(2021, 3, 20)  # type: ignore[attr-defined]
    for s in suggestions:
        w.ok(w.post("staff_a", f"/api/v1/suggestions/{s['id']}/screen", {"decision": "accept"}))
    body = {
        "contact_point_id": w.cp_a,
        "draft_id": draft_id,
        "suggestion_ids": [s["id"] for s in suggestions],
        "submitted_on": "2021-03-20",
    }
    return w.ok(w.post("staff_a", "/api/v1/reports", body), 201)


def a_decided_report(w: World) -> dict[str, Any]:
    """A report of three: the first adopted with two copies merged into it, the second not
    adopted, the third still awaiting its decision."""
    draft = w.new_draft()
    first = w.suggestion(draft["id"], content="建议明确个人信息的范围。")
    copies = merged_into(w, first, "建议明确个人信息范围", "建议明确个人信息的范围！")
    second = w.suggestion(draft["id"], content="建议删去第三条")
    third = w.suggestion(draft["id"], content="建议增加罚则")
    report = submitted(w, draft["id"], first, second, third)
    w.ok(
        decide(
            w,
            "congress",
            report["id"],
            {"suggestion_id": first["id"], "outcome": "adopted"},
            {"suggestion_id": second["id"], "outcome": "not_adopted"},
        )
    )
    return {"report": report, "first": first, "copies": copies, "second": second, "third": third}


def test_one_action_tells_the_decided_suggestion_and_everyone_merged_into_it(
    world: World,
) -> None:
    w = world
    made = a_decided_report(w)

    told = w.ok(w.post("staff_a", f"/api/v1/reports/{made['report']['id']}/feedback"))

    assert told == {"fed_back": 4}  # the adopted one and its two copies, the one not adopted
    first = w.ok(w.get("staff_a", f"/api/v1/suggestions/{made['first']['id']}"))
    assert first["status"] == "fed_back"
    for copy in made["copies"]:
        history = w.ok(w.get("staff_a", f"/api/v1/suggestions/{copy['id']}/history"))
        assert history[-1]["type"] == "Suggestion.FedBackAsMerged"
        assert history[-1]["data"] == {
            "into": made["first"]["id"],
            "outcome": "adopted",
            "message": DEFAULT_MESSAGES["adopted"],
        }
        still = w.ok(w.get("staff_a", f"/api/v1/suggestions/{copy['id']}"))
        assert still["status"] == "merged"


def test_a_second_call_tells_nobody_twice(world: World) -> None:
    w = world
    made = a_decided_report(w)
    path = f"/api/v1/reports/{made['report']['id']}/feedback"
    w.ok(w.post("staff_a", path))
    before = w.liaison.app.recorder.max_notification_id()

    again = w.ok(w.post("staff_a", path))

    assert again == {"fed_back": 0}
    assert w.liaison.app.recorder.max_notification_id() == before  # nothing recorded


def test_only_decided_suggestions_are_told_and_the_rest_later(world: World) -> None:
    w = world
    made = a_decided_report(w)
    report = made["report"]["id"]

    first = w.ok(w.post("staff_a", f"/api/v1/reports/{report}/feedback"))
    waiting = w.ok(w.get("staff_a", f"/api/v1/suggestions/{made['third']['id']}"))
    w.ok(
        decide(w, "congress", report, {"suggestion_id": made["third"]["id"], "outcome": "adopted"})
    )
    later = w.ok(w.post("staff_a", f"/api/v1/reports/{report}/feedback"))

    assert waiting["status"] == "reported"
    assert (first, later) == ({"fed_back": 4}, {"fed_back": 1})
    second = w.ok(w.get("staff_a", f"/api/v1/suggestions/{made['second']['id']}/history"))
    assert second[-1]["data"] == {"message": DEFAULT_MESSAGES["not_adopted"]}


def test_staff_may_give_their_own_message_instead_of_the_default(world: World) -> None:
    w = world
    made = a_decided_report(w)
    message = "您的意见已被采纳，第一条写明了个人信息的范围。"

    w.ok(
        w.post("staff_a", f"/api/v1/reports/{made['report']['id']}/feedback", {"message": message})
    )

    receipt = w.ok(w.client.get(f"/api/v1/public/receipts/{made['copies'][0]['receipt']}"))
    assert receipt["feedback"] == message


def test_a_blank_or_overlong_message_is_refused_and_nobody_is_told(world: World) -> None:
    w = world
    made = a_decided_report(w)
    path = f"/api/v1/reports/{made['report']['id']}/feedback"

    assert w.post("staff_a", path, {"message": "  "}).status_code == 422
    assert w.post("staff_a", path, {"message": "长" * 5001}).status_code == 422
    assert w.ok(w.get("staff_a", f"/api/v1/suggestions/{made['first']['id']}"))["status"] == (
        "adopted"
    )


def test_a_merged_opinions_receipt_shows_the_outcome_and_the_feedback_it_received(
    world: World,
) -> None:
    w = world
    made = a_decided_report(w)
    copy = made["copies"][1]
    before = w.ok(w.client.get(f"/api/v1/public/receipts/{copy['receipt']}"))
    w.ok(w.post("staff_a", f"/api/v1/reports/{made['report']['id']}/feedback"))

    after = w.ok(w.client.get(f"/api/v1/public/receipts/{copy['receipt']}"))

    assert before["feedback"] is None and before["outcome"] == "adopted"
    assert (after["status"], after["merged"], after["outcome"]) == ("merged", True, "adopted")
    assert after["feedback"] == DEFAULT_MESSAGES["adopted"]
    assert [s["status"] for s in after["history"]][-2:] == ["merged", "fed_back"]
    page = w.client.get(f"/receipts/{copy['receipt']}")
    assert DEFAULT_MESSAGES["adopted"] in page.text


def test_only_staff_of_the_reports_point_and_admin_may_send_it(world: World) -> None:
    w = world
    made = a_decided_report(w)
    path = f"/api/v1/reports/{made['report']['id']}/feedback"

    assert w.post("staff_b", path).status_code == 404  # another point's report: unknown
    assert w.post("congress", path).status_code == 403
    assert w.post("anonymous", path).status_code == 401
    assert w.ok(w.post("admin", path)) == {"fed_back": 4}


def test_feedback_may_not_be_dated_before_the_decision_nor_after_today(world: World) -> None:
    w = world
    made = a_decided_report(w)
    app, report_id = w.liaison.app, UUID(made["report"]["id"])
    before = app.recorder.max_notification_id()

    with pytest.raises(DateOrderError):  # decided on 20 March
        app.feed_back_report(STAFF, report_id, sent_on=date(2021, 3, 19))
    with pytest.raises(FutureDateError):
        app.feed_back_report(STAFF, report_id, sent_on=date(2021, 3, 21))

    assert app.recorder.max_notification_id() == before
    assert app.feed_back_report(STAFF, report_id, sent_on=date(2021, 3, 20)) == 4


def test_the_figures_count_every_person_told_and_merged_ones_stay_merged(world: World) -> None:
    w = world
    made = a_decided_report(w)
    stats_before = w.ok(w.get("staff_a", "/api/v1/stats"))

    w.ok(w.post("staff_a", f"/api/v1/reports/{made['report']['id']}/feedback"))
    stats = w.ok(w.get("staff_a", "/api/v1/stats"))

    assert stats["suggestions"] == stats_before["suggestions"]  # merged, received: unmoved
    assert stats_before["fed_back"] == 0
    # decided and told: the adopted one and its two copies, the one not adopted
    assert (stats["decided_persons"], stats["fed_back"], stats["feedback_rate"]) == (4, 4, 1.0)
    third = {"suggestion_id": made["third"]["id"], "outcome": "partially_adopted"}
    w.ok(decide(w, "congress", made["report"]["id"], third))
    later = w.ok(w.get("staff_a", "/api/v1/stats"))
    assert (later["decided_persons"], later["fed_back"], later["feedback_rate"]) == (5, 4, 0.8)
    w.liaison.projector.rebuild()
    assert w.ok(w.get("staff_a", "/api/v1/stats")) == later


def test_each_row_of_the_exported_table_says_how_many_opinions_it_stands_for(
    world: World,
) -> None:
    w = world
    made = a_decided_report(w)

    answer = w.get("staff_a", f"/api/v1/reports/{made['report']['id']}/export?format=csv")

    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[2][-1] == "人数" and rows[3][-1] == "3"


# -- letters -------------------------------------------------------------------------


def people_who_spoke(w: World) -> dict[str, Any]:
    """A report whose adopted suggestion came from a registered resident who agreed to be
    contacted; merged into it: a resident who did not agree, an online comment that left a
    name and phone, and an anonymous one. Decided and fed back."""
    app, cp = w.liaison.app, UUID(w.cp_a)
    draft = w.new_draft()
    agreed = app.register_participant(
        cp, "王阿姨", "resident", STAFF, phone="13812345678", consent_to_contact=True
    )
    refused = app.register_participant(cp, "李叔叔", "resident", STAFF, phone="13900000000")
    first = w.suggestion(draft["id"], content="建议写明保存期限", participant_id=str(agreed.id))
    private = w.suggestion(draft["id"], content="同意", participant_id=str(refused.id))
    online = app.comment_publicly(
        UUID(draft["id"]), cp, "=1+1 建议写明期限", article=1, name="张先生", phone="13700000000"
    )
    anonymous = app.comment_publicly(UUID(draft["id"]), cp, "同上", article=1)
    app.merge_suggestions([UUID(private["id"]), online.id, anonymous.id], UUID(first["id"]), STAFF)
    report = submitted(w, draft["id"], first)
    w.ok(decide(w, "congress", report["id"], {"suggestion_id": first["id"], "outcome": "adopted"}))
    w.ok(w.post("staff_a", f"/api/v1/reports/{report['id']}/feedback"))
    return {"report": report, "first": first}


def test_letters_go_to_those_who_agreed_one_page_each(world: World) -> None:
    w = world
    made = people_who_spoke(w)

    answer = w.get("staff_a", f"/api/v1/reports/{made['report']['id']}/letters?format=docx")

    assert answer.status_code == 200, answer.text
    document = Document(io.BytesIO(answer.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert (
        text.count("意见建议办理情况反馈") == 2
    )  # 王阿姨 and 张先生; not 李叔叔, nobody anonymous
    assert "尊敬的王阿姨：" in text and "尊敬的张先生：" in text and "李叔叔" not in text
    assert "建议写明保存期限" in text and "办理结果：采纳" in text
    assert DEFAULT_MESSAGES["adopted"] in text and "曹杨新村街道基层立法联系点" in text
    assert document.element.xml.count('w:type="page"') == 1  # a page break between the two


def test_sms_letters_are_phone_and_message_utf8_with_bom_and_never_formulas(
    world: World,
) -> None:
    w = world
    made = people_who_spoke(w)

    answer = w.get("staff_a", f"/api/v1/reports/{made['report']['id']}/letters?format=csv")

    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["手机号码", "短信内容"]
    assert sorted(r[0] for r in rows[1:]) == ["13700000000", "13812345678"]
    assert all(
        r[1] == f"【曹杨新村街道基层立法联系点】{DEFAULT_MESSAGES['adopted']}" for r in rows[1:]
    )


def test_each_letters_export_is_audited_and_only_the_points_staff_and_admin_get_them(
    world: World,
) -> None:
    w = world
    made = people_who_spoke(w)
    path = f"/api/v1/reports/{made['report']['id']}/letters"

    assert w.get("congress", path).status_code == 403
    assert w.get("staff_b", path).status_code == 404
    w.get("staff_a", path, params={"format": "csv"})
    w.get("admin", path)

    with w.liaison.engine.connect() as conn:
        entries = conn.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.target).where(
                audit_log.c.action == "export"
            )
        ).all()
    assert [(a, t.split(" as ")[1]) for a, _, t in entries] == [
        ("staff_a", "csv"),
        ("admin", "docx"),
    ]
    assert all(made["report"]["id"] in t for _, _, t in entries)


def test_staff_may_edit_the_message_of_each_outcome_and_a_bad_outcome_is_refused(
    world: World,
) -> None:
    w = world
    made = a_decided_report(w)
    app, report_id = w.liaison.app, UUID(made["report"]["id"])
    before = app.recorder.max_notification_id()

    with pytest.raises(InvalidValueError):
        app.feed_back_report(STAFF, report_id, {"vetoed": "不予理睬"})
    assert app.recorder.max_notification_id() == before  # nobody told

    told = app.feed_back_report(STAFF, report_id, {"not_adopted": "经研究，暂不采纳。"})

    assert told == 4
    second = w.ok(w.get("staff_a", f"/api/v1/suggestions/{made['second']['id']}/history"))
    first = w.ok(w.get("staff_a", f"/api/v1/suggestions/{made['first']['id']}/history"))
    assert second[-1]["data"] == {"message": "经研究，暂不采纳。"}
    assert first[-1]["data"] == {"message": DEFAULT_MESSAGES["adopted"]}  # default kept
