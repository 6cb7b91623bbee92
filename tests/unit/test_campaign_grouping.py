"""Grouping a campaign: the same words however written, and near copies, found together."""

from __future__ import annotations

from benchmarks.campaign import generate, pair_scores
from projections.campaigns import Text, clusters, group


def test_width_quotes_punctuation_and_spaces_do_not_tell_copies_apart() -> None:
    texts = [
        "建议延长期限。",
        "“建议 延长期限”！",
        "ＡＰＰ应当提供关闭个性化推荐的选项",
        "app 应当提供关闭个性化推荐的选项。",
        "完全不同的话",
    ]

    found = group([Text(str(i), t) for i, t in enumerate(texts)])

    assert [(g["size"], g["exact"]) for g in found] == [(2, True), (2, True)]
    assert {tuple(g["suggestion_ids"]) for g in found} == {("0", "1"), ("2", "3")}


def test_a_generated_campaign_is_found_with_its_pairs_right() -> None:
    texts, truth = generate(3000)

    precision, recall = pair_scores(clusters(texts), truth)

    assert precision >= 0.95
    assert recall >= 0.95


def test_unrelated_opinions_stay_alone() -> None:
    texts = [
        "第三条的处罚太轻，应当提高罚款数额。",
        "建议保留线下办理渠道，方便老年人。",
        "希望明确主管部门。",
    ]

    assert group([Text(str(i), t) for i, t in enumerate(texts)]) == []
