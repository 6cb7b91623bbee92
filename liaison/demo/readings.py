"""The demo's draft read twice: a first reading, a second that inserts an article early (the
rest move down one), opinions from 曹杨 on the second reading, and a law as passed that
inserts another, so the trace and the wall show each article's journey through the readings.
Dated from today, long after the 2021 year the demo's published figures describe."""

from __future__ import annotations

import random
from datetime import date, timedelta
from uuid import UUID

from liaison.application import LiaisonApplication
from liaison.demo import catalog
from liaison.rights import Actor, Role, operator

ADMIN = operator("admin")
CONGRESS = Actor("congress", Role.CONGRESS)

FEEDBACK = {
    "adopted": "您的意见已被采纳，请在法条墙上查看条文的变化。",
    "partially_adopted": "您的意见已被部分采纳，体现在通过稿中。",
    "not_adopted": "您的意见经研究未予采纳，感谢您的参与。",
}


def read_twice(app: LiaisonApplication, rng: random.Random, ids: dict[str, UUID]) -> UUID:
    """Receive, read again, consult, report, enact and decide; returns the draft's id."""
    title, level, issuer, first, label, second, final, opinions = catalog.READ_TWICE
    today: date = app.clock.today()
    received, revised = today - timedelta(days=240), today - timedelta(days=200)
    deadline, enacted = today - timedelta(days=170), today - timedelta(days=120)
    caoyang = ids[catalog.CAOYANG]
    staff = Actor(f"staff@{catalog.CAOYANG}", Role.STAFF, caoyang)
    draft = app.receive_draft(title, level, issuer, received, deadline, first, ADMIN)
    app.add_draft_version(draft.id, label, second, ADMIN, on=revised)
    app.open_draft(draft.id, ADMIN, on=revised)
    recorded = []
    for article, words, outcome, final_article in opinions:
        suggestion = app.record_suggestion(
            caoyang,
            draft.id,
            words,
            rng.choice(("letter", "collector", "online")),
            staff,
            article=article,
            received_on=revised + timedelta(days=rng.randint(2, 25)),
        )
        app.screen_suggestion(suggestion.id, "accept", staff, on=deadline - timedelta(days=2))
        recorded.append((suggestion.id, outcome, final_article))
    app.close_draft(draft.id, ADMIN, on=deadline)
    app.submit_report(caoyang, draft.id, [s for s, _o, _f in recorded], deadline, staff)
    app.enact_draft(draft.id, enacted, final, ADMIN)
    for suggestion_id, outcome, final_article in recorded:
        app.record_outcome(
            suggestion_id, outcome, CONGRESS, final_article=final_article, decided_on=enacted
        )
        app.send_feedback(
            suggestion_id, FEEDBACK[outcome], staff, sent_on=enacted + timedelta(days=7)
        )
    return draft.id
