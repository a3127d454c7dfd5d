"""Errors by intent: what went wrong decides what the caller does next."""

from __future__ import annotations


class UnionlineError(Exception):
    """Base of every error Unionline raises on purpose."""


class ConfigError(UnionlineError):
    """The configuration cannot be used; the message is one line naming the key and the file."""


class PluginError(UnionlineError):
    """A plugin cannot be loaded or registered; the message names the plugin."""

    def __init__(self, plugin: str, message: str) -> None:
        super().__init__(f"plugin {plugin!r}: {message}")
        self.plugin = plugin


class MigrationsPending(UnionlineError):
    """The database schema is behind the enabled apps; run ``unionline migrate``."""


class DatabaseUnavailable(UnionlineError):
    """The database cannot be reached at startup; the message names its URL (password masked)."""


# -- jobs and channels: what to do with a failed attempt -----------------------------------


class NotReady(UnionlineError):
    """A transient failure: try again later (optionally not before ``retry_after`` seconds)."""

    def __init__(self, message: str = "not ready", retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotHere(NotReady):
    """Another process does this and this one cannot (it does not hold what the work needs, as a
    SIP line's agent runs in the one process holding the line's lease): try again soon, and the
    try is not counted among the job's (or a campaign message's) attempts — so however many
    processes hand it back, it runs out of attempts only where it fails. Raise it only when that
    other process is known to be there; when none is, ``NotReady``, so the attempts run out."""


class PermanentFailure(UnionlineError):
    """Retrying cannot help: the job goes to the dead letters at once."""


class AuthFailed(PermanentFailure):
    """The provider refused our credentials: the account needs re-authorisation."""


class UnsupportedUpdate(UnionlineError):
    """A provider sent something we do not handle: answer 200 and log it, never retry."""


# -- service layer: mapped onto HTTP statuses by the app ------------------------------------


class ServiceError(UnionlineError):
    """An error a client caused; carries a machine code and, when known, the field path."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"


class Forbidden(ServiceError):
    status_code = 403
    code = "forbidden"


class Unauthorized(ServiceError):
    status_code = 401
    code = "unauthorized"


class Conflict(ServiceError):
    status_code = 409
    code = "conflict"


class Invalid(ServiceError):
    status_code = 422
    code = "invalid"
