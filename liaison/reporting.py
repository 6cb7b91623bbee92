"""The sentence a report upward uses, computed from the figures (never typed by hand), and the
figures as a table for ``liaison report``."""

from __future__ import annotations

import unicodedata
from datetime import date

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


LABELS = {
    "zh-CN": {
        "scope": "范围",
        "all": "全部联系点",
        "period": "期间",
        "from_start": "开始以来",
        "to_now": "至今",
        "drafts": "征询的草案（部）",
        "national": "  其中国家层面",
        "municipal": "  其中市人大",
        "district": "  其中区人大",
        "sessions": "座谈会和征询活动（场）",
        "attendances": "参加人次",
        "participants": "参与人数",
        "received": "收到意见建议（条）",
        "merged": "  其中与相近意见合并",
        "rejected": "  其中未予报送",
        "reported": "报送（条）",
        "adopted": "  采纳",
        "partially_adopted": "  部分采纳",
        "not_adopted": "  未采纳",
        "awaiting_outcome": "  待人大决定",
        "adopted_total": "采纳合计（含部分采纳）",
        "adoption_rate": "采纳率",
        "fed_back": "已反馈（人次，含合并意见）",
        "feedback_rate": "反馈率",
        "sentence": "报告用语：",
    },
    "en": {
        "scope": "Contact point",
        "all": "all contact points",
        "period": "Period",
        "from_start": "the beginning",
        "to_now": "today",
        "drafts": "Drafts consulted",
        "national": "  national",
        "municipal": "  municipal",
        "district": "  district",
        "sessions": "Sessions held",
        "attendances": "Attendances",
        "participants": "Participants",
        "received": "Opinions received",
        "merged": "  merged with similar ones",
        "rejected": "  not forwarded",
        "reported": "Reported upward",
        "adopted": "  adopted",
        "partially_adopted": "  partially adopted",
        "not_adopted": "  not adopted",
        "awaiting_outcome": "  awaiting decision",
        "adopted_total": "Adopted in total (incl. partly)",
        "adoption_rate": "Adoption rate",
        "fed_back": "Told the outcome (incl. merged)",
        "feedback_rate": "Feedback rate",
        "sentence": "Sentence for the report (in Chinese):",
    },
}


def figures_table(
    figures: Figures,
    scope: str | None,
    start: date | None,
    end: date | None,
    lang: str = "zh-CN",
) -> str:
    """The figures as a clerk reads them: one labelled line each, numbers aligned, and the
    report's sentence below (``liaison report``; ``--json`` gives the raw object)."""
    words = LABELS[lang]
    s = figures.suggestions
    lines: list[tuple[str, str]] = [
        (words["scope"], scope or words["all"]),
        (
            words["period"],
            f"{start or words['from_start']} – {end or words['to_now']}",
        ),
        (words["drafts"], str(figures.drafts["total"])),
        *((words[level], str(figures.drafts[level])) for level in LEVELS),
        (words["sessions"], str(figures.sessions)),
        (words["attendances"], str(figures.attendances)),
        (words["participants"], str(figures.participants)),
        (words["received"], str(s["received"])),
        (words["merged"], str(s["merged"])),
        (words["rejected"], str(s["rejected"])),
        (words["reported"], str(s["reported"])),
        *((words[key], str(s[key])) for key in OUTCOME_KEYS),
        (words["adopted_total"], str(figures.adopted_total)),
        (words["adoption_rate"], f"{figures.adoption_rate:.1%}"),
        (words["fed_back"], str(figures.fed_back)),
        (words["feedback_rate"], f"{figures.feedback_rate:.1%}"),
    ]
    width = max(_width(label) for label, _value in lines)
    table = [f"{label}{' ' * (width - _width(label))}  {value}" for label, value in lines]
    return "\n".join([*table, "", words["sentence"], report_sentence(figures)])


LEVELS = ("national", "municipal", "district")
OUTCOME_KEYS = ("adopted", "partially_adopted", "not_adopted", "awaiting_outcome")


def _width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
