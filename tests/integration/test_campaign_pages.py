"""The screening page's groups of the same words (issue 16): listed largest first with their
members, merged in one action (all the ticked, or none), a member left out by unticking it,
and nothing of another contact point's shown or merged."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.suggestion import Status, Suggestion
from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.records import PASSWORD, add_users, draft_received, two_contact_points
from web.app import create_app
from web.pages import staff_screening

SENTENCE = "建议明确人脸识别设备只能在公共安全需要时安装，并设置显著提示标识。"
COPIES = [
    SENTENCE,
    SENTENCE.replace("，", ", "),
    f"“{SENTENCE}”",
    SENTENCE + "  ",
    SENTENCE.replace("。", "．"),
]
OTHER = "快递面单上不应印出收件人的完整电话号码，应当隐去中间几位。"
ALONE = "第三条的处罚太轻，应当提高罚款数额。"


@dataclass
class Campaign:
    """Five copies of one sentence and three of another at contact point A, one lone opinion."""

    liaison: Liaison
    cp_a: UUID
    cp_b: UUID
    draft: UUID
    copies: list[UUID]
    others: list[UUID]
    alone: UUID

    def get(self, suggestion_id: UUID) -> Suggestion:
        return self.liaison.app.get(suggestion_id, Suggestion)

    @property
    def screening(self) -> str:
        return f"/staff/drafts/{self.draft}/screening"

    @property
    def merge(self) -> str:
        return f"/staff/drafts/{self.draft}/groups/merge"


@pytest.fixture
def campaign(liaison: Liaison) -> Campaign:
    app = liaison.app
    a, b = two_contact_points(app)
    add_users(liaison, ("admin", "admin", None), ("staff_a", "staff", a), ("staff_b", "staff", b))
    draft = draft_received(app)
    copies = [app.comment_publicly(draft, a, text).id for text in COPIES]
    others = [
        app.record_suggestion(a, draft, OTHER, "letter", operator("staff_a")).id for _ in range(3)
    ]
    alone = app.comment_publicly(draft, a, ALONE).id
    app.comment_publicly(draft, b, SENTENCE)  # B's one copy is no group of A's
    return Campaign(liaison, a, b, draft, copies, others, alone)


Browser = Callable[[str], TestClient]


@pytest.fixture
def browser(liaison: Liaison, campaign: Campaign) -> Iterator[Browser]:
    """A fresh browser per call, signed in as the named user."""
    site = create_app(liaison=liaison)
    with ExitStack() as stack:

        def open_as(username: str) -> TestClient:
            client = stack.enter_context(TestClient(site))
            token = csrf_of(client.get("/login").text)
            signed = client.post(
                "/login",
                data={"username": username, "password": PASSWORD, "csrf_token": token},
                follow_redirects=False,
            )
            assert signed.status_code == 303, signed.text
            return client

        yield open_as


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def group_of(page: str, member: UUID) -> str:
    """The HTML of the group that lists ``member``."""
    at = page.index(f'id="in-{member.hex}"')
    start = page.rindex('<article class="campaign"', 0, at)
    return page[start : page.index("</article>", at)]


def ticked(group: str) -> list[str]:
    return re.findall(r'name="suggestion_ids" value="([0-9a-f]{32})" checked', group)


def kept(group: str) -> list[str]:
    return re.findall(r'name="into" value="([0-9a-f]{32})" checked', group)


def merge(client: TestClient, c: Campaign, ids: list[UUID], into: UUID, query: str = "") -> Any:
    """Post a group's merge as the page's form does, with the session's CSRF token."""
    token = csrf_of(client.get(c.screening).text)
    data = {"csrf_token": token, "suggestion_ids": [i.hex for i in ids], "into": into.hex}
    return client.post(c.merge + query, data=data, follow_redirects=False)


def statuses(c: Campaign, ids: list[UUID]) -> list[Status]:
    return [c.get(i).status for i in ids]


def test_the_screening_page_lists_groups_largest_first_with_their_members(
    browser: Browser, campaign: Campaign
) -> None:
    page = browser("staff_a").get(campaign.screening).text

    assert page.index("5条意见文字相同") < page.index("3条意见文字相同")
    group = group_of(page, campaign.copies[0])
    receipts = [campaign.get(i).receipt for i in campaign.copies]
    assert all(r in group for r in receipts)
    assert ticked(group) == [i.hex for i in campaign.copies]  # every member ticked at first
    assert kept(group) == [campaign.copies[0].hex]  # the earliest is kept unless chosen
    assert "完全相同" in group and "网上" in group and "2021-03-15" in group
    assert "合并这一组" in group and "<details>" in group
    assert ALONE not in page.split('id="queue"')[0]  # a lone opinion is no group


def test_merging_a_group_merges_every_ticked_member_into_the_one_kept(
    browser: Browser, campaign: Campaign
) -> None:
    staff = browser("staff_a")
    kept_one = campaign.copies[2]

    answer = merge(staff, campaign, campaign.copies, kept_one)

    assert answer.status_code == 303
    others = [i for i in campaign.copies if i != kept_one]
    assert statuses(campaign, others) == [Status.MERGED] * 4
    assert sorted(campaign.get(kept_one).absorbed) == sorted(others)
    assert campaign.get(kept_one).status is Status.RECEIVED
    after = staff.get(answer.headers["location"]).text
    assert f"已将4条意见合并到{campaign.get(kept_one).receipt}。" in after
    assert 'id="in-' + campaign.copies[0].hex not in after  # the group is gone
    assert "3条意见文字相同" in after  # the other group is still there


