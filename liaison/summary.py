"""The summary a contact point publishes once a law is passed (立法征询情况汇总): per article
of the version consulted, how many spoke, the opinions many people gave together, what was
adopted and the article as enacted. Made from the trace (projections/traceability.py)."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.shared import Mm

from liaison.exports import OUTCOMES, legible

ADOPTED = ("adopted", "partially_adopted")


def as_docx(traced: dict[str, Any], scope: str) -> bytes:
    """``traced``: the trace of an enacted draft's decided suggestions (every article with
    its count); ``scope``: the contact point's name, or every contact point."""
    draft = traced["draft"]
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    document.add_heading(legible(f"《{draft['title']}》立法征询情况汇总"), level=1)
    document.add_paragraph(
        legible(
            f"{scope}：共收到意见建议{traced['suggestion_count']}条，"
            f"被采纳（含部分采纳）{traced['adopted_total']}条；"
            f"法律于{draft['enacted_on']}通过。"
        )
    )
    for article in traced["articles"]:
        document.add_heading(legible(article["heading"] or f"第{article['number']}条"), level=2)
        document.add_paragraph(legible(f"征求意见稿：{article['text']}"))
        document.add_paragraph(f"提出意见建议：{article['suggestion_count']}条")
        decided = [s for s in article["suggestions"] if s["merged_into"] is None]
        for s in (s for s in decided if s["absorbed"]):
            document.add_paragraph(
                legible(f"{1 + len(s['absorbed'])}人提出相同意见：{s['content']}"),
                style="List Bullet",
            )
        for s in (s for s in decided if s["outcome"] in ADOPTED):
            document.add_paragraph(
                legible(f"{OUTCOMES[s['outcome']]}：{s['content']}"), style="List Bullet"
            )
        final = article["final_text"]
        document.add_paragraph(legible(f"通过稿：{final}" if final else "通过稿：（本条已删去）"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
