"""Text-to-speech for the SIP agent: a pluggable engine that makes 8 kHz A-law of a text.

The built-in engine runs ``espeak-ng`` (Debian package ``espeak-ng``; its Russian voice ``ru``).
Another (RHVoice, a cloud service) is a :class:`TtsEngine` registered with
:func:`register_engine` from a plugin's ``register_channels`` hook; a line's «Синтез речи»
(``sip_tts``) names it. Spoken texts are cached per engine and text (greetings repeat).
"""

from __future__ import annotations

import asyncio
import shutil
from typing import ClassVar

from unionline import PermanentFailure
from unionline.channels.phone.sip.g711 import wav_to_alaw

_CACHE_SIZE = 64


class TtsEngine:
    """Turns a text into 8 kHz A-law; ``name`` is what a line's ``sip_tts`` says."""

    name: ClassVar[str] = ""

    async def speak(self, text: str, language: str = "ru") -> bytes:
        raise NotImplementedError


class EspeakEngine(TtsEngine):
    """``espeak-ng -v ru --stdout`` (a 22,050 Hz WAV), converted to A-law."""

    name = "espeak-ng"
    rate = 150  # words a minute: a little slower than espeak's default, for the phone

    async def speak(self, text: str, language: str = "ru") -> bytes:
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise PermanentFailure("espeak-ng не установлен (Debian: apt-get install espeak-ng)")
        process = await asyncio.create_subprocess_exec(
            binary,
            "-v",
            language,
            "-s",
            str(self.rate),
            "--stdout",
            "--",
            text,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        wav, error = await process.communicate()
        if process.returncode != 0 or not wav:
            raise PermanentFailure(f"espeak-ng failed: {error.decode(errors='replace')[:200]}")
        return wav_to_alaw(wav)


_ENGINES: dict[str, TtsEngine] = {EspeakEngine.name: EspeakEngine()}
_CACHE: dict[tuple[str, str, str], bytes] = {}


def register_engine(engine: TtsEngine) -> None:
    """Make ``engine`` available to lines whose ``sip_tts`` is its ``name``."""
    if not engine.name:
        raise ValueError(f"{type(engine).__name__} has no name")
    _ENGINES[engine.name] = engine


async def speak(engine: str, text: str, language: str = "ru") -> bytes:
    """``text`` spoken by ``engine`` as 8 kHz A-law (cached)."""
    key = (engine, language, text)
    if key not in _CACHE:
        found = _ENGINES.get(engine)
        if found is None:
            raise PermanentFailure(f"нет синтезатора речи {engine!r}")
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = await found.speak(text, language)
    return _CACHE[key]
