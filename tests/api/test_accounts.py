"""Accounts through the API: created with a one-time password that must be changed first,
listed without secrets, reset, deactivated (its tokens stop at once); contact points renamed;
the audit log filtered."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from liaison.database import users
from tests.api.conftest import PASSWORD, World

NEW_PASSWORD = "my-own-long-password"


def sign_in(world: World, username: str, password: str) -> Any:
    return world.client.post("/api/v1/token", data={"username": username, "password": password})


def bearer(answer: Any) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def create(world: World, username: str, role: str = "staff", cp: str | None = None) -> Any:
    body: dict[str, Any] = {"username": username, "role": role}
    if role == "staff":
        body["contact_point_id"] = cp or world.cp_a
    return world.ok(world.post("admin", "/api/v1/users", body), 201)


def test_a_new_account_has_a_one_time_password_stored_only_as_a_hash(world: World) -> None:
    created = create(world, "zhang.wei")

    assert created["username"] == "zhang.wei" and created["role"] == "staff"
    assert created["contact_point_id"] == world.cp_a
    password = created["one_time_password"]
    assert len(password) >= 12
    with world.liaison.engine.connect() as conn:
        stored = conn.execute(
            select(users.c.password_hash).where(users.c.username == "zhang.wei")
        ).scalar_one()
    assert stored.startswith("$argon2id$") and password not in stored
    assert create(world, "li.na")["one_time_password"] != password


def test_the_one_time_password_must_be_changed_before_anything_else(world: World) -> None:
    password = create(world, "zhang.wei")["one_time_password"]
    first = bearer(sign_in(world, "zhang.wei", password))

    refused = world.client.get("/api/v1/suggestions", headers=first)
    assert refused.status_code == 403
    assert "/api/v1/account/password" in refused.json()["detail"]

    changed = world.client.post(
        "/api/v1/account/password",
        json={"current_password": password, "new_password": NEW_PASSWORD},
        headers=first,
    )
    fresh = bearer(changed)
    assert world.client.get("/api/v1/suggestions", headers=fresh).status_code == 200
    assert world.client.get("/api/v1/suggestions", headers=first).status_code == 401
    assert sign_in(world, "zhang.wei", password).status_code == 401
    assert sign_in(world, "zhang.wei", NEW_PASSWORD).status_code == 200


def test_a_password_change_needs_the_current_password(world: World) -> None:
    answer = world.post(
        "congress",
        "/api/v1/account/password",
        {"current_password": "not-the-password", "new_password": NEW_PASSWORD},
    )

    assert answer.status_code == 422
    assert sign_in(world, "congress", PASSWORD).status_code == 200


def test_accounts_are_listed_without_secrets(world: World) -> None:
    created = create(world, "zhang.wei")

    listed = world.ok(world.get("admin", "/api/v1/users"))

    names = [u["username"] for u in listed]
    assert names == sorted(names) and {"admin", "staff_a", "zhang.wei"} <= set(names)
    mine = next(u for u in listed if u["username"] == "zhang.wei")
    assert mine["must_change_password"] is True and mine["active"] is True
    assert "password" not in str(mine.keys()).replace("must_change_password", "")
    assert created["one_time_password"] not in str(listed)


def test_a_reset_gives_a_new_one_time_password_and_ends_the_old_tokens(world: World) -> None:
    before = world.as_("staff_a")

    reset = world.ok(world.post("admin", "/api/v1/users/staff_a/reset"))

    assert world.client.get("/api/v1/suggestions", headers=before).status_code == 401
    assert sign_in(world, "staff_a", PASSWORD).status_code == 401
    after = bearer(sign_in(world, "staff_a", reset["one_time_password"]))
    assert world.client.get("/api/v1/suggestions", headers=after).status_code == 403


def test_a_deactivated_accounts_token_stops_at_once(world: World) -> None:
    token = world.as_("staff_a")
    assert world.client.get("/api/v1/suggestions", headers=token).status_code == 200

    answer = world.post("admin", "/api/v1/users/staff_a/deactivate")

    assert answer.status_code == 204
    assert world.client.get("/api/v1/suggestions", headers=token).status_code == 401
    assert sign_in(world, "staff_a", PASSWORD).status_code == 401
    listed = world.ok(world.get("admin", "/api/v1/users"))
    assert next(u for u in listed if u["username"] == "staff_a")["active"] is False
    assert world.post("admin", "/api/v1/users/staff_a/reset").status_code == 409


def test_tokens_of_other_accounts_keep_working(world: World) -> None:
    world.ok(world.post("admin", "/api/v1/users/staff_a/deactivate"), 204)

    assert world.get("staff_b", "/api/v1/suggestions").status_code == 200


def test_non_admins_may_not_administer_accounts(world: World) -> None:
    for role in ("congress", "staff_a"):
        assert (
            world.post(role, "/api/v1/users", {"username": "x1", "role": "admin"}).status_code
            == 403
        )
        assert world.get(role, "/api/v1/users").status_code == 403
        assert world.post(role, "/api/v1/users/staff_b/reset").status_code == 403
        assert world.post(role, "/api/v1/users/staff_b/deactivate").status_code == 403
    assert world.get("staff_b", "/api/v1/suggestions").status_code == 200


def test_bad_accounts_are_refused(world: World) -> None:
    cases = [
        ({"username": "admin", "role": "congress"}, 422),  # taken
        ({"username": "x y", "role": "congress"}, 422),
        ({"username": "zhang", "role": "staff"}, 422),  # staff need a contact point
        ({"username": "zhang", "role": "congress", "contact_point_id": world.cp_a}, 422),
        (
            {
                "username": "zhang",
                "role": "staff",
                "contact_point_id": "00000000-0000-4000-8000-000000000000",
            },
            422,
        ),
        ({"username": "zhang", "role": "public"}, 422),
    ]
    for body, status in cases:
        assert world.post("admin", "/api/v1/users", body).status_code == status, body
    assert world.post("admin", "/api/v1/users/nobody/reset").status_code == 404
    assert world.post("admin", "/api/v1/users/admin/deactivate").status_code == 422


def test_a_contact_point_is_renamed_and_keeps_its_records(world: World) -> None:
    draft = world.new_draft()
    world.suggestion(draft["id"])

    renamed = world.ok(
        world.client.patch(
            f"/api/v1/contact-points/{world.cp_a}",
            json={"name": "曹杨新村街道人大工委基层立法联系点"},
            headers=world.as_("admin"),
        )
    )

    assert renamed["id"] == world.cp_a and renamed["district"] == "普陀区"
    listed = world.ok(world.get("staff_a", "/api/v1/contact-points"))
    assert {"id": world.cp_a, "name": renamed["name"], "district": "普陀区"} in listed
    mine = world.ok(world.get("staff_a", "/api/v1/suggestions"))
    assert len(mine) == 1
    refused = world.client.patch(
        f"/api/v1/contact-points/{world.cp_a}",
        json={"name": "别的名字"},
        headers=world.as_("staff_a"),
    )
    assert refused.status_code == 403


def test_the_audit_log_is_filtered_by_actor_action_and_day(world: World) -> None:
    create(world, "zhang.wei")
    sign_in(world, "congress", "wrong password!!")

    def entries(**query: str) -> list[dict[str, Any]]:
        return world.ok(world.get("admin", "/api/v1/audit", params=query))

    created = entries(action="user_created")
    assert [(e["actor"], e["target"]) for e in created][:1] == [("admin", "zhang.wei as staff")]
    assert {e["actor"] for e in entries(actor="congress")} == {"congress"}
    assert {e["outcome"] for e in entries(actor="congress", action="sign_in")} >= {"failed"}
    newest = date.fromisoformat(entries()[0]["at"][:10])  # a UTC day; the filter's are local
    around = {"from": str(newest - timedelta(days=1)), "to": str(newest + timedelta(days=1))}
    assert len(entries(**around)) == len(entries())
    assert entries(**{"from": "2000-01-01", "to": "2000-01-31"}) == []
    assert world.get("admin", "/api/v1/audit", params={"from": "yesterday"}).status_code == 422
