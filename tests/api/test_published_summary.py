"""The summary a contact point publishes after enactment: per article, how many spoke, the
opinions given together, what was adopted and the final text."""

from __future__ import annotations

import io
from datetime import date
from uuid import UUID

from docx import Document

from liaison.rights import operator
from tests.api.conftest import TEXT, World
from tests.api.test_decisions import decide
from tests.api.test_feedback import a_decided_report

ADMIN = operator("admin")
FINAL = TEXT.replace("制定本法。", "制定本法。个人信息的范围由本法规定。")


def test_the_summary_shows_each_article_its_voices_groups_adoptions_and_final_text(
    world: World,
) -> None:
    w = world
    made = a_decided_report(w)  # on article 1: one adopted with two copies, one not adopted
    draft_id = made["first"]["draft_id"]
    w.liaison.app.enact_draft(UUID(draft_id), date(2021, 3, 20), FINAL, ADMIN)

    answer = w.get("staff_a", f"/api/v1/drafts/{draft_id}/summary.docx")

    assert answer.status_code == 200, answer.text
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert "立法征询情况汇总" in text and "曹杨新村街道基层立法联系点" in text
    assert "提出意见建议：5条" in text  # article 1: three reported, two merged in
    assert "3人提出相同意见：建议明确个人信息的范围。" in text
    assert (
        "采纳：建议明确个人信息的范围。" in text
        and "建议删去第三条" not in text.split("采纳：")[-1]
    )
    assert "通过稿：为了保护个人信息权益，制定本法。个人信息的范围由本法规定。" in text


def test_there_is_no_summary_before_the_law_is_passed(world: World) -> None:
    w = world
    made = a_decided_report(w)

    answer = w.get("congress", f"/api/v1/drafts/{made['first']['draft_id']}/summary.docx")

    assert answer.status_code == 409


def test_staff_of_another_point_see_only_their_own_voices(world: World) -> None:
    w = world
    made = a_decided_report(w)
    draft_id = made["first"]["draft_id"]
    third = {"suggestion_id": made["third"]["id"], "outcome": "adopted"}
    w.ok(decide(w, "congress", made["report"]["id"], third))
    w.liaison.app.enact_draft(UUID(draft_id), date(2021, 3, 20), FINAL, ADMIN)

    answer = w.get("staff_b", f"/api/v1/drafts/{draft_id}/summary.docx")

    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert "虹桥街道基层立法联系点" in text and "提出意见建议：0条" in text
    assert "建议明确个人信息的范围" not in text
