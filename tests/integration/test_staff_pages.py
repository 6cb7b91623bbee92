"""The staff desk's pages over a real Liaison: what they show, what their forms change, and
what they refuse (another contact point's records, missing CSRF tokens, bad input)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote
from uuid import UUID

import pytest
from docx import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from domain.participant import Participant
from domain.report import Report
from domain.session import ConsultationSession, SessionStatus
from domain.suggestion import Status, Suggestion
from liaison.bootstrap import Liaison
from liaison.rights import operator
from projections.dashboard import session_opinions
from projections.listings import list_sessions, list_suggestions
from projections.similarity import similar_to, similarity
from projections.tables import attendances
from tests import forms
from tests.forms import Browser, browsers, csrf_of
from tests.records import add_users, draft_received, two_contact_points
from web.app import create_app

XSS = "<script>alert(1)</script>"
TEXT = (
    "第一章　总则\n第一条　为了保护个人信息权益，制定本法。\n"
    "第二条　自然人的个人信息受法律保护。\n第三条　处理个人信息应当遵循合法、正当、必要原则。"
)


@dataclass
class Desk:
    """Seeded records of contact point A (and an empty contact point B)."""

    liaison: Liaison
    cp_a: UUID
    cp_b: UUID
    draft: UUID
    session: UUID
    person: UUID
    suggestions: list[UUID]
    report: UUID
    reported: UUID

    def get(self, suggestion_id: UUID) -> Suggestion:
        return self.liaison.app.get(suggestion_id, Suggestion)

    def events(self) -> int:
        return int(self.liaison.app.recorder.max_notification_id() or 0)


@pytest.fixture
def desk(liaison: Liaison) -> Desk:
    app = liaison.app
    a, b = two_contact_points(app)
    add_users(
        liaison,
        ("admin", "admin", None),
        ("congress", "congress", None),
        ("staff_a", "staff", a),
        ("staff_b", "staff", b),
    )
    draft = draft_received(app, TEXT, deadline=date(2021, 3, 20))
    starts = datetime(2021, 3, 15, 14, 0, tzinfo=app.clock.zone)
    session = app.schedule_session(
        a, [draft], "symposium", "三月座谈会", starts, operator("staff_a")
    ).id
    person = app.register_participant(
        a, "王建国", "resident", operator("staff_a"), neighbourhood="杏梅居委"
    ).id
    app.record_attendance(session, [person], operator("staff_a"))
    said = [
        "建议明确个人信息的范围，把行踪轨迹列入敏感个人信息。",
        "小区人脸识别门禁应当允许居民选择刷卡。",
        "老年人不会用手机，办事应当保留线下渠道。",
    ]
    suggestions = [
        app.record_suggestion(
            a,
            draft,
            text,
            "session",
            operator("staff_a"),
            article=1,
            participant_id=person,
            session_id=session,
        ).id
        for text in said
    ]
    sent = app.record_suggestion(
        a, draft, "建议增加投诉渠道。", "letter", operator("staff_a"), article=2
    ).id
    app.screen_suggestion(sent, "accept", operator("staff_a"))
    report = app.submit_report(a, draft, [sent], date(2021, 3, 15), operator("staff_a")).id
    return Desk(liaison, a, b, draft, session, person, suggestions, report, sent)


@pytest.fixture
def site(liaison: Liaison) -> FastAPI:
    return create_app(liaison=liaison)


@pytest.fixture
def browser(site: FastAPI, desk: Desk) -> Iterator[Browser]:
    """A fresh browser per call, signed in as the named user (or anonymous for None)."""
    with browsers(site, sign_in) as open_as:
        yield open_as


def sign_in(client: TestClient, username: str) -> None:
    answer = forms.sign_in(client, username)
    assert client.cookies.get("liaison_csrf")  # set by the login form, kept after signing in
    assert answer.headers["location"] == "/staff" or username == "congress"


def post(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    """A form post carrying the session's CSRF token, not following the redirect."""
    token = csrf_of(client.get("/staff").text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def pages(d: Desk) -> list[str]:
    return [
        "/staff",
        "/staff/drafts",
        f"/staff/drafts/{d.draft}",
        "/staff/sessions",
        "/staff/sessions/new",
        f"/staff/sessions/{d.session}",
        f"/staff/sessions/{d.session}/drafts/{d.draft}/opinions",
        f"/staff/drafts/{d.draft}/screening",
        f"/staff/suggestions/{d.suggestions[0]}",
        f"/staff/drafts/{d.draft}/report",
        "/staff/reports",
        f"/staff/reports/{d.report}",
        f"/staff/drafts/{d.draft}/outcomes",
    ]


# -- who may see what ------


def test_every_staff_page_renders_for_staff_of_the_contact_point(
    browser: Browser, desk: Desk
) -> None:
    staff = browser("staff_a")
    for path in pages(desk):
        page = staff.get(path)
        assert page.status_code == 200, path
        assert "曹杨新村街道基层立法联系点" in page.text, path
        assert '<link rel="stylesheet" href="/static/staff.css">' in page.text
        assert "<script>" not in page.text and "style=" not in page.text, path


def test_the_dashboard_says_what_needs_doing(browser: Browser, desk: Desk) -> None:
    page = browser("staff_a").get("/staff").text

    assert "待筛选的意见" in page and "筛选《个人信息保护法（草案）》的意见：3条" in page
    assert "等待人大采纳结果的报送" in page and "1条中1条尚无结果" in page
    assert "2021-03-20截止 · 还剩5天" in page
    assert "2021年数据" in page and "收到意见（条）" in page


@pytest.mark.parametrize(
    "kind", ["session", "suggestion", "report", "screening", "docx", "outcomes"]
)
def test_another_contact_points_records_do_not_exist_for_staff(
    browser: Browser, desk: Desk, kind: str
) -> None:
    path = {
        "session": f"/staff/sessions/{desk.session}",
        "suggestion": f"/staff/suggestions/{desk.suggestions[0]}",
        "report": f"/staff/reports/{desk.report}",
        "screening": f"/staff/drafts/{desk.draft}/screening?contact_point_id={desk.cp_a}",
        "docx": f"/staff/reports/{desk.report}.docx",
        "outcomes": f"/staff/drafts/{desk.draft}/outcomes?contact_point_id={desk.cp_a}",
    }[kind]
    answer = browser("staff_b").get(path)

    assert answer.status_code == 404
    assert "建议" not in answer.text and "页面不存在" in answer.text


def test_staff_of_another_contact_point_see_none_of_its_opinions(
    browser: Browser, desk: Desk
) -> None:
    staff_b = browser("staff_b")
    queue = staff_b.get(f"/staff/drafts/{desk.draft}/screening")
    touched = post(staff_b, f"/staff/suggestions/{desk.suggestions[0]}/accept", {})

    assert queue.status_code == 200 and "人脸识别" not in queue.text
    assert touched.status_code == 404
    assert desk.get(desk.suggestions[0]).status is Status.RECEIVED


@pytest.mark.parametrize("path", ["/staff", "/staff/sessions/{session}", "/staff/reports"])
def test_the_anonymous_are_sent_to_sign_in(browser: Browser, desk: Desk, path: str) -> None:
    wanted = path.format(session=desk.session)
    answer = browser(None).get(wanted, follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next={wanted}"


def test_the_congress_may_not_open_the_desk(browser: Browser, desk: Desk) -> None:
    assert browser("congress").get("/staff").status_code == 403


def test_an_admin_chooses_a_contact_point_and_the_choice_goes_along(
    browser: Browser, desk: Desk
) -> None:
    admin = browser("admin")
    chooser = admin.get("/staff").text
    dashboard = admin.get(f"/staff?contact_point_id={desk.cp_a}").text
    session = admin.get(f"/staff/sessions/{desk.session}")

    assert "选择联系点" in chooser and f"contact_point_id={desk.cp_a.hex}" in chooser
    assert f"/staff/drafts?contact_point_id={desk.cp_a}" in dashboard
    assert session.status_code == 200 and f"contact_point_id={desk.cp_a}" in session.text


# -- sessions ------


def test_scheduling_a_session_records_it_and_shows_its_page(browser: Browser, desk: Desk) -> None:
    staff = browser("staff_a")
    answer = post(
        staff,
        "/staff/sessions",
        {
            "draft_ids": desk.draft.hex,
            "kind": "hearing",
            "title": "四月听证会",
            "starts_on": "2021-04-02",
            "starts_at": "09:30",
            "venue": "街道礼堂",
        },
    )

    assert answer.status_code == 303
    new_id = UUID(answer.headers["location"].rsplit("/", 1)[1])
    session = desk.liaison.app.get(new_id, ConsultationSession)
    assert (session.title, session.kind.value, session.venue) == (
        "四月听证会",
        "hearing",
        "街道礼堂",
    )
    assert session.starts_at.isoformat() == "2021-04-02T09:30:00+08:00"
    assert session.draft_ids == [desk.draft]
    assert "四月听证会" in staff.get(answer.headers["location"]).text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"draft_ids": ""}, "draft_ids", "请至少勾选一部草案。"),
        ({"title": "  "}, "title", "请填写标题（不超过200字）。"),
        ({"starts_on": "2021-13-40"}, "starts_on", "请按“年-月-日”填写日期，例如2021-03-20。"),
        ({"starts_at": "noon"}, "starts_at", "请按“时:分”填写时间，例如14:30。"),
        ({"kind": "party"}, "kind", "请从列出的类别中选择一项。"),
    ],
)
def test_a_refused_session_says_why_beside_the_field_and_keeps_what_was_typed(
    browser: Browser, desk: Desk, change: dict[str, str], field: str, message: str
) -> None:
    form = {
        "draft_ids": desk.draft.hex,
        "kind": "symposium",
        "title": "五月座谈会",
        "starts_on": "2021-05-06",
        "starts_at": "14:00",
        "venue": "活动室",
    } | change
    before = desk.events()
    answer = post(browser("staff_a"), "/staff/sessions", form)

    assert answer.status_code == 422
    assert f'<p class="error" id="{field}-error">{message}</p>' in answer.text
    assert f'aria-describedby="{field}-error"' in answer.text
    assert 'value="活动室"' in answer.text
    assert desk.events() == before


