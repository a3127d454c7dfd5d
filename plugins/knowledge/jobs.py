"""The knowledge base's jobs: publishing at the scheduled time."""

from __future__ import annotations

from unionline import JobContext
from unionline.plugins.knowledge.articles import PUBLISH_JOB, PublishPayload, publish_scheduled

__all__ = ["PUBLISH_JOB", "PublishPayload", "run_publish"]


async def run_publish(ctx: JobContext, payload: PublishPayload) -> None:
    await publish_scheduled(payload)
