"""Admin endpoints for plugins and jobs; each checks its permission in the service layer."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.params import FromQuery, Parameter, QueryParameter

from unionline.access import require_everywhere
from unionline.admin.overview import organization_counts, plugin_adds
from unionline.admin.schemas import JobCounts, OrganizationCounts, PluginAdds, PluginView
from unionline.errors import Conflict, NotFound
from unionline.jobs import JobView
from unionline.plugin_choices.services import views as plugin_switches
from unionline.runtime import current
from unionline.web import CurrentActor

MAX_ID = 2**53  # ids stay far below; JSON numbers above 2**53 lose precision, the driver overflows
JobId = Annotated[int, Parameter(ge=1, le=MAX_ID)]


class PluginsController(Controller):
    path = "/api/plugins"
    tags = ("admin",)

    @get("/")
    async def list_plugins(self, actor: CurrentActor) -> list[PluginView]:
        """Installed plugins, enabled or not, with versions, the hooks they implement, what
        each enabled one adds (routes, console pages, settings forms, jobs, tables, ...) and
        its switch (running now, at the next start, whether the console may switch it)."""
        await require_everywhere(actor, "plugins.read")
        registry = current().registry
        switches = await plugin_switches(actor)
        return [
            PluginView(
                name=p.name,
                version=p.version,
                origin=p.origin,
                enabled=p.enabled,
                hooks=p.hooks,
                adds=plugin_adds(registry, p.name) if p.enabled else PluginAdds(),
                switch=switches.get(p.name),
            )
            for p in current().host.listing()
        ]


class OrganizationCountsController(Controller):
    path = "/api/admin/organization-counts"
    tags = ("admin",)

    @get("/")
    async def organization_counts(self, actor: CurrentActor) -> list[OrganizationCounts]:
        """Members, appeals (all and active) and operators of each organization the caller
        manages (``organizations.manage``), each organization on its own (not its subtree)."""
        return await organization_counts(actor)


class JobsController(Controller):
    path = "/api/jobs"
    tags = ("admin",)

    @get("/")
    async def list_jobs(
        self,
        actor: CurrentActor,
        status: FromQuery[Literal["pending", "running", "done", "dead"] | None] = None,
        after: Annotated[int, QueryParameter(ge=0, le=MAX_ID)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    ) -> list[JobView]:
        """Jobs of the outbox, oldest first; ``status=dead`` lists the dead letters."""
        await require_everywhere(actor, "jobs.manage")
        return await current().jobs.list(status, limit=limit, after=after)

    @get("/counts")
    async def counts(self, actor: CurrentActor) -> JobCounts:
        """How many jobs are in each status."""
        await require_everywhere(actor, "jobs.manage")
        return JobCounts(**await current().jobs.counts())

    @post("/{job_id:int}/retry", status_code=200)
    async def retry(self, actor: CurrentActor, job_id: JobId) -> JobView:
        """Give a dead letter a fresh set of attempts."""
        await require_everywhere(actor, "jobs.manage")
        return await _after(job_id, await current().jobs.retry(job_id))

    @post("/{job_id:int}/discard", status_code=200)
    async def discard(self, actor: CurrentActor, job_id: JobId) -> JobView:
        """Delete a dead letter for good; answers the job as it was."""
        await require_everywhere(actor, "jobs.manage")
        job = await current().jobs.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id} does not exist", field="job_id")
        if not await current().jobs.discard(job_id):
            raise Conflict(f"job {job_id} is {job.status}, not dead", field="job_id")
        return job


async def _after(job_id: int, changed: bool) -> JobView:
    job = await current().jobs.get(job_id)
    if job is None:
        raise NotFound(f"job {job_id} does not exist", field="job_id")
    if not changed:
        raise Conflict(f"job {job_id} is {job.status}, not dead", field="job_id")
    return job
