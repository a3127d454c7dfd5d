"""REST API of the settings forms (``settings.manage`` over the whole federation)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, put
from litestar.params import JSONBody, Parameter

from unionline.plugin_settings import services
from unionline.plugin_settings.schemas import SettingsFormView, SettingsSave, SettingsSaved
from unionline.web import CurrentActor

FormId = Annotated[str, Parameter(max_length=150, pattern=r"^[a-z][a-z0-9_.-]*$(?!\n)")]


class SettingsController(Controller):
    path = "/api/settings"
    tags = ("settings",)

    @get("/forms")
    async def list_forms(self, actor: CurrentActor) -> list[SettingsFormView]:
        """Every settings form the enabled plugins declared, with its current values (secret
        fields only say whether they are set)."""
        return await services.list_forms(actor)

    @get("/forms/{form_id:str}")
    async def get_form(self, actor: CurrentActor, form_id: FormId) -> SettingsFormView:
        return await services.get_form(actor, form_id)

    @put("/forms/{form_id:str}")
    async def save_form(
        self, actor: CurrentActor, form_id: FormId, data: JSONBody[SettingsSave]
    ) -> SettingsSaved:
        """Change some fields; the plugin's Struct validates the result (422 naming the field
        as ``values.<name>``). ``restart_needed`` says a change waits for a restart."""
        return await services.save(actor, form_id, data.values)
