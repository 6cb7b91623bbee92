"""The congress's inbox and its decisions on a report: all or nothing, each bad item named."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.conftest import World


def reported(
    w: World,
    draft_id: str,
    *contents: str,
    role: str = "staff_a",
    cp: str | None = None,
    on: str = "2021-03-20",
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A report carrying one accepted suggestion per content, and those suggestions; the
    clock is moved on to the day of the report (business dates run forward)."""
    made = [w.suggestion(draft_id, role=role, cp=cp, content=c) for c in contents]
    w.liaison.app.clock.day = max(w.liaison.app.clock.day, date.fromisoformat(on))  # type: ignore[attr-defined]
    for s in made:
        w.accept(s["id"], role)
    return w.report(draft_id, [s["id"] for s in made], on, role, cp), made


def decide(w: World, role: str, report_id: str, *decisions: dict[str, Any]) -> Any:
    return w.post(role, f"/api/v1/reports/{report_id}/decisions", {"decisions": list(decisions)})


def status_of(w: World, suggestion_id: str) -> tuple[str, str | None]:
    s = w.ok(w.get("admin", f"/api/v1/suggestions/{suggestion_id}"))
    return s["status"], s["outcome"]


def test_the_inbox_lists_reports_from_every_point_newest_first_with_counts(world: World) -> None:
    w = world
    draft = w.new_draft()
    older, _ = reported(w, draft["id"], "建议一", "建议二", on="2021-03-18")
    newer, _ = reported(w, draft["id"], "建议三", role="staff_b", cp=w.cp_b, on="2021-03-21")

    inbox = w.ok(w.get("congress", "/api/v1/reports"))

    assert [r["id"] for r in inbox] == [newer["id"], older["id"]]
    first = inbox[1]
    assert (first["contact_point_id"], first["draft_id"]) == (w.cp_a, draft["id"])
    assert (first["submitted_on"], first["suggestions"], first["decided"]) == ("2021-03-18", 2, 0)
    assert first["draft_title"] == draft["title"] and "曹杨" in first["contact_point_name"]
    one_point = w.ok(w.get("congress", "/api/v1/reports", params={"contact_point_id": w.cp_b}))
    assert [r["id"] for r in one_point] == [newer["id"]]


def test_the_inbox_filters_awaiting_and_decided(world: World) -> None:
    w = world
    draft = w.new_draft()
    waiting, _ = reported(w, draft["id"], "建议一")
    done, [s] = reported(w, draft["id"], "建议二")
    w.ok(decide(w, "congress", done["id"], {"suggestion_id": s["id"], "outcome": "adopted"}))

    def ids(status: str) -> list[str]:
        answer = w.ok(w.get("congress", "/api/v1/reports", params={"status": status}))
        return [r["id"] for r in answer]

    assert ids("awaiting_decision") == [waiting["id"]]
    assert ids("decided") == [done["id"]]
    assert w.get("congress", "/api/v1/reports", params={"status": "lost"}).status_code == 422


def test_staff_see_only_their_own_points_reports(world: World) -> None:
    w = world
    draft = w.new_draft()
    own, _ = reported(w, draft["id"], "建议一")
    reported(w, draft["id"], "建议二", role="staff_b", cp=w.cp_b)

    assert [r["id"] for r in w.ok(w.get("staff_a", "/api/v1/reports"))] == [own["id"]]
    other = w.get("staff_a", "/api/v1/reports", params={"contact_point_id": w.cp_b})
    assert other.status_code == 403
    assert w.get("anonymous", "/api/v1/reports").status_code == 401