def test_registering_a_newcomer_records_them_as_present(browser: Browser, desk: Desk) -> None:
    staff = browser("staff_a")
    answer = post(
        staff,
        f"/staff/sessions/{desk.session}/participants",
        {
            "name": "李秀英",
            "kind": "deputy",
            "neighbourhood": "兰溪居委",
            "phone": "138 1234 5678",
            "consent_to_contact": "yes",
        },
    )

    assert answer.status_code == 303
    session = desk.liaison.app.get(desk.session, ConsultationSession)
    assert len(session.participant_ids) == 2
    newcomer = desk.liaison.app.get(session.participant_ids[1], Participant)
    assert newcomer.kind.value == "deputy" and newcomer.consent_to_contact
    page = staff.get(f"/staff/sessions/{desk.session}").text
    assert "李秀英" in page and "13812345678" not in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "p-name", "请填写姓名（不超过100字）。"),
        ({"phone": "12ab"}, "p-phone", "请填写7至20位数字的电话号码，也可以不填。"),
    ],
)
def test_a_refused_newcomer_is_not_registered(
    browser: Browser, desk: Desk, change: dict[str, str], field: str, message: str
) -> None:
    before = desk.events()
    form = {"name": "李秀英", "kind": "deputy", "neighbourhood": "兰溪居委", "phone": ""} | change
    answer = post(browser("staff_a"), f"/staff/sessions/{desk.session}/participants", form)

    assert answer.status_code == 422
    assert f'id="{field}-error">{message}<' in answer.text
    assert 'value="兰溪居委"' in answer.text
    assert desk.events() == before


