"""A public comment is readable at once: its receipt, its answer, the staff's lists."""

from __future__ import annotations

from tests.api.conftest import World


def test_a_comment_s_receipt_is_found_at_once(world: World) -> None:
    draft = world.new_draft()

    answer = world.ok(
        world.client.post(
            f"/api/v1/public/drafts/{draft['id']}/comments",
            json={"contact_point_id": world.cp_a, "article": 2, "content": "建议写明保存期限"},
            headers={"Idempotency-Key": "at-once"},
        ),
        201,
    )
    followed = world.ok(world.client.get(f"/api/v1/public/receipts/{answer['receipt']}"))

    assert answer["status"] == followed["status"] == "received"
    assert followed["article"] == answer["article"] == 2
    assert followed["draft_title"] == draft["title"]
    listed = world.ok(world.get("staff_a", "/api/v1/suggestions", params={"draft_id": draft["id"]}))
    assert [s["content"] for s in listed] == ["建议写明保存期限"]
