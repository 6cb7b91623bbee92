"""GET /drafts/{id}/lineage: each article followed through the readings by its text."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import World

SECOND = (
    "中华人民共和国个人信息保护法（草案）\n第一章　总则\n"
    "第一条　为了保护个人信息权益，制定本法。\n"
    "第二条　本法所称个人信息，是指以电子或者其他方式记录的与自然人有关的各种信息。\n"
    "第三条　自然人的个人信息受法律保护。\n（一）姓名；\n（二）电话。\n"
    "第四条　处理个人信息应当遵循合法、正当、必要原则。"
)
FINAL = (
    "中华人民共和国个人信息保护法\n第一章　总则\n"
    "第一条　为了保护个人信息权益，规范个人信息处理活动，制定本法。\n"
    "第二条　本法所称个人信息，是指以电子或者其他方式记录的与自然人有关的各种信息。\n"
    "第三条　国家建立健全个人信息保护制度。\n"
    "第四条　自然人的个人信息受法律保护。\n（一）姓名；\n（二）电话。\n"
    "第五条　处理个人信息应当遵循合法、正当、必要和诚信原则。"
)


def read_twice_and_enact(w: World) -> dict[str, Any]:
    draft = w.new_draft()
    w.ok(w.post("congress", f"/api/v1/drafts/{draft['id']}/close"))
    w.made(
        "congress", f"/api/v1/drafts/{draft['id']}/versions", {"label": "二审稿", "text": SECOND}
    )
    return w.ok(
        w.post(
            "congress",
            f"/api/v1/drafts/{draft['id']}/enact",
            {"enacted_on": "2021-03-15", "text": FINAL},
        )
    )


def test_lineage_follows_renumbered_articles_to_the_law_as_passed(world: World) -> None:
    w = world
    draft = read_twice_and_enact(w)

    lineage = w.ok(w.get("staff_a", f"/api/v1/drafts/{draft['id']}/lineage"))

    assert lineage["versions"] == ["征求意见稿", "二审稿", "final"]
    assert [row["numbers"] for row in lineage["articles"]] == [
        [1, 1, 1],
        [None, 2, 2],
        [None, None, 3],
        [2, 3, 4],
        [3, 4, 5],
    ]
    principles = lineage["articles"][-1]["texts"]
    assert principles[0] == "处理个人信息应当遵循合法、正当、必要原则。"
    assert principles[2] == "处理个人信息应当遵循合法、正当、必要和诚信原则。"
    assert lineage["articles"][1]["texts"][0] is None


def test_lineage_of_a_draft_read_once_is_its_articles(world: World) -> None:
    w = world
    draft = w.new_draft()

    lineage = w.ok(w.get("congress", f"/api/v1/drafts/{draft['id']}/lineage"))

    assert lineage["versions"] == ["征求意见稿"]
    assert [row["numbers"] for row in lineage["articles"]] == [[1], [2], [3]]
    assert lineage["articles"][1]["texts"] == [
        "自然人的个人信息受法律保护。\n（一）姓名；\n（二）电话。"
    ]


def test_lineage_needs_a_sign_in_and_a_known_draft(world: World) -> None:
    w = world
    draft = w.new_draft()

    assert w.get("anonymous", f"/api/v1/drafts/{draft['id']}/lineage").status_code == 401
    unknown = w.get("staff_b", "/api/v1/drafts/00000000-0000-4000-8000-000000000000/lineage")
    assert unknown.status_code == 404