def test_a_report_is_decided_at_once_and_each_event_says_who_decided(world: World) -> None:
    w = world
    draft = w.new_draft()
    report, [a, b, c] = reported(w, draft["id"], "建议一", "建议二", "建议三")

    answer = w.ok(
        decide(
            w,
            "congress",
            report["id"],
            {"suggestion_id": a["id"], "outcome": "adopted", "final_article": 2},
            {"suggestion_id": b["id"], "outcome": "partially_adopted", "note": "部分吸收"},
            {"suggestion_id": c["id"], "outcome": "not_adopted"},
        )
    )

    assert answer == {
        "report_id": report["id"],
        "recorded": [a["id"], b["id"], c["id"]],
        "unchanged": [],
    }
    assert [status_of(w, s["id"]) for s in (a, b, c)] == [
        ("adopted", "adopted"),
        ("partially_adopted", "partially_adopted"),
        ("not_adopted", "not_adopted"),
    ]
    history = w.ok(w.get("admin", f"/api/v1/suggestions/{a['id']}/history"))
    assert history[-1]["type"] == "Suggestion.OutcomeRecorded"
    assert history[-1]["actor"] == "congress" and history[-1]["data"]["final_article"] == 2
    [summary] = w.ok(w.get("congress", "/api/v1/reports"))
    assert (summary["suggestions"], summary["decided"]) == (3, 3)


def test_one_bad_decision_records_none_and_every_bad_item_is_named(world: World) -> None:
    w = world
    draft = w.new_draft()
    report, [a, b] = reported(w, draft["id"], "建议一", "建议二")
    _, [elsewhere] = reported(w, draft["id"], "另一份报送里的建议")

    answer = decide(
        w,
        "congress",
        report["id"],
        {"suggestion_id": a["id"], "outcome": "adopted"},
        {"suggestion_id": "00000000-0000-4000-8000-000000000000", "outcome": "adopted"},
        {"suggestion_id": elsewhere["id"], "outcome": "adopted"},
        {"suggestion_id": b["id"], "outcome": "adopted", "final_article": 99},
        {"suggestion_id": a["id"], "outcome": "not_adopted"},
    )

    assert answer.status_code == 422, answer.text
    named = {(tuple(p["loc"]), p["suggestion_id"]) for p in answer.json()["detail"]}
    assert named == {
        (("body", "decisions", 1, "suggestion_id"), "00000000-0000-4000-8000-000000000000"),
        (("body", "decisions", 2, "suggestion_id"), elsewhere["id"]),
        (("body", "decisions", 3, "final_article"), b["id"]),
        (("body", "decisions", 4, "suggestion_id"), a["id"]),
    }
    assert [status_of(w, s["id"]) for s in (a, b, elsewhere)] == [("reported", None)] * 3


def test_a_bad_outcome_is_refused_by_its_position(world: World) -> None:
    w = world
    draft = w.new_draft()
    report, [a, b] = reported(w, draft["id"], "建议一", "建议二")

    answer = decide(
        w,
        "congress",
        report["id"],
        {"suggestion_id": a["id"], "outcome": "adopted"},
        {"suggestion_id": b["id"], "outcome": "maybe"},
    )

    assert answer.status_code == 422
    assert [e["loc"] for e in answer.json()["detail"]] == [["body", "decisions", 1, "outcome"]]
    assert status_of(w, a["id"]) == ("reported", None)


def test_the_final_article_may_be_one_of_the_law_as_passed(world: World) -> None:
    w = world
    draft = w.new_draft()
    report, [a] = reported(w, draft["id"], "建议一")
    enacted = "第一条　目的。\n第二条　范围。\n第三条　原则。\n第四条　新增的告知义务。"
    w.ok(
        w.post(
            "admin",
            f"/api/v1/drafts/{draft['id']}/enact",
            {"enacted_on": "2021-03-20", "text": enacted},
        )
    )

    w.ok(
        decide(
            w,
            "congress",
            report["id"],
            {"suggestion_id": a["id"], "outcome": "adopted", "final_article": 4},
        )
    )

    assert status_of(w, a["id"]) == ("adopted", "adopted")