def test_ticking_people_who_came_records_attendance(browser: Browser, desk: Desk) -> None:
    regular = desk.liaison.app.register_participant(
        desk.cp_a, "赵敏", "collector", operator("staff_a")
    ).id
    staff = browser("staff_a")
    page = staff.get(f"/staff/sessions/{desk.session}").text
    assert f'value="{regular}"' in page

    nothing = post(staff, f"/staff/sessions/{desk.session}/attendance", {})
    ticked = post(
        staff, f"/staff/sessions/{desk.session}/attendance", {"participant_ids": str(regular)}
    )

    assert nothing.status_code == 422 and "请至少勾选一位人员。" in nothing.text
    assert ticked.status_code == 303
    assert regular in desk.liaison.app.get(desk.session, ConsultationSession).participant_ids


def test_a_session_is_marked_held_with_minutes(browser: Browser, desk: Desk) -> None:
    staff = browser("staff_a")
    bad = post(staff, f"/staff/sessions/{desk.session}/complete", {"held_on": "yesterday"})
    good = post(
        staff,
        f"/staff/sessions/{desk.session}/complete",
        {"held_on": "2021-03-15", "minutes": "到会12人。"},
    )

    assert bad.status_code == 422 and 'id="held_on-error"' in bad.text
    assert good.status_code == 303
    session = desk.liaison.app.get(desk.session, ConsultationSession)
    assert session.status is SessionStatus.HELD and session.minutes == "到会12人。"
    assert "到会12人。" in staff.get(f"/staff/sessions/{desk.session}").text


def test_a_session_is_cancelled(browser: Browser, desk: Desk) -> None:
    staff = browser("staff_a")
    answer = post(staff, f"/staff/sessions/{desk.session}/cancel", {"reason": "台风"})
    again = post(staff, f"/staff/sessions/{desk.session}/cancel", {"reason": "台风"})

    assert answer.status_code == 303
    assert desk.liaison.app.get(desk.session, ConsultationSession).status.value == "cancelled"
    assert again.status_code == 422 and "这条记录刚被其他人修改过" in again.text
    assert "录入本草案的意见" not in staff.get(f"/staff/sessions/{desk.session}").text


# -- quick entry ------


def test_an_opinion_entered_at_a_session_returns_to_the_same_form(
    browser: Browser, desk: Desk
) -> None:
    staff = browser("staff_a")
    form = f"/staff/sessions/{desk.session}/drafts/{desk.draft}/opinions"
    answer = post(
        staff,
        form,
        {"participant_id": str(desk.person), "article": "3", "content": "第一行\n第二行"},
    )

    assert answer.status_code == 303 and answer.headers["location"].startswith(form + "?")
    with desk.liaison.engine.connect() as conn:
        entered = session_opinions(conn, desk.session)
    assert len(entered) == 4
    latest = desk.get(UUID(entered[-1]["id"]))
    assert latest.content == "第一行\n第二行" and latest.article == 3
    assert latest.channel.value == "session" and latest.session_id == desk.session
    assert latest.participant_id == desk.person and latest.received_on == date(2021, 3, 15)

    again = staff.get(answer.headers["location"]).text
    assert re.search(r'<textarea id="content" name="content"[^>]*autofocus', again)
    assert f"已保存，回执号{latest.receipt}" in again
    assert re.search(rf'<option value="{desk.person}" selected>', again)
    assert '<option value="3" selected>' in again
    assert again.index("第一行") < again.index("老年人不会用手机")  # newest first


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"content": "   "}, "content", "请填写意见内容（不超过5000字）。"),
        ({"article": "9"}, "article", "请选择本草案中的条款。"),
        (
            {"participant_id": "00000000-0000-0000-0000-000000000000"},
            "participant_id",
            "请选择本场活动的到场人员，或选择匿名。",
        ),
    ],
)
def test_a_refused_opinion_is_not_recorded_and_nothing_typed_is_lost(
    browser: Browser, desk: Desk, change: dict[str, str], field: str, message: str
) -> None:
    before = desk.events()
    form = {"participant_id": "", "article": "2", "content": "建议删去第二条。"} | change
    answer = post(
        browser("staff_a"), f"/staff/sessions/{desk.session}/drafts/{desk.draft}/opinions", form
    )

    assert answer.status_code == 422
    assert f'id="{field}-error">{message}<' in answer.text
    assert form["content"].strip() in answer.text or field == "content"
    assert desk.events() == before


# -- screening ------


def test_accepting_from_the_queue_goes_on_to_the_next(browser: Browser, desk: Desk) -> None:
    first, second = desk.suggestions[0], desk.suggestions[1]
    answer = post(browser("staff_a"), f"/staff/suggestions/{first}/accept", {"back": "queue"})

    assert answer.status_code == 303
    assert answer.headers["location"].endswith(f"/screening#s-{second.hex}")
    assert desk.get(first).status is Status.ACCEPTED


