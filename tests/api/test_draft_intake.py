"""Draft intake: the parse previewed before saving, text read from uploaded files, and the
contact points a draft asks for opinions (assignment), enforced whichever door is used."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain.draft import Draft
from tests.api.conftest import TEXT, World
from tests.records import word_file

V1 = "/api/v1"
DRAFT = {
    "title": "养老服务条例（草案）",
    "level": "municipal",
    "issuer": "市人大常委会法工委",
    "received_on": "2021-03-01",
    "deadline": "2021-03-31",
    "text": TEXT,
}


def _register(world: World, **fields: Any) -> dict[str, Any]:
    return world.ok(world.post("congress", f"{V1}/drafts", DRAFT | fields), 201)  # type: ignore[no-any-return]


def _upload(world: World, name: str, content: bytes, role: str = "congress") -> Any:
    return world.client.post(
        f"{V1}/drafts/text", files={"file": (name, content)}, headers=world.as_(role)
    )


def test_preview_lists_chapters_and_articles_and_saves_nothing(world: World) -> None:
    answer = world.ok(world.post("congress", f"{V1}/drafts/preview", {"text": TEXT}))

    assert answer["chapters"] == ["第一章　总则"]
    assert [a["number"] for a in answer["articles"]] == [1, 2, 3]
    assert answer["articles"][1]["heading"] == "第二条"
    assert answer["articles"][1]["text"].startswith("自然人的个人信息受法律保护。")
    assert [w["kind"] for w in answer["warnings"]] == ["text_before_first_article"]
    assert world.ok(world.get("congress", f"{V1}/drafts")) == []


def test_preview_warns_of_gaps_repeats_and_text_before_the_first_article(world: World) -> None:
    text = "关于草案的说明\n第一条　甲。\n第三条　乙。\n第三条　丙。\n第四条　丁。\n第七条　戊。"

    warnings = world.ok(world.post("congress", f"{V1}/drafts/preview", {"text": text}))["warnings"]

    assert [(w["kind"], w["first"], w["last"], w["blocking"]) for w in warnings] == [
        ("text_before_first_article", None, None, False),
        ("numbering_gap", 2, 2, False),
        ("repeated_number", 3, None, True),
        ("numbering_gap", 5, 6, False),
    ]
    assert warnings[0]["excerpt"] == "关于草案的说明"
    assert "5 to 6" in warnings[3]["message"]


def test_a_text_without_article_headings_is_one_article_with_a_warning(world: World) -> None:
    answer = world.ok(world.post("congress", f"{V1}/drafts/preview", {"text": "全文一段。"}))

    assert [a["number"] for a in answer["articles"]] == [1]
    assert [w["kind"] for w in answer["warnings"]] == ["no_article_headings"]


def test_preview_and_upload_are_for_the_congress_and_admin(world: World) -> None:
    for role, status in (("admin", 200), ("staff_a", 403), ("anonymous", 401)):
        assert world.post(role, f"{V1}/drafts/preview", {"text": TEXT}).status_code == status
        assert _upload(world, "a.txt", b"x", role).status_code == status


def test_a_gb18030_text_file_is_read(world: World) -> None:
    content = TEXT.encode("gb18030")
    assert content != TEXT.encode("utf-8")

    answer = world.ok(_upload(world, "草案.TXT", content))

    assert answer["text"] == TEXT


def test_a_utf8_text_file_is_read_with_or_without_its_bom(world: World) -> None:
    crlf = TEXT.replace("\n", "\r\n").encode("utf-8")
    assert world.ok(_upload(world, "a.txt", crlf))["text"] == TEXT
    assert world.ok(_upload(world, "a.txt", b"\xef\xbb\xbf" + crlf))["text"] == TEXT


def test_a_word_file_is_read_paragraph_by_paragraph(world: World) -> None:
    text = world.ok(_upload(world, "draft.docx", word_file(TEXT)))["text"]

    assert text == TEXT
    preview = world.ok(world.post("congress", f"{V1}/drafts/preview", {"text": text}))
    assert [a["number"] for a in preview["articles"]] == [1, 2, 3]


def test_other_files_are_refused_by_name(world: World) -> None:
    cases = [
        ("draft.pdf", b"%PDF-1.4"),
        ("draft.txt", "第一条".encode("utf-16")),
        ("draft.txt", b"\xff\xfe\x00\x80"),
        ("draft.docx", b"not a zip"),
        ("draft.txt", b""),
    ]
    for name, content in cases:
        answer = _upload(world, name, content)
        assert answer.status_code == 422, (name, answer.text)
        assert answer.json()["detail"].startswith("file: "), answer.text


def test_a_draft_asks_all_contact_points_unless_told(world: World) -> None:
    everyone = _register(world)
    some = _register(world, title="物业条例（草案）", contact_point_ids=[world.cp_b])

    assert sorted(everyone["contact_point_ids"]) == sorted([world.cp_a, world.cp_b])
    assert some["contact_point_ids"] == [world.cp_b]
    assert world.ok(world.get("admin", f"{V1}/drafts/{some['id']}"))["contact_point_ids"] == [
        world.cp_b
    ]


def test_asking_no_or_an_unknown_contact_point_is_refused(world: World) -> None:
    empty = world.post("congress", f"{V1}/drafts", DRAFT | {"contact_point_ids": []})
    unknown = world.post(
        "congress",
        f"{V1}/drafts",
        DRAFT | {"contact_point_ids": ["00000000-0000-4000-8000-000000000000"]},
    )

    assert empty.status_code == 422, empty.text
    assert unknown.status_code == 422, unknown.text
    assert "contact_point_ids" in unknown.text


def test_a_point_not_asked_cannot_record_on_the_draft_by_any_door(world: World) -> None:
    draft = _register(world, contact_point_ids=[world.cp_b])
    world.ok(world.post("congress", f"{V1}/drafts/{draft['id']}/open"))
    opinion = {"draft_id": draft["id"], "content": "建议", "channel": "letter"}

    by_staff = world.post(
        "staff_a", f"{V1}/suggestions", opinion | {"contact_point_id": world.cp_a}
    )
    by_admin = world.post("admin", f"{V1}/suggestions", opinion | {"contact_point_id": world.cp_a})
    by_public = world.post(
        "anonymous",
        f"{V1}/public/drafts/{draft['id']}/comments",
        {"contact_point_id": world.cp_a, "content": "公众意见"},
    )
    session = world.post(
        "staff_a",
        f"{V1}/sessions",
        {
            "contact_point_id": world.cp_a,
            "draft_ids": [draft["id"]],
            "kind": "symposium",
            "title": "座谈会",
            "starts_at": "2021-03-05T14:00:00+08:00",
        },
    )

    for answer in (by_staff, by_admin, by_public, session):
        assert answer.status_code == 422, answer.text
        assert "not asked for opinions on this draft" in answer.json()["detail"]
    assert world.suggestion(draft["id"], role="staff_b", cp=world.cp_b)["status"] == "received"


def test_staff_see_only_the_drafts_that_asked_their_point(world: World) -> None:
    theirs = _register(world, title="只问乙方", contact_point_ids=[world.cp_b])
    everyones = _register(world, title="问所有人")

    listed_a = [d["id"] for d in world.ok(world.get("staff_a", f"{V1}/drafts"))]
    listed_b = [d["id"] for d in world.ok(world.get("staff_b", f"{V1}/drafts"))]
    listed_congress = [d["id"] for d in world.ok(world.get("congress", f"{V1}/drafts"))]

    assert listed_a == [everyones["id"]]
    assert sorted(listed_b) == sorted([theirs["id"], everyones["id"]])
    assert sorted(listed_congress) == sorted(listed_b)
    assert world.get("staff_a", f"{V1}/drafts/{theirs['id']}").status_code == 404
    assert world.get("staff_a", f"{V1}/drafts/{theirs['id']}/trace").status_code == 404
    assert world.ok(world.get("staff_b", f"{V1}/drafts/{theirs['id']}"))["title"] == "只问乙方"


def test_a_draft_recorded_before_assignment_asks_every_point(world: World) -> None:
    # given a Received event as releases before assignment stored it: no contact_point_ids
    app = world.liaison.app
    draft = Draft.receive(
        "旧草案", "national", "法工委", date(2021, 3, 1), date(2021, 3, 31), TEXT, "admin"
    )
    stored = app.mapper.to_stored_event(draft.collect_events()[0])
    state = app.mapper.transcoder.decode(stored.state)
    del state["contact_point_ids"]
    old = StoredEvent(
        stored.originator_id,
        stored.originator_version,
        stored.topic,
        app.mapper.transcoder.encode(state),
    )
    app.recorder.insert_events([old])
    world.liaison.projector.catch_up()

    # then it loads, asks every point, and every point's staff see it and record on it
    loaded = world.ok(world.get("staff_a", f"{V1}/drafts/{draft.id}"))
    assert sorted(loaded["contact_point_ids"]) == sorted([world.cp_a, world.cp_b])
    for role in ("staff_a", "staff_b"):
        assert str(draft.id) in [d["id"] for d in world.ok(world.get(role, f"{V1}/drafts"))]
    assert world.suggestion(str(draft.id))["status"] == "received"
    assert world.suggestion(str(draft.id), role="staff_b", cp=world.cp_b)["status"] == "received"
