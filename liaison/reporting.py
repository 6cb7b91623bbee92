"""The sentence a report upward uses, computed from the figures (never typed by hand)."""

from __future__ import annotations

from projections.statistics import Figures


def report_sentence(figures: Figures) -> str:
    drafts = figures.drafts
    parts = []
    if drafts["national"]:
        parts.append(f"国家层面{drafts['national']}部")
    if drafts["municipal"]:
        parts.append(f"市人大{drafts['municipal']}部")
    if drafts["district"]:
        parts.append(f"区人大{drafts['district']}部")
    split = f"（其中{'、'.join(parts)}）" if parts else ""
    return (
        f"共开展了{figures.sessions}场座谈会和立法征询活动，"
        f"先后进行了{drafts['total']}部法律法规草案{split}的立法征询工作，"
        f"参与人数{figures.participants}人，"
        f"提出意见建议{figures.suggestions['received']}条，"
        f"被采纳{figures.adopted_total}条。"
    )