def test_rejecting_needs_a_reason(browser: Browser, desk: Desk) -> None:
    staff = browser("staff_a")
    target = desk.suggestions[1]
    before = desk.events()
    refused = post(staff, f"/staff/suggestions/{target}/reject", {"back": "queue", "reason": " "})

    assert refused.status_code == 422
    assert f'id="reject-{target.hex}-error">请填写不予报送的理由（不超过1000字）。<' in refused.text
    assert "<details open>" in refused.text
    assert desk.events() == before and desk.get(target).status is Status.RECEIVED

    done = post(
        staff, f"/staff/suggestions/{target}/reject", {"back": "queue", "reason": "与草案无关"}
    )
    assert done.status_code == 303
    assert desk.get(target).status is Status.REJECTED and desk.get(target).reason == "与草案无关"


def test_rewording_keeps_the_first_words_in_view(browser: Browser, desk: Desk) -> None:
    staff = browser("staff_a")
    target = desk.suggestions[2]
    blank = post(staff, f"/staff/suggestions/{target}/revise", {"back": "detail", "content": ""})
    answer = post(
        staff,
        f"/staff/suggestions/{target}/revise",
        {"back": "queue", "content": "保留线下办事渠道。"},
    )

    assert blank.status_code == 422 and "请填写意见内容（不超过5000字）。" in blank.text
    assert answer.status_code == 303 and answer.headers["location"].endswith(f"#s-{target.hex}")
    assert desk.get(target).content == "保留线下办事渠道。"
    queue = staff.get(f"/staff/drafts/{desk.draft}/screening").text
    assert "保留线下办事渠道。" in queue and "老年人不会用手机，办事应当保留线下渠道。" in queue
    assert "原始意见" in queue


def test_merging_folds_a_duplicate_into_another(browser: Browser, desk: Desk) -> None:
    staff = browser("staff_a")
    duplicate, survivor = desk.suggestions[1], desk.suggestions[0]
    missing = post(staff, f"/staff/suggestions/{duplicate}/merge", {"back": "queue", "into": ""})
    answer = post(
        staff, f"/staff/suggestions/{duplicate}/merge", {"back": "queue", "into": survivor.hex}
    )

    assert missing.status_code == 422 and "请选择要合并到的意见。" in missing.text
    assert answer.status_code == 303
    assert desk.get(duplicate).status is Status.MERGED
    assert desk.get(survivor).absorbed == [duplicate]


def test_near_duplicates_are_offered_first_with_their_similarity(
    browser: Browser, desk: Desk
) -> None:
    app = desk.liaison.app
    for text in ["建议加强对未成年人网络保护。", "应当规范快递面单上的信息。"]:
        app.record_suggestion(desk.cp_a, desk.draft, text, "letter", operator("staff_a"))
    twin = app.record_suggestion(
        desk.cp_a,
        desk.draft,
        "建议明确个人信息范围，把行踪轨迹列入敏感个人信息",
        "letter",
        operator("staff_a"),
    ).id
    target = desk.suggestions[0]

    page = browser("staff_a").get(f"/staff/suggestions/{target}").text
    select = page[page.index(f'id="merge-{target.hex}"') :]
    first_option = re.search(r'<option value="([0-9a-f]{32})"[^>]*>([^<]*)<', select)

    assert first_option and first_option.group(1) == twin.hex
    assert "相似度" in first_option.group(2)
    with desk.liaison.engine.connect() as conn:
        assert similar_to(conn, target)[twin.hex] > 0.8
    assert similarity("一模一样的话。", "一模一样的话") == 1.0
    assert similarity("完全不同", "毫无关系") == 0.0


def test_rewording_recomputes_the_near_duplicate_hints(desk: Desk) -> None:
    app, target = desk.liaison.app, desk.suggestions[1]
    with desk.liaison.engine.connect() as conn:
        assert desk.suggestions[2].hex not in similar_to(conn, target)
    app.revise_suggestion(target, "老年人不会用手机，办事应当保留线下渠道", operator("staff_a"))
    with desk.liaison.engine.connect() as conn:
        assert similar_to(conn, target)[desk.suggestions[2].hex] > 0.9


def test_a_rebuild_gives_the_same_hints(desk: Desk) -> None:
    with desk.liaison.engine.connect() as conn:
        before = similar_to(conn, desk.suggestions[0])
    desk.liaison.projector.rebuild()
    with desk.liaison.engine.connect() as conn:
        assert similar_to(conn, desk.suggestions[0]) == before


# -- reports ------