def test_deciding_again_the_same_way_changes_nothing(world: World) -> None:
    w = world
    draft = w.new_draft()
    report, [a, b] = reported(w, draft["id"], "建议一", "建议二")
    first = {"suggestion_id": a["id"], "outcome": "adopted", "final_article": 1, "note": "采纳"}
    w.ok(decide(w, "congress", report["id"], first))
    events = len(w.ok(w.get("admin", f"/api/v1/suggestions/{a['id']}/history")))

    again = w.ok(
        decide(
            w, "congress", report["id"], first, {"suggestion_id": b["id"], "outcome": "not_adopted"}
        )
    )

    assert (again["recorded"], again["unchanged"]) == ([b["id"]], [a["id"]])
    assert len(w.ok(w.get("admin", f"/api/v1/suggestions/{a['id']}/history"))) == events


def test_deciding_otherwise_is_a_conflict_and_records_nothing(world: World) -> None:
    w = world
    draft = w.new_draft()
    report, [a, b] = reported(w, draft["id"], "建议一", "建议二")
    w.ok(decide(w, "congress", report["id"], {"suggestion_id": a["id"], "outcome": "adopted"}))

    answer = decide(
        w,
        "congress",
        report["id"],
        {"suggestion_id": b["id"], "outcome": "adopted"},
        {"suggestion_id": a["id"], "outcome": "not_adopted"},
    )

    assert answer.status_code == 409 and a["id"] in answer.json()["detail"]
    assert status_of(w, a["id"]) == ("adopted", "adopted")
    assert status_of(w, b["id"]) == ("reported", None)


def test_suggestions_merged_into_a_decided_one_share_its_outcome(world: World) -> None:
    w = world
    draft = w.new_draft()
    survivor = w.suggestion(draft["id"], content="建议明确告知义务")
    duplicate = w.suggestion(draft["id"], content="建议明确告知义务！")
    w.ok(
        w.post("staff_a", f"/api/v1/suggestions/{duplicate['id']}/merge", {"into": survivor["id"]})
    )
    w.accept(survivor["id"])
    report = w.report(draft["id"], [survivor["id"]])

    w.ok(
        decide(
            w,
            "congress",
            report["id"],
            {"suggestion_id": survivor["id"], "outcome": "partially_adopted", "final_article": 2},
        )
    )

    receipt = w.ok(w.client.get(f"/api/v1/public/receipts/{duplicate['receipt']}"))
    assert receipt["merged"] and receipt["outcome"] == "partially_adopted"
    trace = w.ok(w.get("congress", f"/api/v1/drafts/{draft['id']}/trace"))
    traced = {s["id"]: s for a in trace["articles"] for s in a["suggestions"]}
    assert traced[duplicate["id"]]["status"] == "merged"
    assert (traced[duplicate["id"]]["outcome"], traced[duplicate["id"]]["final_article"]) == (
        "partially_adopted",
        2,
    )


def test_staff_record_their_own_points_decisions_told_offline_and_no_other(world: World) -> None:
    w = world
    draft = w.new_draft()
    report, [a] = reported(w, draft["id"], "建议一")
    told = {"suggestion_id": a["id"], "outcome": "not_adopted", "note": "电话告知"}

    assert decide(w, "staff_b", report["id"], told).status_code == 404
    w.ok(decide(w, "staff_a", report["id"], told))

    history = w.ok(w.get("staff_a", f"/api/v1/suggestions/{a['id']}/history"))
    assert history[-1]["actor"] == "staff_a" and history[-1]["data"]["note"] == "电话告知"
    assert decide(w, "anonymous", report["id"], told).status_code == 401


def test_an_unknown_report_is_not_found(world: World) -> None:
    w = world
    answer = decide(
        w,
        "congress",
        "00000000-0000-4000-8000-000000000000",
        {"suggestion_id": "00000000-0000-4000-8000-000000000001", "outcome": "adopted"},
    )
    assert answer.status_code == 404
