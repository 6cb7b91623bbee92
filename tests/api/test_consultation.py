"""A client that knows only API.md runs a whole consultation and reads every view."""

from __future__ import annotations

import csv
import io
from datetime import date

from docx import Document

from tests.api.conftest import World
from tests.conftest import FixedClock


def test_a_whole_consultation_through_the_api(world: World, clock: FixedClock) -> None:
    w = world
    draft = w.new_draft()
    assert [a["number"] for a in draft["articles"]] == [1, 2, 3]
    assert draft["status"] == "open"

    person = w.made(
        "staff_a",
        "/api/v1/participants",
        {
            "contact_point_id": w.cp_a,
            "name": "王秀英",
            "kind": "resident",
            "neighbourhood": "曹杨一村",
            "phone": "13812345678",
            "consent_to_contact": True,
        },
    )
    assert person["phone"] == "138****5678"
    session = w.made(
        "staff_a",
        "/api/v1/sessions",
        {
            "contact_point_id": w.cp_a,
            "draft_ids": [draft["id"]],
            "kind": "symposium",
            "title": "个人信息保护法座谈会",
            "starts_at": "2021-03-05T14:00:00+08:00",
        },
    )
    assert session["status"] == "scheduled"
    w.ok(
        w.post(
            "staff_a",
            f"/api/v1/sessions/{session['id']}/attendance",
            {"participant_ids": [person["id"]]},
        )
    )
    held = w.ok(
        w.post("staff_a", f"/api/v1/sessions/{session['id']}/complete", {"minutes": "逐条讨论"})
    )
    assert held["status"] == "held" and held["held_on"] == "2021-03-05"

    said = w.suggestion(
        draft["id"],
        article=2,
        channel="session",
        participant_id=person["id"],
        session_id=session["id"],
        received_on="2021-03-05",
        content="建议增加告知义务",
    )
    again = w.suggestion(draft["id"], article=2, content="建议增加告知义务（同上）")
    off_topic = w.suggestion(draft["id"], article=None, content="小区停车难")
    public = w.comment(draft["id"], article=3, content="建议明确必要原则", name="李四")

    w.ok(w.post("staff_a", f"/api/v1/suggestions/{again['id']}/merge", {"into": said["id"]}))
    revised = w.ok(
        w.post(
            "staff_a",
            f"/api/v1/suggestions/{said['id']}/revise",
            {"content": "建议在第二条增加告知义务"},
        )
    )
    assert revised["original_content"] == "建议增加告知义务"
    w.ok(
        w.post(
            "staff_a",
            f"/api/v1/suggestions/{off_topic['id']}/screen",
            {"decision": "reject", "reason": "与草案无关"},
        )
    )
    w.accept(said["id"])
    clock.day = date(2021, 3, 25)  # business dates run forward: the report goes up ten days on
    report = w.report(draft["id"], [said["id"]], "2021-03-25")
    enacted_text = draft_text_with_change()
    w.ok(w.post("admin", f"/api/v1/drafts/{draft['id']}/close"))
    clock.day = date(2021, 8, 20)  # the law is passed, then decided upon and fed back
    w.ok(
        w.post(
            "congress",
            f"/api/v1/drafts/{draft['id']}/enact",
            {"enacted_on": "2021-08-20", "text": enacted_text},
        )
    )
    decided = w.ok(
        w.post(
            "congress",
            f"/api/v1/suggestions/{said['id']}/outcome",
            {"outcome": "adopted", "final_article": 2},
        )
    )
    assert decided["status"] == "adopted"
    fed = w.ok(
        w.post(
            "staff_a", f"/api/v1/suggestions/{said['id']}/feedback", {"message": "您的意见已被采纳"}
        )
    )
    assert fed["status"] == "fed_back" and fed["outcome"] == "adopted"

    # the figures and the ranking
    stats = w.ok(
        w.get(
            "congress",
            "/api/v1/stats",
            params={"contact_point_id": w.cp_a, "from": "2021-03-01", "to": "2021-03-31"},
        )
    )
    assert stats["sessions"] == 1 and stats["attendances"] == 1 and stats["participants"] == 1
    assert stats["suggestions"]["reported"] == 1 and stats["adopted_total"] == 1
    assert stats["suggestions"]["merged"] == 1 and stats["suggestions"]["rejected"] == 1
    ranking = w.ok(
        w.get("staff_b", "/api/v1/stats/ranking", params={"from": "2021-03-01", "to": "2021-03-31"})
    )
    assert [r["reported"] for r in ranking] == [1, 0] and ranking[0]["contact_point_id"] == w.cp_a

    # the trace: words as first given, rewording, merge, report, outcome, final text
    trace = w.ok(w.get("congress", f"/api/v1/drafts/{draft['id']}/trace"))
    article_two = next(a for a in trace["articles"] if a["number"] == 2)
    traced = {s["id"]: s for s in article_two["suggestions"]}
    survivor = traced[said["id"]]
    assert survivor["original_content"] == "建议增加告知义务"
    assert survivor["content"] == "建议在第二条增加告知义务"
    assert survivor["absorbed"] == [again["id"]]
    assert survivor["report_id"] == report["id"] and survivor["outcome"] == "adopted"
    assert "告知" in survivor["final_article_text"] and "告知" in article_two["final_text"]
    assert traced[again["id"]]["merged_into"] == said["id"]
    assert [s["content"] for s in trace["general"]] == ["小区停车难"]

    # the history straight from the log
    history = w.ok(w.get("staff_a", f"/api/v1/suggestions/{said['id']}/history"))
    assert [h["type"] for h in history] == [
        "Suggestion.Received",
        "Suggestion.Absorbed",
        "Suggestion.Revised",
        "Suggestion.Accepted",
        "Suggestion.Reported",
        "Suggestion.OutcomeRecorded",
        "Suggestion.FedBack",
    ]
    positions = [h["position"] for h in history]
    assert positions == sorted(positions) and None not in positions
    assert history[0]["occurred_on"] == "2021-03-05" and history[0]["actor"] == "staff_a"
    assert history[0]["data"]["content"] == "建议增加告知义务"

    # the public receipts: the resident's own, and the merged one shows the survivor's outcome
    receipt = w.ok(w.client.get(f"/api/v1/public/receipts/{public['receipt']}"))
    assert (
        receipt["status"] == "received" and receipt["article"] == 3 and "李四" not in str(receipt)
    )
    merged = w.ok(w.client.get(f"/api/v1/public/receipts/{again['receipt']}"))
    assert (
        merged["merged"]
        and merged["outcome"] == "adopted"
        and merged["feedback"] == "您的意见已被采纳"
    )
    # told with the one it was merged into, while it stays merged
    assert [s["status"] for s in merged["history"]] == ["received", "merged", "fed_back"]
    assert merged["status"] == "merged"

    # the log and its integrity
    page = w.ok(w.get("congress", "/api/v1/events", params={"limit": 5}))
    assert len(page["items"]) == 5 and page["next"] == page["items"][-1]["position"]
    rest = w.ok(w.get("congress", "/api/v1/events", params={"after": page["next"], "limit": 1000}))
    assert rest["next"] is None
    everything = page["items"] + rest["items"]
    assert all(item["hash"] for item in everything)
    integrity = w.ok(w.get("admin", "/api/v1/integrity"))
    assert integrity == {
        "events": len(everything),
        "head_hash": everything[-1]["hash"],
        "ok": True,
        "first_broken": None,
        "reason": None,
    }

    # the report upward as documents, sealed with the chain's head
    csv_answer = w.get(
        "staff_a", f"/api/v1/reports/{report['id']}/export", params={"format": "csv"}
    )
    assert csv_answer.status_code == 200 and csv_answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_answer.content.decode("utf-8-sig"))))
    assert rows[2][:3] == ["序号", "条款", "意见建议"]
    assert rows[3][1:] == [
        "第二条",
        "建议在第二条增加告知义务",
        "建议增加告知义务",
        "座谈会（个人信息保护法座谈会）",
        "居民",
        "采纳",
        "2",  # persons: itself and the opinion merged into it
    ]
    assert integrity["head_hash"] in rows[-1][0]

    docx_answer = w.get(
        "congress", f"/api/v1/reports/{report['id']}/export", params={"format": "docx"}
    )
    document = Document(io.BytesIO(docx_answer.content))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "条款",
        "意见建议",
        "来源",
        "提出人类别",
        "采纳情况",
        "人数",
    ]
    cells = [c.text for c in table.rows[1].cells]
    assert cells[0] == "1" and cells[1] == "第二条" and cells[5] == "采纳"
    assert "建议在第二条增加告知义务" in cells[2] and "原始意见：建议增加告知义务" in cells[2]
    assert "曹杨新村街道基层立法联系点" in document.paragraphs[0].text
    assert any(integrity["head_hash"] in p.text for p in document.paragraphs)


def draft_text_with_change() -> str:
    from tests.api.conftest import TEXT

    return TEXT.replace("受法律保护。", "受法律保护，处理者应当告知。")