def test_a_report_is_previewed_then_submitted_and_downloaded(browser: Browser, desk: Desk) -> None:
    app, staff = desk.liaison.app, browser("staff_a")
    for suggestion_id in desk.suggestions[:2]:
        app.screen_suggestion(suggestion_id, "accept", operator("staff_a"))
    build = staff.get(f"/staff/drafts/{desk.draft}/report").text
    assert build.count('name="suggestion_ids"') == 2 and build.count(" checked") == 2

    before = desk.events()
    preview = post(
        staff,
        f"/staff/drafts/{desk.draft}/report",
        {
            "suggestion_ids": desk.suggestions[0].hex,
            "submitted_on": "2021-03-15",
            "action": "preview",
        },
    )
    assert preview.status_code == 200 and desk.events() == before
    table = preview.text[preview.text.index("报送汇总表预览") :]
    for heading in ("序号", "条款", "意见建议", "来源", "提出人类别"):
        assert heading in table
    assert "把行踪轨迹列入敏感个人信息" in table and "人脸识别" not in table
    assert "座谈会（三月座谈会）" in table and "居民" in table

    form = {"suggestion_ids": desk.suggestions[0].hex, "submitted_on": "2021-03-15"}
    asked = post(staff, f"/staff/drafts/{desk.draft}/report", {**form, "action": "submit"})
    assert asked.status_code == 200 and desk.events() == before
    assert "将报送 1 条意见，报送日期 2021-03-15。报送后不能修改或撤回。" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text

    answer = post(
        staff,
        f"/staff/drafts/{desk.draft}/report",
        {**form, "action": "submit", "confirmed": "yes"},
    )
    assert answer.status_code == 303
    report_id = UUID(answer.headers["location"].rsplit("/", 1)[1])
    report = app.get(report_id, Report)
    assert report.suggestion_ids == [desk.suggestions[0]]
    assert report.submitted_on == date(2021, 3, 15)
    assert desk.get(desk.suggestions[1]).status is Status.ACCEPTED

    page = staff.get(answer.headers["location"]).text
    assert f'href="/staff/reports/{report_id}.docx"' in page
    docx = staff.get(f"/staff/reports/{report_id}.docx")
    csv = staff.get(f"/staff/reports/{report_id}.csv")
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    cells = [c.text for c in Document(io.BytesIO(docx.content)).tables[0].rows[1].cells]
    assert cells[:5] == [
        "1",
        "第一条",
        desk.get(desk.suggestions[0]).content,
        "座谈会（三月座谈会）",
        "居民",
    ]
    assert csv.content.startswith("\ufeff".encode()) and "序号" in csv.content.decode("utf-8-sig")
    exports = desk.liaison.audit.recent(action="export")
    assert [e["target"] for e in exports[:2]] == [
        f"report {report_id} as csv",
        f"report {report_id} as docx",
    ]
    assert exports[0]["actor"] == "staff_a"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"suggestion_ids": ""}, "suggestion_ids", "请至少勾选一条意见。"),
        (
            {"submitted_on": "16/03/2021"},
            "submitted_on",
            "请按“年-月-日”填写日期，例如2021-03-20。",
        ),
    ],
)
def test_a_refused_report_records_nothing(
    browser: Browser, desk: Desk, change: dict[str, str], field: str, message: str
) -> None:
    desk.liaison.app.screen_suggestion(desk.suggestions[0], "accept", operator("staff_a"))
    before = desk.events()
    form = {
        "suggestion_ids": desk.suggestions[0].hex,
        "submitted_on": "2021-03-15",
        "action": "submit",
    } | change
    answer = post(browser("staff_a"), f"/staff/drafts/{desk.draft}/report", form)

    assert answer.status_code == 422
    assert f'id="{field}-error">{message}<' in answer.text
    assert desk.events() == before
    assert desk.get(desk.suggestions[0]).status is Status.ACCEPTED


# -- outcomes and feedback ------


def test_an_outcome_is_recorded_and_feedback_sent(browser: Browser, desk: Desk) -> None:
    staff, target = browser("staff_a"), desk.reported
    nothing = post(staff, f"/staff/suggestions/{target}/outcome", {"note": "再议"})
    assert nothing.status_code == 422 and "请选择人大的采纳结果。" in nothing.text
    assert "再议" in nothing.text

    decided = post(
        staff,
        f"/staff/suggestions/{target}/outcome",
        {"outcome": "partially_adopted", "final_article": "3", "note": "二审稿吸收"},
    )
    assert decided.status_code == 303
    assert decided.headers["location"].endswith(f"/outcomes#s-{target.hex}")
    suggestion = desk.get(target)
    assert (suggestion.outcome.value, suggestion.final_article) == ("partially_adopted", 3)

    page = staff.get(f"/staff/drafts/{desk.draft}/outcomes").text
    assert "您的意见已报送人大，并被部分采纳。" in page

    blank = post(staff, f"/staff/suggestions/{target}/feedback", {"message": ""})
    asked = post(staff, f"/staff/suggestions/{target}/feedback", {"message": "已部分采纳，谢谢。"})
    assert blank.status_code == 422 and "请填写反馈内容（不超过5000字）。" in blank.text
    assert asked.status_code == 200 and "确定发送这条反馈吗？" in asked.text
    assert desk.get(target).status is not Status.FED_BACK
    sent = post(
        staff,
        f"/staff/suggestions/{target}/feedback",
        {"message": "已部分采纳，谢谢。", "confirmed": "yes"},
    )
    assert sent.status_code == 303
    assert (
        desk.get(target).status is Status.FED_BACK
        and desk.get(target).feedback == "已部分采纳，谢谢。"
    )


def test_a_final_article_the_draft_does_not_have_is_refused_beside_the_field(
    browser: Browser, desk: Desk
) -> None:
    staff, target = browser("staff_a"), desk.reported
    before = desk.events()

    refused = post(
        staff,
        f"/staff/suggestions/{target}/outcome",
        {"outcome": "adopted", "final_article": "99", "note": ""},
    )

    assert refused.status_code == 422
    assert "请填写通过稿中的条款序号（数字），或不填。" in refused.text
    assert desk.events() == before and desk.get(target).outcome is None


def test_a_refused_staff_form_switches_language_to_a_page_not_to_its_post_address(
    browser: Browser, desk: Desk
) -> None:
    staff, target = browser("staff_a"), desk.suggestions[1]
    refused = post(staff, f"/staff/suggestions/{target}/reject", {"back": "queue", "reason": " "})

    switch = re.search(r'href="([^"]+)" lang="en" hreflang="en"', refused.text)
    assert switch is not None
    assert switch.group(1) == f"/staff/suggestions/{target}/reject?lang=en"  # asks again
    assert staff.get(switch.group(1)).status_code == 200


