"""Each article's journey through the readings, on the congress trace and the public wall, for
the demo's draft read twice (an article inserted early each time, so the rest move down)."""

from __future__ import annotations

import html
import random
import re
from datetime import date
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.draft import Draft
from liaison.bootstrap import Liaison
from liaison.demo import catalog
from liaison.demo.readings import read_twice
from liaison.rights import PUBLIC, ForbiddenError, operator
from tests.forms import sign_in
from tests.records import draft_received

PASSWORD = "a-long-test-password"
ADMIN = operator("admin")


@pytest.fixture
def read(liaison: Liaison) -> UUID:
    point = liaison.app.designate_contact_point(
        catalog.CAOYANG, "普陀区", ADMIN, on=date(2020, 1, 1)
    ).id
    liaison.users.add("congress", "congress", PASSWORD, None)
    return read_twice(liaison.app, random.Random(1), {catalog.CAOYANG: point})


def text_of(page: str) -> str:
    """The page as read: tags dropped, whitespace folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    end = page.find("<section", start)
    return page[start : end if end > 0 else len(page)]


def test_the_trace_shows_each_articles_journey_and_its_change_into_the_law(
    client: TestClient, read: UUID
) -> None:
    sign_in(client, "congress")

    page = client.get(f"/congress/drafts/{read}").text

    facilities = text_of(section(page, "article-5"))  # 二审稿第五条, where residents commented
    assert "征求意见稿第四条 → 二审稿第五条 → 通过稿第六条" in facilities
    assert "老旧小区物业没有能力单独建充电设施" in facilities
    # compared with the article it became (第六条), not with the passed text's 第五条
    assert "老旧住宅小区由街道办事处" in facilities and "私拉电线" not in facilities
    assert "二审稿第二条 → 通过稿第二条" in text_of(section(page, "article-2"))
    added = text_of(section(page, "added-5"))
    assert "禁止在住宅楼道" in added


def test_the_wall_shows_the_journey_of_each_article_an_opinion_shaped(
    client: TestClient, read: UUID
) -> None:
    page = client.get(f"/drafts/{read}/wall")  # no sign-in: the wall is public

    assert page.status_code == 200
    facilities = text_of(section(page.text, "final-6"))
    assert "征求意见稿第四条 → 二审稿第五条 → 通过稿第六条" in facilities
    assert "老旧小区物业没有能力单独建充电设施" in facilities
    assert "二审稿第五条" in facilities  # we asked: the article as residents saw it
    covenant = text_of(section(page.text, "final-8"))
    assert "征求意见稿第六条 → 二审稿第七条 → 通过稿第八条" in covenant
    new = text_of(section(page.text, "final-5"))  # an opinion that became a new article
    assert "通过稿第五条" in new and "飞线充电" in new and "二审稿第四条" in new
    assert "半年过渡期" not in page.text  # not adopted: not on the wall

    english = text_of(client.get(f"/drafts/{read}/wall?lang=en").text)
    assert "征求意见稿, article 4 → 二审稿, article 5 → as passed, article 6" in english


def test_an_opinion_on_the_first_reading_follows_its_article_to_the_wall(
    liaison: Liaison, client: TestClient
) -> None:
    app = liaison.app
    title, level, issuer, first, label, second, final, _opinions = catalog.READ_TWICE
    point = app.designate_contact_point(catalog.CAOYANG, "普陀区", ADMIN, on=date(2021, 1, 1)).id
    draft = app.receive_draft(
        title, level, issuer, date(2021, 1, 4), date(2021, 2, 1), first, ADMIN
    ).id
    app.open_draft(draft, ADMIN, on=date(2021, 1, 4))
    said = app.record_suggestion(  # on 征求意见稿第六条, 二审稿第七条 once read again
        point, draft, "公约要有人牵头。", "letter", ADMIN, article=6, received_on=date(2021, 1, 8)
    )
    app.add_draft_version(draft, label, second, ADMIN, on=date(2021, 1, 20))
    app.screen_suggestion(said.id, "accept", ADMIN, on=date(2021, 1, 21))
    app.submit_report(point, draft, [said.id], date(2021, 1, 22), ADMIN)
    app.enact_draft(draft, date(2021, 3, 1), final, ADMIN)
    app.record_outcome(said.id, "adopted", ADMIN, decided_on=date(2021, 3, 1))

    wall = client.get(f"/drafts/{draft}/wall").text

    covenant = text_of(section(wall, "final-8"))
    assert "公约要有人牵头" in covenant and "征求意见稿第六条" in covenant
    assert "，并监督实施" in covenant  # its change into the law, from the second reading


def test_the_public_reads_the_lineage_of_a_law_but_not_of_a_draft(
    liaison: Liaison, read: UUID
) -> None:
    app = liaison.app
    law = app.get(read, Draft)  # enacted
    assert [line.numbers for line in liaison.queries.lineage(PUBLIC, law).lines][5] == [4, 5, 6]
    still_open = app.get(draft_received(app, "第一条　甲。", open_it=False), Draft)

    with pytest.raises(ForbiddenError):
        liaison.queries.lineage(PUBLIC, still_open)