def test_an_unticked_member_stays_out_of_the_merge(browser: Browser, campaign: Campaign) -> None:
    left_out = campaign.copies[3]
    ticked_ones = [i for i in campaign.copies if i != left_out]

    answer = merge(browser("staff_a"), campaign, ticked_ones, campaign.copies[0])

    assert answer.status_code == 303
    assert campaign.get(left_out).status is Status.RECEIVED
    assert statuses(campaign, ticked_ones[1:]) == [Status.MERGED] * 3


def test_the_opinion_kept_must_be_ticked_and_one_alone_is_no_merge(
    browser: Browser, campaign: Campaign
) -> None:
    staff = browser("staff_a")
    first, rest = campaign.copies[0], campaign.copies[1:]

    unticked_keep = merge(staff, campaign, rest, first)
    one_alone = merge(staff, campaign, [first], first)

    assert unticked_keep.status_code == 422
    assert "要保留的意见必须是勾选的意见之一。" in group_of(unticked_keep.text, first)
    assert one_alone.status_code == 422 and "请至少勾选两条意见" in one_alone.text
    assert statuses(campaign, campaign.copies) == [Status.RECEIVED] * 5


def test_another_points_staff_can_neither_see_nor_merge_the_group(
    browser: Browser, campaign: Campaign
) -> None:
    staff_b = browser("staff_b")

    asked = staff_b.get(f"{campaign.screening}?contact_point_id={campaign.cp_a}")
    own = staff_b.get(campaign.screening)
    merged = merge(staff_b, campaign, campaign.copies, campaign.copies[0])
    smuggled = merge(
        staff_b,
        campaign,
        campaign.copies,
        campaign.copies[0],
        query=f"?contact_point_id={campaign.cp_a}",
    )

    assert asked.status_code == 404
    assert own.status_code == 200 and 'id="groups"' not in own.text
    assert merged.status_code == 404 and smuggled.status_code == 404
    assert statuses(campaign, campaign.copies) == [Status.RECEIVED] * 5


def test_a_stale_form_says_which_opinion_changed_and_merges_nothing(
    browser: Browser, campaign: Campaign
) -> None:
    staff = browser("staff_a")
    page = staff.get(campaign.screening).text
    form_ids = [UUID(i) for i in ticked(group_of(page, campaign.copies[0]))]
    gone = campaign.copies[4]
    # meanwhile, a colleague merges one member into another opinion
    campaign.liaison.app.merge_suggestion(gone, campaign.alone, operator("staff_a"))

    answer = merge(staff, campaign, form_ids, campaign.copies[1])

    assert answer.status_code == 422
    group = group_of(answer.text, campaign.copies[0])
    assert "未合并任何意见" in group and campaign.get(gone).receipt in group
    assert statuses(campaign, campaign.copies[:4]) == [Status.RECEIVED] * 4
    assert ticked(group) == [i.hex for i in campaign.copies[:4]]  # the ticks are kept
    assert kept(group) == [campaign.copies[1].hex]  # and the choice of the one kept


def test_a_group_merge_without_the_csrf_token_is_refused(
    browser: Browser, campaign: Campaign
) -> None:
    answer = browser("staff_a").post(
        campaign.merge,
        data={"suggestion_ids": [i.hex for i in campaign.copies], "into": campaign.copies[0].hex},
        follow_redirects=False,
    )

    assert answer.status_code == 403
    assert statuses(campaign, campaign.copies) == [Status.RECEIVED] * 5


def test_an_admin_merges_a_group_at_the_desk_they_chose(
    browser: Browser, campaign: Campaign
) -> None:
    admin = browser("admin")
    page = admin.get(f"{campaign.screening}?contact_point_id={campaign.cp_a}").text
    assert "5条意见文字相同" in page
    token = csrf_of(page)

    answer = admin.post(
        f"{campaign.merge}?contact_point_id={campaign.cp_a}",
        data={
            "csrf_token": token,
            "suggestion_ids": [i.hex for i in campaign.others],
            "into": campaign.others[0].hex,
        },
        follow_redirects=False,
    )

    assert answer.status_code == 303
    assert f"contact_point_id={campaign.cp_a}" in answer.headers["location"]
    assert statuses(campaign, campaign.others[1:]) == [Status.MERGED] * 2


def test_a_large_group_lists_its_first_members_and_says_the_rest_come_again(
    browser: Browser, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_screening, "MEMBERS_SHOWN", 3)

    page = browser("staff_a").get(campaign.screening).text

    at = page.index("5条意见文字相同")
    group = page[page.rindex('<article class="campaign"', 0, at) : page.index("</article>", at)]
    assert len(ticked(group)) == 3
    assert set(ticked(group)) <= {i.hex for i in campaign.copies}
    assert "共5条，这里列出前3条：合并后，其余的会重新成组。" in group


def test_the_groups_read_in_english_too(browser: Browser, campaign: Campaign) -> None:
    page = browser("staff_a").get(f"{campaign.screening}?lang=en").text

    assert "5 opinions in the same words" in page and "Merge this group" in page
    assert "Keep this one" in page
