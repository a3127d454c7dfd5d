"""Login, logout, who am I, own profile and password."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post
from litestar.exceptions import TooManyRequestsException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from unionline.errors import Forbidden, Unauthorized
from unionline.operators import ratelimit, services
from unionline.operators.schemas import LoginRequest, PasswordChange, ProfileUpdate
from unionline.operators.session_store import start_new_session
from unionline.operators.tables import Operator
from unionline.realtime import access_changed, session_ended
from unionline.web import CurrentActor, ErrorResponse

SESSION_COOKIE = "session"  # as configured in unionline.app


def client_address(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


class AuthController(Controller):
    path = "/api/auth"
    tags = ("auth",)

    @post(
        "/login",
        status_code=200,
        responses={
            429: ResponseSpec(
                ErrorResponse,
                description="Too many failed logins; ``Retry-After`` says how long to wait (s).",
                generate_examples=False,
            )
        },
    )
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginRequest]
    ) -> services.OperatorView:
        """Start a session (HttpOnly, SameSite=Lax cookie) for an operator's login and password.

        Too many failed logins of this login name from this address (or, with softer limits, of
        this login name from anywhere, or from this address for any login) answer 429 with
        ``Retry-After``."""
        address = client_address(request)
        try:
            await ratelimit.check(data.login, address)
        except ratelimit.TooManyAttempts as exc:
            raise TooManyRequestsException(
                exc.message, headers={"Retry-After": str(exc.retry_after)}
            ) from None
        operator_id = await services.authenticate(data.login, data.password)
        if operator_id is None:
            await ratelimit.failed(data.login, address)
            raise Unauthorized("wrong login or password")
        await ratelimit.succeeded(data.login, address)
        await start_new_session(request, SESSION_COOKIE)
        request.set_session({"operator_id": str(operator_id)})
        actor = await services.actor_for(operator_id)
        assert actor is not None
        return await services.describe(actor)

    @post("/logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: Request[Any, Any, Any]) -> None:
        """End the current session (its open console sockets close too)."""
        request.clear_session()
        session_ended(request.cookies.get(SESSION_COOKIE))

    @get("/me")
    async def me(self, actor: CurrentActor) -> services.OperatorView:
        """The signed-in operator with roles and effective permissions."""
        return await services.describe(actor)

    @patch("/me")
    async def update_me(
        self, actor: CurrentActor, data: JSONBody[ProfileUpdate]
    ) -> services.OperatorView:
        """Change the own display name, language or time zone."""
        await services.update_profile(actor, data)
        return await services.describe(actor)

    @post("/password", status_code=HTTP_204_NO_CONTENT)
    async def change_password(
        self, request: Request[Any, Any, Any], actor: CurrentActor, data: JSONBody[PasswordChange]
    ) -> None:
        """Change the own password; every other session of this operator ends and every API
        token of this operator is revoked. A new password too short is a 422 naming
        ``new_password`` before the current one is checked."""
        services.check_password_length(data.new_password, "new_password")
        row = (
            await Operator.select(Operator.password_hash)
            .where(Operator.id == actor.operator_id)
            .first()
        )
        if not row or not await services.check_password(
            row["password_hash"], data.current_password
        ):
            raise Forbidden("current password is wrong", field="current_password")
        await services.change_password(
            actor.operator_id, data.new_password, request.cookies.get(SESSION_COOKIE)
        )
        access_changed(actor.operator_id, "password changed")
