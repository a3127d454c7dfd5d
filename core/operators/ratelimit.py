"""Login throttling: failed logins are counted in the database per login and per client address.

Counting in the database (not in process memory) makes the limit hold across every web process.
A login or an address with too many failures inside the window answers 429 with ``Retry-After``
until the oldest counted failure ages out. A successful login clears the failures of that login
(but not of the address, so one valid account cannot be used to reset an address's count).
"""

from __future__ import annotations

import math
import time

import msgspec

from unionline.errors import ServiceError
from unionline.operators.tables import LoginFailure
from unionline.runtime import current


class AuthSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The ``[auth]`` section of the config file."""

    login_failures: int = 5  # failed logins of one login name per window
    address_failures: int = 20  # failed logins from one client address per window
    failure_window: float = 900.0  # seconds


class TooManyAttempts(ServiceError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many failed logins; try again in {retry_after} s",
            extra={"retry_after": retry_after},
        )
        self.retry_after = retry_after


def settings() -> AuthSettings:
    try:
        return current().settings.section("auth", AuthSettings)
    except KeyError:
        return AuthSettings()


def keys(login: str, address: str | None) -> list[tuple[str, int]]:
    """The counters one attempt touches, with their limits."""
    conf = settings()
    found = [(f"login:{login.strip().lower()}"[:300], conf.login_failures)]
    if address:
        found.append((f"address:{address}"[:300], conf.address_failures))
    return found


async def check(login: str, address: str | None) -> None:
    """Raise :class:`TooManyAttempts` when the login or the address is over its limit."""
    window = settings().failure_window
    now = time.time()
    wait = 0.0
    for key, limit in keys(login, address):
        times = [
            r["at"]
            for r in await LoginFailure.select(LoginFailure.at)
            .where((LoginFailure.key == key) & (LoginFailure.at > now - window))
            .order_by(LoginFailure.at, ascending=False)
            .limit(limit)
        ]
        if len(times) >= limit:
            # Allowed again once the limit-th most recent failure leaves the window.
            wait = max(wait, times[limit - 1] + window - now)
    if wait > 0:
        raise TooManyAttempts(max(1, math.ceil(wait)))


async def failed(login: str, address: str | None) -> None:
    now = time.time()
    window = settings().failure_window
    async with current().db.transaction():
        for key, _ in keys(login, address):
            await LoginFailure.insert(LoginFailure(key=key, at=now))
        # Forget what no longer counts, so the table stays small.
        await LoginFailure.delete().where(LoginFailure.at < now - window)


async def succeeded(login: str) -> None:
    key, _ = keys(login, None)[0]
    await LoginFailure.delete().where(LoginFailure.key == key)
