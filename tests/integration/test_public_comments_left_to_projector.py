"""``LIAISON_LEAVE_PUBLIC_COMMENTS_TO_PROJECTOR``: web workers answer public comments without
bringing the read models up to date; the projector process (``liaison projections run``,
whose loop is ``Projector.catch_up``) shows them. Every other write still reads its own."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison, bootstrap
from liaison.rights import operator
from liaison.settings import Settings
from tests.conftest import FixedClock
from tests.records import CHAPTERED, consultation, projected
from web.app import create_app


@pytest.fixture
def leaving(settings: Settings, clock: FixedClock) -> Iterator[Liaison]:
    wired = bootstrap(
        settings.model_copy(update={"leave_public_comments_to_projector": True}), clock=clock
    )
    yield wired
    wired.close()


def _post(client: TestClient, draft_id: UUID, cp_id: UUID, content: str, key: str) -> dict:  # type: ignore[type-arg]
    answer = client.post(
        f"/api/v1/public/drafts/{draft_id}/comments",
        json={"contact_point_id": str(cp_id), "article": 1, "content": content},
        headers={"Idempotency-Key": key},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_a_public_comment_is_answered_before_projection_and_the_projector_shows_it_after(
    leaving: Liaison,
) -> None:
    cp_id, draft_id = consultation(leaving.app, CHAPTERED)
    with TestClient(create_app(liaison=leaving)) as client:
        shown_before = projected(leaving, draft_id)

        # when a resident comments through the API
        body = _post(client, draft_id, cp_id, "建议增加听证程序", "left-1")

        # then it is answered with its receipt and is in the log, durable
        suggestion_id = leaving.app.receipts.find(body["receipt"])
        assert suggestion_id is not None
        assert leaving.app.get(suggestion_id, Suggestion).content == "建议增加听证程序"
        # but the read models do not show it yet: no catch-up ran in the web worker
        assert projected(leaving, draft_id) == shown_before

        # and once the projector catches up (what ``liaison projections run`` does), they do
        leaving.projector.catch_up()
        assert projected(leaving, draft_id) == shown_before + 1

        # a repeat of the key is answered from the log, the same answer, no second comment
        assert _post(client, draft_id, cp_id, "建议增加听证程序", "left-1") == body
        leaving.projector.catch_up()
        assert projected(leaving, draft_id) == shown_before + 1


def test_staff_writes_still_read_their_own_write_with_the_setting_on(leaving: Liaison) -> None:
    cp_id, draft_id = consultation(leaving.app, CHAPTERED)
    with TestClient(create_app(liaison=leaving)) as client:
        _post(client, draft_id, cp_id, "公众意见", "left-2")
    shown_before = projected(leaving, draft_id)

    # when staff record an opinion said at the contact point
    leaving.app.record_suggestion(cp_id, draft_id, "座谈会意见", "letter", operator("admin"))

    # then the read models show it at once, and the public comment before it too
    assert projected(leaving, draft_id) == shown_before + 2


def test_by_default_a_public_comment_shows_in_the_read_models_when_answered(
    liaison: Liaison,
) -> None:
    cp_id, draft_id = consultation(liaison.app, CHAPTERED)
    assert liaison.settings.leave_public_comments_to_projector is False
    with TestClient(create_app(liaison=liaison)) as client:
        shown_before = projected(liaison, draft_id)
        _post(client, draft_id, cp_id, "建议明确责任", "default-1")
        assert projected(liaison, draft_id) == shown_before + 1
