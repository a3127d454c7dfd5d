"""Login throttling: failed logins are counted in the database, keyed three ways.

* one login name from one client address (``pair``): the tight limit, which stops guessing from
  one place without touching the real user, who signs in from somewhere else;
* one login name from anywhere (``login``): a much softer limit against guessing spread over
  many addresses. Reaching it locks the real user out too, so it is set far above what a person
  mistypes;
* one client address, whatever the login (``address``): against trying many logins.

Counting in the database (not in process memory) makes the limits hold across every web process.
An attempt over any limit answers 429 with ``Retry-After`` until the oldest counted failure of
that key ages out of the window. A successful login clears only its (login, address) count: the
others age out, so one valid account cannot be used to reset an address's count and the real
user signing in does not hand a distributed guesser a fresh allowance.
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

    pair_failures: int = 5  # failed logins of one login name from one address per window
    login_failures: int = 50  # failed logins of one login name from all addresses per window
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


def _login(login: str) -> str:
    return login.strip().lower()


def keys(login: str, address: str | None) -> list[tuple[str, int]]:
    """The counters one attempt touches, with their limits."""
    conf = settings()
    found = [(f"login:{_login(login)}"[:300], conf.login_failures)]
    if address:
        found.append((_pair_key(login, address), conf.pair_failures))
        found.append((f"address:{address}"[:300], conf.address_failures))
    return found


def _pair_key(login: str, address: str) -> str:
    return f"pair:{address} {_login(login)}"[:300]


async def check(login: str, address: str | None) -> None:
    """Raise :class:`TooManyAttempts` when any counter of this attempt is at its limit."""
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


async def succeeded(login: str, address: str | None) -> None:
    if address:
        await LoginFailure.delete().where(LoginFailure.key == _pair_key(login, address))
