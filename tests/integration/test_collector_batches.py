"""Collectors (信息员): they record what residents told them, in batches sent when the
network is back, each item once per client key; they read only what they recorded."""

from __future__ import annotations

from datetime import date

import pytest

from domain.contact_point import ContactPoint
from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison
from liaison.commands.batch import BatchItem
from liaison.rights import Actor, ForbiddenError, HiddenError, Role, operator
from tests.records import CAOYANG, HONGQIAO, draft_received

ADMIN = operator("admin")


@pytest.fixture
def town(liaison: Liaison) -> dict:
    app = liaison.app
    a = app.designate_contact_point(*CAOYANG, ADMIN).id
    b = app.designate_contact_point(*HONGQIAO, ADMIN).id
    draft = draft_received(app, deadline=date(2099, 12, 31))
    return {
        "app": app,
        "a": a,
        "b": b,
        "draft": draft,
        "lao_li": Actor("lao_li", Role.COLLECTOR, a),
        "lao_wang": Actor("lao_wang", Role.COLLECTOR, a),
        "staff_a": Actor("staff_a", Role.STAFF, a),
        "queries": liaison.queries,
    }


def item(town: dict, key: str, content: str = "建议增加社区公示", **more: object) -> BatchItem:
    return BatchItem(key, town["a"], town["draft"], content, **more)  # type: ignore[arg-type]


def test_a_batch_sent_twice_records_each_opinion_once(town: dict) -> None:
    app, lao_li = town["app"], town["lao_li"]
    items = [item(town, f"k{n}", f"意见{n}", article=1) for n in range(3)]
    first = app.record_batch(lao_li, items)
    again = app.record_batch(lao_li, items)
    assert [r.status for r in first] == ["created"] * 3
    assert [r.status for r in again] == ["duplicate"] * 3
    assert [r.receipt for r in again] == [r.receipt for r in first]
    assert len(town["queries"].suggestions(town["staff_a"], draft_id=town["draft"])) == 3


def test_one_bad_item_does_not_stop_the_others(town: dict) -> None:
    app, lao_li = town["app"], town["lao_li"]
    results = app.record_batch(
        lao_li,
        [
            item(town, "good-1"),
            item(town, "bad-article", article=99),
            item(town, ""),
            item(town, "blank", "  "),
            BatchItem("other-point", town["b"], town["draft"], "别处的意见"),
            item(town, "good-2"),
        ],
    )
    assert [r.status for r in results] == [
        "created",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "created",
    ]
    assert results[1].errors[0]["field"] == "article"
    assert results[3].errors[0]["field"] == "content"


def test_a_key_reused_for_other_words_is_refused(town: dict) -> None:
    app, lao_li = town["app"], town["lao_li"]
    app.record_batch(lao_li, [item(town, "same", "第一种说法")])
    [result] = app.record_batch(lao_li, [item(town, "same", "第二种说法")])
    assert result.status == "invalid"
    assert result.errors[0]["field"] == "client_key"


def test_two_collectors_keys_never_collide(town: dict) -> None:
    app = town["app"]
    [li] = app.record_batch(town["lao_li"], [item(town, "k1", "老李听到的")])
    [wang] = app.record_batch(town["lao_wang"], [item(town, "k1", "老王听到的")])
    assert (li.status, wang.status) == ("created", "created")
    assert li.receipt != wang.receipt


def test_the_residents_own_words_are_kept_apart_from_the_collectors_note(town: dict) -> None:
    app, lao_li = town["app"], town["lao_li"]
    [result] = app.record_batch(
        lao_li, [item(town, "k", "居民情绪较大，多次提到", said_by="楼道里不能堆杂物")]
    )
    suggestion_id = app.receipts.find(result.receipt)
    suggestion = app.fetch(lao_li, suggestion_id, Suggestion)
    assert suggestion.content == "楼道里不能堆杂物"
    assert suggestion.collector_note == "居民情绪较大，多次提到"
    assert suggestion.channel == "collector"
    assert suggestion.recorded_by == "lao_li"


def test_a_collector_reads_only_what_they_recorded(town: dict) -> None:
    app = town["app"]
    [li] = app.record_batch(town["lao_li"], [item(town, "k", "老李听到的")])
    [wang] = app.record_batch(town["lao_wang"], [item(town, "k", "老王听到的")])
    mine = app.receipts.find(li.receipt)
    theirs = app.receipts.find(wang.receipt)
    assert app.fetch(town["lao_li"], mine, Suggestion).content == "老李听到的"
    with pytest.raises(HiddenError):
        app.fetch(town["lao_li"], theirs, Suggestion)
    with pytest.raises(HiddenError):
        app.fetch(town["lao_li"], town["a"], ContactPoint)
    listed = town["queries"].collected(town["lao_li"])
    assert [row["receipt"] for row in listed] == [li.receipt]


def test_a_collector_records_nothing_but_gathered_opinions(town: dict) -> None:
    app, lao_li = town["app"], town["lao_li"]
    with pytest.raises(ForbiddenError):
        app.record_suggestion(town["a"], town["draft"], "意见", "letter", lao_li)
    with pytest.raises(ForbiddenError):
        app.register_participant(town["a"], "王秀英", "resident", lao_li)
    [by_letter] = app.record_batch(lao_li, [item(town, "letter", channel="letter")])
    assert by_letter.status == "invalid"
    queries = town["queries"]
    with pytest.raises(ForbiddenError):
        app.draft(lao_li, town["draft"])
    for read in (
        lambda: queries.suggestions(lao_li),
        lambda: queries.sessions(lao_li),
        lambda: queries.figures(lao_li, town["a"]),
        lambda: queries.channels(lao_li),
    ):
        with pytest.raises(ForbiddenError):
            read()


def test_staff_send_batches_of_letters_too(town: dict) -> None:
    app = town["app"]
    [result] = app.record_batch(town["staff_a"], [item(town, "row-2", channel="letter")])
    assert result.status == "created"
    suggestion = app.get(app.receipts.find(result.receipt), Suggestion)
    assert suggestion.channel == "letter"


def test_staff_see_opinions_by_channel_and_by_collector(town: dict) -> None:
    app = town["app"]
    app.record_batch(town["lao_li"], [item(town, f"k{n}", f"意见{n}") for n in range(3)])
    app.record_batch(town["lao_wang"], [item(town, "k", "老王听到的")])
    app.record_suggestion(town["a"], town["draft"], "来信", "letter", town["staff_a"])
    seen = town["queries"].channels(town["staff_a"])
    assert seen["channels"] == {"session": 0, "online": 0, "collector": 4, "letter": 1, "phone": 0}
    assert [(c["collector"], c["opinions"]) for c in seen["collectors"]] == [
        ("lao_li", 3),
        ("lao_wang", 1),
    ]
