"""Campaigns through the API: groups of the same words, merged in one action or not at all."""

from __future__ import annotations

from projections.similarity import letters
from tests.api.conftest import World

SENTENCE = "关于个人信息的范围，建议明确列举敏感信息的种类，并规定处理的条件。"
NEAR = "我认为关于个人信息的范围，建议明确列举敏感信息的种类，并规定处理的条件。望采纳"


def _campaign(world: World, draft_id: str) -> dict[str, list[str]]:
    exact = [
        world.suggestion(draft_id, content=text)["id"]
        for text in (SENTENCE, SENTENCE.replace("，", ", "), f"“{SENTENCE}”", SENTENCE + "  ")
    ]
    near = [world.suggestion(draft_id, content=NEAR)["id"]]
    alone = [world.suggestion(draft_id, content="第三条的处罚太轻，应当提高罚款数额。")["id"]]
    return {"campaign": exact + near, "alone": alone}


def test_groups_put_identical_and_near_identical_opinions_together(world: World) -> None:
    draft = world.new_draft()
    made = _campaign(world, draft["id"])
    # another contact point's copy is not in staff A's groups
    world.suggestion(draft["id"], role="staff_b", cp=world.cp_b, content=SENTENCE)

    groups = world.ok(world.get("staff_a", f"/api/v1/drafts/{draft['id']}/groups"))

    assert len(groups) == 1
    assert groups[0]["size"] == 5
    assert groups[0]["exact"] is False
    assert letters(groups[0]["sample"]) in (letters(SENTENCE), letters(NEAR))
    assert sorted(groups[0]["suggestion_ids"]) == sorted(made["campaign"])
    assert groups[0]["contact_point_id"].replace("-", "") == world.cp_a.replace("-", "")
    everywhere = world.ok(world.get("congress", f"/api/v1/drafts/{draft['id']}/groups"))
    assert [g["size"] for g in everywhere] == [5]  # B's lone copy is no group
    bigger = world.ok(world.get("congress", f"/api/v1/drafts/{draft['id']}/groups?min_size=6"))
    assert bigger == []


def test_a_group_is_merged_in_one_action(world: World) -> None:
    draft = world.new_draft()
    ids = _campaign(world, draft["id"])["campaign"]

    survivor = world.ok(
        world.post("staff_a", "/api/v1/suggestions/merge", {"suggestion_ids": ids, "into": ids[0]})
    )

    assert survivor["id"] == ids[0]
    for other in ids[1:]:
        merged = world.ok(world.get("staff_a", f"/api/v1/suggestions/{other}"))
        assert merged["status"] == "merged"
    assert world.ok(world.get("staff_a", f"/api/v1/drafts/{draft['id']}/groups")) == []


def test_one_refused_member_merges_none_of_the_group(world: World) -> None:
    draft = world.new_draft()
    ids = _campaign(world, draft["id"])["campaign"]
    rejected = {"decision": "reject", "reason": "与草案无关"}
    world.ok(world.post("staff_a", f"/api/v1/suggestions/{ids[-1]}/screen", rejected))

    refused = world.post(
        "staff_a", "/api/v1/suggestions/merge", {"suggestion_ids": ids, "into": ids[0]}
    )

    assert refused.status_code == 409, refused.text
    for other in ids[1:-1]:
        assert world.ok(world.get("staff_a", f"/api/v1/suggestions/{other}"))["status"] in (
            "received",
            "accepted",
        )


def test_groups_and_merges_stay_within_the_staffs_own_point(world: World) -> None:
    draft = world.new_draft()
    ids = _campaign(world, draft["id"])["campaign"]

    other_point = world.get(
        "staff_b", f"/api/v1/drafts/{draft['id']}/groups?contact_point_id={world.cp_a}"
    )
    merge = world.post(
        "staff_b", "/api/v1/suggestions/merge", {"suggestion_ids": ids, "into": ids[0]}
    )
    public = world.get("public", f"/api/v1/drafts/{draft['id']}/groups")
    unknown = world.get("congress", "/api/v1/drafts/00000000000000000000000000000000/groups")

    assert other_point.status_code == 403
    assert merge.status_code == 404
    assert public.status_code == 401
    assert unknown.status_code == 404