def test_every_signed_in_page_is_kept_out_of_the_browser_cache(
    browser: Browser, desk: Desk
) -> None:
    staff, anonymous = browser("staff_a"), browser(None)

    for path in [*pages(desk), "/", f"/staff/reports/{desk.report}.docx"]:
        assert staff.get(path).headers.get("cache-control") == "no-store", path
    assert "no-store" not in anonymous.get("/").headers.get("cache-control", "")


# -- forms and escaping ------


@pytest.mark.parametrize(
    "path",
    [
        "/staff/sessions",
        "/staff/sessions/{session}/participants",
        "/staff/sessions/{session}/attendance",
        "/staff/sessions/{session}/complete",
        "/staff/sessions/{session}/cancel",
        "/staff/sessions/{session}/drafts/{draft}/opinions",
        "/staff/suggestions/{suggestion}/accept",
        "/staff/suggestions/{suggestion}/reject",
        "/staff/suggestions/{suggestion}/revise",
        "/staff/suggestions/{suggestion}/merge",
        "/staff/drafts/{draft}/report",
        "/staff/suggestions/{reported}/outcome",
        "/staff/suggestions/{reported}/feedback",
    ],
)
def test_a_post_without_the_csrf_token_is_refused(browser: Browser, desk: Desk, path: str) -> None:
    target = path.format(
        session=desk.session,
        draft=desk.draft,
        suggestion=desk.suggestions[0],
        reported=desk.reported,
    )
    before = desk.events()
    answer = browser("staff_a").post(
        target, data={"content": "x", "reason": "x", "outcome": "adopted"}, follow_redirects=False
    )

    assert answer.status_code == 403
    assert desk.events() == before


def test_a_script_in_an_opinion_is_shown_as_text_everywhere(browser: Browser, desk: Desk) -> None:
    app, staff = desk.liaison.app, browser("staff_a")
    hostile = app.record_suggestion(
        desk.cp_a,
        desk.draft,
        XSS,
        "session",
        operator("staff_a"),
        article=1,
        session_id=desk.session,
    ).id
    accepted = app.record_suggestion(
        desk.cp_a, desk.draft, XSS + "。", "letter", operator("staff_a")
    ).id
    app.screen_suggestion(accepted, "accept", operator("staff_a"))
    reported = app.record_suggestion(
        desk.cp_a, desk.draft, XSS + "！", "letter", operator("staff_a")
    ).id
    app.screen_suggestion(reported, "accept", operator("staff_a"))
    report = app.submit_report(
        desk.cp_a, desk.draft, [reported], date(2021, 3, 15), operator("staff_a")
    ).id

    shown = [
        f"/staff/drafts/{desk.draft}",
        f"/staff/drafts/{desk.draft}/screening",
        f"/staff/suggestions/{hostile}",
        f"/staff/sessions/{desk.session}/drafts/{desk.draft}/opinions",
        f"/staff/drafts/{desk.draft}/report",
        f"/staff/reports/{report}",
        f"/staff/drafts/{desk.draft}/outcomes",
    ]
    for path in shown:
        page = staff.get(path).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
        assert XSS not in page, path
    listed = list_suggestions_of(desk)
    assert {hostile.hex, accepted.hex, reported.hex} <= {row["id"] for row in listed}


def list_suggestions_of(desk: Desk) -> list[dict[str, Any]]:
    with desk.liaison.engine.connect() as conn:
        return list_suggestions(conn, desk.cp_a, desk.draft)


def test_sessions_are_listed_for_their_contact_point_only(browser: Browser, desk: Desk) -> None:
    with desk.liaison.engine.connect() as conn:
        assert [s["id"] for s in list_sessions(conn, desk.cp_a)] == [desk.session.hex]
    assert "三月座谈会" in browser("staff_a").get("/staff/sessions").text
    assert "三月座谈会" not in browser("staff_b").get("/staff/sessions").text


def test_a_report_names_an_online_commenter_who_left_a_name_as_the_public_not_anonymous(
    browser: Browser, desk: Desk
) -> None:
    app = desk.liaison.app
    said = app.comment_publicly(
        desk.draft, desk.cp_a, "建议增加线下渠道。", name="李四", phone="13800000000"
    )
    app.screen_suggestion(said.id, "accept", operator("staff_a"))
    report = app.submit_report(
        desk.cp_a, desk.draft, [said.id], date(2021, 3, 15), operator("staff_a")
    ).id
    staff = browser("staff_a")

    page = staff.get(f"/staff/reports/{report}").text
    table = staff.get(f"/staff/reports/{report}.csv")
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))

    assert "网民（留有姓名或电话）" in page and "李四" not in page and "13800000000" not in page
    assert rows[3][5:] == ["网民（留有姓名或电话）", "待人大决定", "1"]  # 1: no one merged in
    assert "李四" not in table.text and "13800000000" not in table.text
    disposition = table.headers["content-disposition"]
    assert 'filename="report-2021-03-15.csv"' in disposition
    assert (
        "filename*=UTF-8''" + quote("曹杨新村街道基层立法联系点-个人信息保护法（草案）")
        in disposition
    )


# -- issue 14: no dead ends for staff ------


