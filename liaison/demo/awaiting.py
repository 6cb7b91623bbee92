"""A report waiting on the congress's desk, dated from today, so that the inbox is not empty:
虹桥街道 reported its residents' opinions on a municipal draft whose consultation closed last
week, one of them folded into another, and nothing is decided yet. Outside the 2021 figures,
and without a random sequence of its own, so nothing else in the demo moves."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from liaison.application import LiaisonApplication
from liaison.rights import Actor, Role, operator

POINT = "虹桥街道基层立法联系点"
TITLE = "上海市养老服务条例（修正草案）"
TEXT = """上海市养老服务条例（修正草案）
第一章　总则
第一条　为了规范养老服务，满足老年人的养老服务需求，制定本条例。
第二条　本市行政区域内的养老服务及其监督管理，适用本条例。
第三条　养老服务应当坚持政府主导、社会参与、家庭尽责的原则。
第二章　社区居家养老服务
第四条　街道办事处、乡镇人民政府应当统筹设置社区养老服务设施。
第五条　鼓励社区食堂为老年人提供助餐服务，并给予价格优惠。
第六条　本条例自公布之日起施行。"""
OPINIONS = [
    # (article, words, from a registered resident)
    (5, "建议社区食堂提供送餐上门服务，方便行动不便的老人。", True),
    (5, "建议社区食堂给行动不便的老人送餐上门。", False),  # merged into the one above
    (4, "建议养老服务设施优先设在老人集中的老公房小区。", True),
    (None, "建议条例对养老护理员的待遇作出规定，稳定护理队伍。", False),
]


def report_awaiting_decision(app: LiaisonApplication, ids: dict[str, UUID]) -> UUID:
    """Build the report (received 40 days ago, closed 12 days ago, reported 10 days ago)."""
    today = app.clock.today()
    received, deadline = today - timedelta(days=40), today - timedelta(days=12)
    admin = operator("admin")
    point = ids[POINT]
    staff = Actor(f"staff@{POINT}", Role.STAFF, point)
    draft = app.receive_draft(
        TITLE, "municipal", "上海市人大常委会", received, deadline, TEXT, admin
    )
    app.open_draft(draft.id, admin, on=received)
    resident = app.register_participant(
        point, "陈桂英", "resident", staff, neighbourhood="虹储小区", on=received
    )
    made = [
        app.record_suggestion(
            point,
            draft.id,
            words,
            "letter",
            staff,
            article=article,
            participant_id=resident.id if registered else None,
            received_on=received + timedelta(days=5 + index),
        ).id
        for index, (article, words, registered) in enumerate(OPINIONS)
    ]
    survivor, duplicate, *rest = made
    app.merge_suggestion(duplicate, survivor, staff, on=deadline - timedelta(days=3))
    for suggestion in (survivor, *rest):
        app.screen_suggestion(suggestion, "accept", staff, on=deadline - timedelta(days=2))
    app.close_draft(draft.id, admin, on=deadline)
    reported_on = today - timedelta(days=10)
    return app.submit_report(point, draft.id, [survivor, *rest], reported_on, staff).id
