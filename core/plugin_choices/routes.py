"""REST API of the plugin switch (``plugins.manage`` over the whole federation)."""

from __future__ import annotations

from typing import Annotated

from litestar import get, put
from litestar.params import JSONBody, Parameter

from unionline.plugin_choices import services
from unionline.plugin_choices.schemas import PluginChoiceView, PluginSwitch, ProcessView
from unionline.web import CurrentActor

PluginName = Annotated[
    str, Parameter(max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$(?!\n)")
]


@put("/api/plugins/{name:str}/enabled", tags=["admin"])
async def switch_plugin(
    actor: CurrentActor, name: PluginName, data: JSONBody[PluginSwitch]
) -> PluginChoiceView:
    """Switch an optional plugin on or off. The choice is stored at once and applies when each
    process (web server, job workers) next starts; until then ``pending_restart`` is true.
    Switching on is refused (422, ``extra.problem = "fails_to_load"``) when a process starting
    with it could not load it."""
    return await services.switch(actor, name, data.enabled)


@get("/api/plugins/processes", tags=["admin"])
async def list_processes(actor: CurrentActor) -> list[ProcessView]:
    """The processes running now (web server workers, job workers, commands), each with the
    optional plugins it started with and ``behind``: those it runs differently from what a
    process starting now would — it still runs the old list until restarted
    (``plugins.read`` over the whole federation)."""
    return await services.running_processes(actor)
