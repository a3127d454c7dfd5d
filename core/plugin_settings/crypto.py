"""Secret settings at rest: Fernet with a key derived from ``secret_key`` for this use only
(HKDF with its own label), so neither the key itself nor the channel secrets' key is reused."""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"unionline plugin settings secrets v1"


@functools.lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(secret_key: str, plaintext: bytes) -> str:
    return _fernet(secret_key).encrypt(plaintext).decode()


def unseal(secret_key: str, token: str) -> bytes | None:
    """The plaintext, ``b"{}"`` for nothing stored, None when ``secret_key`` changed since."""
    if not token:
        return b"{}"
    try:
        return _fernet(secret_key).decrypt(token.encode())
    except InvalidToken:
        return None