def test_an_opinion_by_phone_is_recorded_with_its_date_and_the_callers_name_sealed(
    browser: Browser, desk: Desk
) -> None:
    staff = browser("staff_a")
    form = staff.get(f"/staff/drafts/{desk.draft}/letters")
    assert form.status_code == 200 and 'value="phone"' in form.text

    answer = post(
        staff,
        f"/staff/drafts/{desk.draft}/letters",
        {
            "channel": "phone",
            "received_on": "2021-03-14",
            "article": "2",
            "content": "来电建议：快递柜应当保护收件人电话。",
            "name": "钱阿姨",
            "phone": "13900001111",
        },
    )

    assert answer.status_code == 303 and "done=opinion" in answer.headers["location"]
    [row] = [r for r in list_suggestions_of(desk) if r["channel"] == "phone"]
    assert (row["received_on"], row["article"]) == (date(2021, 3, 14), 2)
    opinion = desk.get(UUID(row["id"]))
    assert desk.liaison.app.commenter(opinion) == {"name": "钱阿姨", "phone": "13900001111"}
    page = staff.get(answer.headers["location"]).text
    assert 'role="status"' in page and "意见已登记。" in page


def test_a_letter_without_a_valid_date_or_channel_is_refused_and_nothing_is_recorded(
    browser: Browser, desk: Desk
) -> None:
    before = desk.events()
    answer = post(
        browser("staff_a"),
        f"/staff/drafts/{desk.draft}/letters",
        {"channel": "session", "received_on": "soon", "content": "来信"},
    )

    assert answer.status_code == 422
    assert 'id="received_on-error"' in answer.text and 'id="channel-error"' in answer.text
    assert desk.events() == before


def test_a_phone_is_revealed_only_after_confirmation_and_the_reveal_is_audited(
    browser: Browser, desk: Desk
) -> None:
    person = desk.liaison.app.register_participant(
        desk.cp_a,
        "孙丽",
        "resident",
        operator("staff_a"),
        phone="13812345678",
        consent_to_contact=True,
    ).id
    staff = browser("staff_a")
    listed = staff.get("/staff/participants", params={"q": "孙"}).text
    shown = staff.get(f"/staff/participants/{person}").text
    asked = staff.get(f"/staff/participants/{person}/reveal").text
    audited_before = len(desk.liaison.audit.recent(action="reveal_phone"))

    revealed = post(staff, f"/staff/participants/{person}/reveal", {})

    assert "孙丽" in listed and "王建国" not in listed
    assert "138****5678" in shown and "13812345678" not in shown
    assert "13812345678" not in asked and "确定显示完整电话号码吗？" in asked
    assert revealed.status_code == 200 and "13812345678" in revealed.text
    [entry] = desk.liaison.audit.recent(action="reveal_phone")[:1]
    assert len(desk.liaison.audit.recent(action="reveal_phone")) == audited_before + 1
    assert (entry["actor"], entry["target"]) == ("staff_a", f"participant {person}")
    assert browser("staff_b").get(f"/staff/participants/{person}").status_code == 404


def test_erasure_is_confirmed_audited_and_announced(browser: Browser, desk: Desk) -> None:
    staff = browser("staff_a")
    asked = staff.get(f"/staff/participants/{desk.person}/erase")
    assert asked.status_code == 200 and "此操作不能撤销" in asked.text
    assert desk.liaison.app.get(desk.person, Participant).erased is False

    answer = post(staff, f"/staff/participants/{desk.person}/erase", {})

    assert answer.status_code == 303
    assert desk.liaison.app.get(desk.person, Participant).erased is True
    [entry] = desk.liaison.audit.recent(action="erase")
    assert entry["target"] == f"participant {desk.person}"
    page = staff.get(answer.headers["location"]).text
    assert 'role="status"' in page and "已删除此人的个人信息" in page and "王建国" not in page


def test_registering_the_same_name_twice_warns_of_a_likely_duplicate(
    browser: Browser, desk: Desk
) -> None:
    staff = browser("staff_a")
    path = f"/staff/sessions/{desk.session}/participants"
    first = post(staff, path, {"name": "王阿姨", "kind": "resident"})
    before = desk.events()

    again = post(staff, path, {"name": " 王阿姨", "kind": "resident"})
    assert again.status_code == 422 and 'id="namesakes"' in again.text
    assert desk.events() == before

    anyway = post(staff, path, {"name": "王阿姨", "kind": "resident", "another_person": "yes"})
    assert first.status_code == 303 and anyway.status_code == 303
    assert len(desk.liaison.app.get(desk.session, ConsultationSession).participant_ids) == 3


def test_attendance_finds_people_by_name_among_many(browser: Browser, desk: Desk) -> None:
    app = desk.liaison.app
    for n in range(30):
        app.register_participant(desk.cp_a, f"居民{n:02d}", "resident", operator("staff_a"))
    wanted = app.register_participant(desk.cp_a, "欧阳修远", "expert", operator("staff_a")).id
    staff = browser("staff_a")

    page = staff.get(f"/staff/sessions/{desk.session}", params={"q": "欧阳"}).text

    assert f'value="{wanted}"' in page and "居民00" not in page


def test_a_rejection_is_withdrawn_with_a_reason(browser: Browser, desk: Desk) -> None:
    app, rejected = desk.liaison.app, desk.suggestions[0]
    app.screen_suggestion(rejected, "reject", operator("staff_a"), reason="与本草案无关")
    staff = browser("staff_a")
    assert "撤回不予采用" in staff.get(f"/staff/suggestions/{rejected}").text

    blank = post(staff, f"/staff/suggestions/{rejected}/withdraw-rejection", {"reason": ""})
    answer = post(
        staff, f"/staff/suggestions/{rejected}/withdraw-rejection", {"reason": "看错了条文"}
    )

    assert blank.status_code == 422 and 'id="undo-reason-error"' in blank.text
    assert answer.status_code == 303 and desk.get(rejected).status is Status.RECEIVED
    [row] = [r for r in list_suggestions_of(desk) if r["id"] == rejected.hex]
    assert row["status"] == "received"
    assert "已撤回不予采用" in staff.get(answer.headers["location"]).text


