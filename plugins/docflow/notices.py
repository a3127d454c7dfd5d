"""Notices in the operators' inbox («Уведомления»): a document reaching someone's stage, and
the author learning how the route ended. Once per event and person (``notify_operator``'s
cause), so a redelivered event notifies nobody twice."""

from __future__ import annotations

from unionline import Event, current, notify_operator
from unionline.plugins.docflow.schemas import RouteFinished, StageChanged

ENDINGS = {"done": "Документ согласован", "rejected": "Документ отклонён"}


async def on_event(event: Event) -> None:
    if not event.id or not isinstance(event, StageChanged | RouteFinished):
        return
    row = await current().db.fetchone(
        "SELECT title, author_id FROM docflow_document WHERE id = {}", event.document_id
    )
    if row is None:
        return
    link = f"#/work/docflow/{event.document_id}"
    if isinstance(event, StageChanged):
        if event.status == "on_route":
            for who in event.holders:
                await notify_operator(
                    who,
                    cause=f"docflow:{event.id}",
                    title="Документ ждёт вашего решения",
                    text=f"{row['title']} — {event.stage}",
                    link=link,
                    organization_id=event.organization_id,
                )
        elif event.status == "revision" and row["author_id"]:
            await notify_operator(
                row["author_id"],
                cause=f"docflow:{event.id}",
                title="Документ возвращён на доработку",
                text=str(row["title"]),
                link=link,
                organization_id=event.organization_id,
            )
        return
    if row["author_id"] and event.status in ENDINGS:
        await notify_operator(
            row["author_id"],
            cause=f"docflow:{event.id}",
            title=ENDINGS[event.status],
            text=str(row["title"]),
            link=link,
            organization_id=event.organization_id,
        )
