"""Channel secrets at rest: Fernet, keyed from ``secret_key`` through HKDF.

A dedicated derived key (not ``secret_key`` itself) means a leak of one use of the key does not
expose the other; changing ``secret_key`` makes stored secrets unreadable (accounts then need
their secrets entered again).
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from unionline.errors import ConfigError

_INFO = b"unionline channel account secrets v1"


@functools.lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(secret_key: str, plaintext: bytes) -> str:
    return _fernet(secret_key).encrypt(plaintext).decode()


def unseal(secret_key: str, token: str) -> bytes:
    if not token:
        return b"{}"
    try:
        return _fernet(secret_key).decrypt(token.encode())
    except InvalidToken:
        raise ConfigError(
            "channel account secrets cannot be decrypted: secret_key changed? "
            "enter the account's secrets again"
        ) from None