def test_a_merge_is_undone_and_both_suggestions_are_as_before(browser: Browser, desk: Desk) -> None:
    app = desk.liaison.app
    duplicate, survivor = desk.suggestions[0], desk.suggestions[1]
    app.screen_suggestion(duplicate, "accept", operator("staff_a"))
    app.merge_suggestion(duplicate, survivor, operator("staff_a"))
    staff = browser("staff_a")

    answer = post(staff, f"/staff/suggestions/{duplicate}/unmerge", {"reason": "并非同一意见"})

    assert answer.status_code == 303
    assert (desk.get(duplicate).status, desk.get(duplicate).merged_into) == (
        Status.ACCEPTED,
        None,
    )
    assert desk.get(survivor).absorbed == []
    rows = {r["id"]: r for r in list_suggestions_of(desk)}
    assert (rows[duplicate.hex]["status"], rows[duplicate.hex]["merged_into"]) == (
        "accepted",
        None,
    )


def test_cancelling_a_session_asks_first(browser: Browser, desk: Desk) -> None:
    staff = browser("staff_a")
    session_page = staff.get(f"/staff/sessions/{desk.session}").text
    assert f'method="get" action="/staff/sessions/{desk.session}/cancel"' in session_page

    asked = staff.get(f"/staff/sessions/{desk.session}/cancel", params={"reason": "台风"})

    assert asked.status_code == 200 and 'value="台风"' in asked.text
    assert desk.liaison.app.get(desk.session, ConsultationSession).status is SessionStatus.SCHEDULED
    done = post(staff, f"/staff/sessions/{desk.session}/cancel", {"reason": "台风"})
    assert "活动已取消。" in staff.get(done.headers["location"]).text


# -- confirmations and corrections ------


def test_rejecting_and_merging_are_restated_and_asked_before_anything_changes(
    browser: Browser, desk: Desk
) -> None:
    staff, target, other = browser("staff_a"), desk.suggestions[1], desk.suggestions[0]
    before = desk.events()

    reject = staff.get(f"/staff/suggestions/{target}/reject", params={"reason": "与本法无关"})
    merge = staff.get(f"/staff/suggestions/{target}/merge", params={"into": str(other)})

    assert reject.status_code == merge.status_code == 200 and desk.events() == before
    assert "确定不予报送这条意见吗？" in reject.text and "与本法无关" in reject.text
    assert f'action="/staff/suggestions/{target}/reject"' in reject.text
    assert 'name="reason" value="与本法无关"' in reject.text
    assert "<script>" not in reject.text and "onclick" not in reject.text  # CSP: no inline JS
    assert "确定把这条意见合并到另一条吗？" in merge.text
    assert desk.get(other).content in merge.text
    screening = staff.get(f"/staff/drafts/{desk.draft}/screening").text
    assert f'<form method="get" action="/staff/suggestions/{target.hex}/reject"' in screening


def test_another_points_suggestion_has_no_confirmation_page(browser: Browser, desk: Desk) -> None:
    answer = browser("staff_b").get(f"/staff/suggestions/{desk.suggestions[1]}/reject")
    assert answer.status_code == 404


def test_an_attendee_ticked_by_mistake_is_removed_with_a_reason(
    browser: Browser, desk: Desk
) -> None:
    staff, app = browser("staff_a"), desk.liaison.app
    path = f"/staff/sessions/{desk.session}/attendance/withdraw"
    before = desk.events()

    silent = post(staff, path, {"participant_id": str(desk.person), "reason": " "})
    assert silent.status_code == 422 and desk.events() == before
    assert f'id="withdraw-{desk.person}-error"' in silent.text

    answer = post(staff, path, {"participant_id": str(desk.person), "reason": "误勾选"})
    assert answer.status_code == 303 and "done=withdrawn" in answer.headers["location"]
    assert desk.person not in app.get(desk.session, ConsultationSession).participant_ids
    page = staff.get(answer.headers["location"]).text
    assert "已从到会名单中移除，统计数字不再计入此人。" in page
    with desk.liaison.engine.connect() as conn:
        came = conn.execute(select(attendances).where(attendances.c.session_id == desk.session.hex))
        assert came.all() == []


def test_a_scheduled_session_is_renamed_and_moved_but_not_into_the_past(
    browser: Browser, desk: Desk
) -> None:
    staff, app = browser("staff_a"), desk.liaison.app
    path = f"/staff/sessions/{desk.session}/edit"
    form = {"title": "改期座谈会", "venue": "社区活动室", "starts_at": "09:30"}
    assert "改期座谈会" not in staff.get(path).text

    past = post(staff, path, {**form, "starts_on": "2001-01-01"})
    moved = post(staff, path, {**form, "starts_on": "2099-03-20"})

    assert past.status_code == 422 and "不能把会议改到已经过去的日期。" in past.text
    assert moved.status_code == 303 and "done=rescheduled" in moved.headers["location"]
    session = app.get(desk.session, ConsultationSession)
    assert (session.title, session.venue) == ("改期座谈会", "社区活动室")
    assert session.starts_at.date() == date(2099, 3, 20)
    with desk.liaison.engine.connect() as conn:
        row = next(r for r in list_sessions(conn, desk.cp_a) if r["id"] == desk.session.hex)
    assert (row["title"], row["starts_on"]) == ("改期座谈会", date(2099, 3, 20))
