"""From a resident's words to the final article: per draft and article, each suggestion with
its first words, its rewording, what was merged into it, the report that carried it, the
congress's decision and the article as enacted."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from domain.draft import Draft, DraftStatus
from projections.listings import absorbed_by
from projections.tables import suggestions


def trace(conn: Connection, draft: Draft, contact_point_id: UUID | None = None) -> dict[str, Any]:
    query = select(suggestions).where(suggestions.c.draft_id == draft.id.hex)
    if contact_point_id is not None:
        query = query.where(suggestions.c.contact_point_id == contact_point_id.hex)
    rows = [
        dict(r._mapping)
        for r in conn.execute(query.order_by(suggestions.c.received_on, suggestions.c.id))
    ]
    absorbed = absorbed_by(conn, [r["id"] for r in rows])
    enacted = draft.current if draft.status is DraftStatus.ENACTED else None
    final_texts = {a.number: a.text for a in enacted.articles} if enacted else {}

    by_article: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        final_article = row["final_article"]
        by_article[row["article"]].append(
            {
                "id": str(UUID(row["id"])),
                "receipt": row["receipt"],
                "content": row["content"],
                "original_content": row["original_content"],
                "status": row["status"],
                "channel": row["channel"],
                "received_on": row["received_on"],
                "outcome": row["outcome"],
                "report_id": str(UUID(row["report_id"])) if row["report_id"] else None,
                "reported_on": row["reported_on"],
                "final_article": final_article,
                "final_article_text": final_texts.get(final_article) if final_article else None,
                "merged_into": str(UUID(row["merged_into"])) if row["merged_into"] else None,
                "absorbed": [str(UUID(i)) for i in absorbed.get(row["id"], [])],
            }
        )
    consulted = draft.consulted
    return {
        "draft": {
            "id": str(draft.id),
            "title": draft.title,
            "level": draft.level.value,
            "status": draft.status.value,
            "consulted_version": consulted.label,
            "enacted_on": draft.enacted_on,
        },
        "articles": [
            {
                "number": article.number,
                "heading": article.heading,
                "chapter": article.chapter,
                "text": article.text,
                "final_text": final_texts.get(article.number),
                "suggestions": by_article.get(article.number, []),
            }
            for article in consulted.articles
        ],
        "general": by_article.get(None, []),
    }
