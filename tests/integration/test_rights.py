"""Rights are decided by the application: the same refusals whichever door a call comes
through (here the application itself, as the CLI and any other caller use it)."""

from __future__ import annotations

import pytest

from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison
from liaison.rights import PUBLIC, Actor, ForbiddenError, HiddenError, Role, operator
from projections.statistics import Period
from tests.records import draft_received

TEXT = "第一条　为了保护个人信息权益，制定本法。\n第二条　自然人的个人信息受法律保护。"
ADMIN = operator("admin")
CONGRESS = Actor("congress", Role.CONGRESS)


@pytest.fixture
def city(liaison: Liaison) -> dict:
    app = liaison.app
    a = app.designate_contact_point("曹杨新村街道基层立法联系点", "普陀区", ADMIN)
    b = app.designate_contact_point("虹桥街道基层立法联系点", "长宁区", ADMIN)
    draft = draft_received(app, TEXT, by=CONGRESS)
    staff_a = Actor("staff_a", Role.STAFF, a.id)
    staff_b = Actor("staff_b", Role.STAFF, b.id)
    theirs = app.record_suggestion(b.id, draft, "建议明确告知义务", "letter", staff_b, article=1)
    return {
        "app": app,
        "a": a.id,
        "b": b.id,
        "draft": draft,
        "staff_a": staff_a,
        "staff_b": staff_b,
        "theirs": theirs.id,
        "liaison": liaison,
    }


def test_staff_may_not_record_for_another_contact_point(city: dict) -> None:
    with pytest.raises(ForbiddenError):
        city["app"].record_suggestion(
            city["b"], city["draft"], "意见", "letter", city["staff_a"], article=1
        )
    with pytest.raises(ForbiddenError):
        city["app"].register_participant(city["b"], "王秀英", "resident", city["staff_a"])


def test_another_contact_points_record_does_not_exist_for_staff(city: dict) -> None:
    app, staff_a, theirs = city["app"], city["staff_a"], city["theirs"]

    for attempt in (
        lambda: app.suggestion(staff_a, theirs),
        lambda: app.screen_suggestion(theirs, "accept", staff_a),
        lambda: app.revise_suggestion(theirs, "改写", staff_a),
        lambda: app.send_feedback(theirs, "谢谢", staff_a),
    ):
        with pytest.raises(HiddenError):
            attempt()
    assert app.get(theirs, Suggestion).status.value == "received"  # nothing was changed


def test_a_merge_across_contact_points_is_refused_without_a_trace(city: dict) -> None:
    app, staff_a = city["app"], city["staff_a"]
    mine = app.record_suggestion(city["a"], city["draft"], "意见", "letter", staff_a, article=1)

    with pytest.raises(HiddenError):
        app.merge_suggestion(mine.id, city["theirs"], staff_a)
    assert app.get(mine.id, Suggestion).merged_into is None


def test_each_role_does_only_its_own_work(city: dict) -> None:
    app = city["app"]
    with pytest.raises(ForbiddenError):  # congress decides, it does not record opinions
        app.record_suggestion(city["b"], city["draft"], "意见", "letter", CONGRESS)
    with pytest.raises(ForbiddenError):  # staff do not register drafts
        draft_received(app, TEXT, level="municipal", open_it=False, by=city["staff_a"])
    with pytest.raises(ForbiddenError):  # only admin designates contact points
        app.designate_contact_point("新点", "徐汇区", CONGRESS)
    with pytest.raises(ForbiddenError):  # the public comments, nothing more
        app.screen_suggestion(city["theirs"], "accept", PUBLIC)
    assert app.suggestion(CONGRESS, city["theirs"]).id == city["theirs"]  # congress reads all


def test_queries_are_scoped_by_the_same_rules(city: dict) -> None:
    queries = city["liaison"].queries
    staff_a = city["staff_a"]

    with pytest.raises(ForbiddenError):
        queries.figures(staff_a, city["b"], Period())
    assert queries.figures(staff_a, None, Period()).suggestions["received"] == 0  # own only
    assert queries.figures(CONGRESS, None, Period()).suggestions["received"] == 1
    assert [s["contact_point_id"] for s in queries.suggestions(city["staff_b"])] == [city["b"].hex]
    with pytest.raises(ForbiddenError):
        queries.suggestions(PUBLIC)
    with pytest.raises(ForbiddenError):
        city["liaison"].audit.entries(CONGRESS)
    with pytest.raises(ForbiddenError):
        city["liaison"].ledger.page(staff_a, 0, 10)
