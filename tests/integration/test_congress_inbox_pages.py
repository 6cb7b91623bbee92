"""The congress's inbox over a real Liaison: reports from every point, a report's decisions
saved together (or none, with each error beside its row), and staff told on their to-do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison
from liaison.rights import Actor, Role, operator
from tests.forms import csrf_of, sign_in
from tests.records import draft_received
from web.app import create_app

PASSWORD = "a-long-test-password"
XSS = "<script>alert(1)</script>"
TEXT = (
    "第一章　总则\n第一条　为了保护个人信息权益，制定本法。\n"
    "第二条　自然人的个人信息受法律保护。\n第三条　处理个人信息应当遵循合法原则。"
)
SECOND_READING = TEXT + "\n第四条　新增的告知义务条款。"


@dataclass
class Scene:
    liaison: Liaison
    cp_a: UUID
    draft: UUID
    report_a: UUID
    report_b: UUID
    adopted: UUID  # on article 2, from a registered resident, with a duplicate merged into it
    general: UUID  # on the whole draft
    duplicate: UUID


@pytest.fixture
def scene(liaison: Liaison) -> Scene:
    app = liaison.app
    admin = operator("admin")
    a = app.designate_contact_point("曹杨新村街道基层立法联系点", "普陀区", admin).id
    b = app.designate_contact_point("虹桥街道基层立法联系点", "长宁区", admin).id
    liaison.users.add("congress", "congress", PASSWORD, None)
    liaison.users.add("caoyang", "staff", PASSWORD, a)
    staff_a, staff_b = Actor("caoyang", Role.STAFF, a), Actor("hongqiao", Role.STAFF, b)
    draft = draft_received(app, TEXT, opened_on=date(2021, 3, 1), by=admin)
    person = app.register_participant(a, "王秀英", "resident", staff_a, consent_to_contact=True)

    def said(cp: UUID, actor: Actor, words: str, article: int | None, **kw: Any) -> UUID:
        return app.record_suggestion(
            cp,
            draft,
            words,
            "letter",
            actor,
            article=article,
            received_on=date(2021, 3, 5),
            **kw,
        ).id

    adopted = said(a, staff_a, "建议明确个人信息的范围。" + XSS, 2, participant_id=person.id)
    duplicate = said(a, staff_a, "建议明确个人信息范围", 2)
    general = said(a, staff_a, "建议整体加强宣传。", None)
    theirs = said(b, staff_b, "建议删除第三条。", 3)
    app.merge_suggestion(duplicate, adopted, staff_a, on=date(2021, 3, 10))
    for s, actor in ((adopted, staff_a), (general, staff_a), (theirs, staff_b)):
        app.screen_suggestion(s, "accept", actor, on=date(2021, 3, 10))
    report_a = app.submit_report(a, draft, [adopted, general], date(2021, 3, 12), staff_a).id
    report_b = app.submit_report(b, draft, [theirs], date(2021, 3, 14), staff_b).id
    app.add_draft_version(draft, "二审稿", SECOND_READING, admin, on=date(2021, 3, 15))
    return Scene(liaison, a, draft, report_a, report_b, adopted, general, duplicate)


@pytest.fixture
def client(scene: Scene) -> Iterator[TestClient]:
    with TestClient(create_app(liaison=scene.liaison)) as client:
        yield client


@pytest.fixture
def congress(client: TestClient) -> TestClient:
    """A browser signed in as the congress."""
    sign_in(client, "congress")
    return client


def save(client: TestClient, report: UUID, data: dict[str, str]) -> Any:
    token = csrf_of(client.get(f"/congress/reports/{report}").text)
    return client.post(
        f"/congress/reports/{report}", data={"csrf_token": token, **data}, follow_redirects=False
    )


def outcome_of(scene: Scene, suggestion_id: UUID) -> tuple[str | None, int | None, str | None]:
    s = scene.liaison.app.get(suggestion_id, Suggestion)
    return (s.outcome.value if s.outcome else None, s.final_article, s.note)


def test_the_inbox_lists_reports_from_every_point_awaiting_a_decision_newest_first(
    congress: TestClient, scene: Scene
) -> None:
    page = congress.get("/congress/inbox").text

    assert page.index(f"/congress/reports/{scene.report_b.hex}") < page.index(
        f"/congress/reports/{scene.report_a.hex}"
    )
    assert "虹桥街道基层立法联系点" in page and "曹杨新村街道基层立法联系点" in page
    assert re.search(r"\">2</td>\s*<td class=\"num\" data-label=\"[^\"]+\">0</td>", page)
    assert 'href="/congress/inbox" aria-current="page"' in page
    assert "/congress/inbox" in congress.get("/congress/drafts").text  # in the congress's menu


def test_decided_reports_leave_the_awaiting_list_for_the_decided_one(
    congress: TestClient, scene: Scene
) -> None:
    [theirs] = scene.liaison.app.report(operator(), scene.report_b).suggestion_ids
    scene.liaison.app.decide_report(
        scene.report_b, [_ruling(theirs, "not_adopted")], operator("congress")
    )

    awaiting = congress.get("/congress/inbox").text
    decided = congress.get("/congress/inbox?status=decided").text

    assert scene.report_b.hex not in awaiting and scene.report_a.hex in awaiting
    assert scene.report_b.hex in decided and scene.report_a.hex not in decided


def test_a_report_shows_each_suggestion_with_a_decision_form(
    congress: TestClient, scene: Scene
) -> None:
    page = congress.get(f"/congress/reports/{scene.report_a}").text

    me = scene.adopted.hex
    row = page[page.index(f'id="s-{me}"') : page.index(f'id="s-{scene.general.hex}"')]
    assert "第二条" in row and "居民" in row
    assert "涉及人数：2" in row  # itself and the one merged into it
    assert XSS not in page and "&lt;script&gt;" in row
    for value, label in (
        ("adopted", "采纳"),
        ("partially_adopted", "部分采纳"),
        ("not_adopted", "未采纳"),
    ):
        assert f'name="outcome-{me}" value="{value}"' in row and label in row
    # the final article is one of the latest text's: the second reading has a fourth
    assert '<option value="4">第四条' in row
    assert "草案整体" in page and "保存全部审议结果" in page


def test_saving_records_every_chosen_decision_and_says_so(
    congress: TestClient, scene: Scene
) -> None:
    answer = save(
        congress,
        scene.report_a,
        {
            f"outcome-{scene.adopted.hex}": "adopted",
            f"final_article-{scene.adopted.hex}": "4",
            f"note-{scene.adopted.hex}": "写入第四条",
            f"outcome-{scene.general.hex}": "not_adopted",
        },
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/congress/reports/{scene.report_a}?saved=2"
    assert outcome_of(scene, scene.adopted) == ("adopted", 4, "写入第四条")
    assert outcome_of(scene, scene.general) == ("not_adopted", None, None)
    page = congress.get(answer.headers["location"]).text
    assert "已保存2条审议结果" in page
    assert "由congress于" in page and "保存全部审议结果" not in page  # nothing left to decide


def test_one_wrong_row_saves_nothing_and_keeps_what_was_typed(
    congress: TestClient, scene: Scene
) -> None:
    answer = save(
        congress,
        scene.report_a,
        {
            f"outcome-{scene.adopted.hex}": "adopted",
            f"note-{scene.adopted.hex}": "采纳理由",
            f"final_article-{scene.general.hex}": "2",  # but no outcome chosen
        },
    )

    assert answer.status_code == 422
    assert outcome_of(scene, scene.adopted) == (None, None, None)
    page = answer.text
    general = page[page.index(f'id="s-{scene.general.hex}"') :]
    assert "请选择人大的采纳结果。" in general
    assert f'id="outcome-{scene.general.hex}-error"' in general
    assert '<option value="2" selected>' in general
    assert "采纳理由</textarea>" in page
    assert f'name="outcome-{scene.adopted.hex}" value="adopted" checked' in page


def test_an_article_missing_from_the_latest_text_is_named_beside_its_row(
    congress: TestClient, scene: Scene
) -> None:
    answer = save(
        congress,
        scene.report_a,
        {
            f"outcome-{scene.adopted.hex}": "adopted",
            f"outcome-{scene.general.hex}": "adopted",
            f"final_article-{scene.general.hex}": "9",
        },
    )

    assert answer.status_code == 422
    assert f'id="final_article-{scene.general.hex}-error"' in answer.text
    assert outcome_of(scene, scene.adopted) == (None, None, None)


def test_nothing_chosen_is_said_at_the_top(congress: TestClient, scene: Scene) -> None:
    answer = save(congress, scene.report_a, {})

    assert answer.status_code == 422 and "请至少为一条意见建议选择审议结果" in answer.text


def test_a_decision_made_otherwise_meanwhile_saves_nothing(
    congress: TestClient, scene: Scene
) -> None:
    token = csrf_of(congress.get(f"/congress/reports/{scene.report_a}").text)
    staff = Actor("caoyang", Role.STAFF, scene.cp_a)
    scene.liaison.app.decide_report(scene.report_a, [_ruling(scene.adopted, "adopted")], staff)

    answer = congress.post(
        f"/congress/reports/{scene.report_a}",
        data={
            "csrf_token": token,
            f"outcome-{scene.adopted.hex}": "not_adopted",
            f"outcome-{scene.general.hex}": "adopted",
        },
    )

    assert answer.status_code == 409
    assert "没有保存任何内容" in answer.text and "由caoyang于" in answer.text
    assert outcome_of(scene, scene.general) == (None, None, None)


def test_staff_see_decisions_arrive_on_their_to_do(client: TestClient, scene: Scene) -> None:
    scene.liaison.app.decide_report(
        scene.report_a,
        [_ruling(scene.adopted, "adopted"), _ruling(scene.general, "not_adopted")],
        operator("congress"),
        decided_on=date(2021, 3, 14),
    )
    sign_in(client, "caoyang")

    page = client.get("/staff").text

    arrived = page[page.index('id="h-arrived"') : page.index('id="h-feedback"')]
    assert "关于个人信息保护法（草案）的报送收到2条审议结果" in arrived
    assert f'href="/staff/drafts/{scene.draft.hex}/outcomes"' in arrived
    assert "2021-03-14" in arrived


def test_only_the_congress_and_admin_open_the_inbox(client: TestClient, scene: Scene) -> None:
    assert client.get("/congress/inbox", follow_redirects=False).status_code == 303
    sign_in(client, "caoyang")

    assert client.get("/congress/inbox").status_code == 403
    assert client.get(f"/congress/reports/{scene.report_a}").status_code == 403


def _ruling(suggestion_id: UUID, outcome: str) -> Any:
    from domain.decisions import Ruling

    return Ruling(suggestion_id, outcome)
