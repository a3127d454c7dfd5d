"""Login, logout, who am I, password change."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from unionline.errors import Forbidden, Unauthorized
from unionline.operators import services
from unionline.operators.schemas import LoginRequest, PasswordChange
from unionline.operators.tables import Operator
from unionline.web import CurrentActor


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", status_code=200)
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[LoginRequest]) -> services.OperatorView:
        """Start a session (HttpOnly cookie) for an operator's login and password."""
        operator_id = await services.authenticate(data.login, data.password)
        if operator_id is None:
            raise Unauthorized("wrong login or password")
        request.set_session({"operator_id": str(operator_id)})
        actor = await services.actor_for(operator_id)
        assert actor is not None
        return await services.describe(actor)

    @post("/logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: Request[Any, Any, Any]) -> None:
        """End the current session."""
        request.clear_session()

    @get("/me")
    async def me(self, actor: CurrentActor) -> services.OperatorView:
        """The signed-in operator with roles and effective permissions."""
        return await services.describe(actor)

    @post("/password", status_code=HTTP_204_NO_CONTENT)
    async def change_password(self, request: Request[Any, Any, Any], actor: CurrentActor,
                              data: JSONBody[PasswordChange]) -> None:
        """Change the own password; every other session of this operator ends."""
        row = await Operator.select(Operator.password_hash).where(
            Operator.id == actor.operator_id).first()
        if not row or not services.check_password(row["password_hash"], data.current_password):
            raise Forbidden("current password is wrong", field="current_password")
        await services.change_password(actor.operator_id, data.new_password,
                                       request.cookies.get("session"))
