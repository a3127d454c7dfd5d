"""G.711 A-law (ITU-T G.711) and the sound conversions around it: 16-bit PCM ↔ A-law, any rate
→ 8 kHz, WAV in and out. Pure Python (``audioop`` is gone from Python 3.13): a call's audio is
8,000 bytes a second."""

from __future__ import annotations

import array
import io
import wave

RATE = 8000
FRAME = 160  # 20 ms of 8 kHz A-law: one RTP packet
_SEGMENTS = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)


def _encode(sample: int) -> int:
    value = sample >> 3  # 13 bits
    if value >= 0:
        mask = 0xD5
    else:
        mask, value = 0x55, -value - 1
    for segment, end in enumerate(_SEGMENTS):
        if value <= end:
            shift = 1 if segment < 2 else segment
            return ((segment << 4) | ((value >> shift) & 0x0F)) ^ mask
    return 0x7F ^ mask


def _decode(code: int) -> int:
    code ^= 0x55
    value = (code & 0x0F) << 4
    segment = (code & 0x70) >> 4
    value += 8 if segment == 0 else 0x108
    if segment > 1:
        value <<= segment - 1
    return value if code & 0x80 else -value


_ENCODE = bytes(_encode(s - 65536 if s > 32767 else s) for s in range(65536))
_DECODE = array.array("h", (_decode(c) for c in range(256)))
SILENCE = bytes([_ENCODE[0]])


def encode(samples: array.array[int]) -> bytes:
    """16-bit signed samples → A-law bytes."""
    table = _ENCODE
    return bytes(table[s & 0xFFFF] for s in samples)


def decode(alaw: bytes) -> array.array[int]:
    """A-law bytes → 16-bit signed samples."""
    table = _DECODE
    return array.array("h", (table[c] for c in alaw))


def resample(samples: array.array[int], rate: int) -> array.array[int]:
    """``samples`` at ``rate`` Hz → 8 kHz, by averaging the samples each output one covers
    (speech from a TTS engine: its highs are not worth a proper filter here)."""
    if rate == RATE:
        return samples
    step = rate / RATE
    out = array.array("h")
    count = int(len(samples) / step)
    for i in range(count):
        start, end = int(i * step), max(int((i + 1) * step), int(i * step) + 1)
        chunk = samples[start:end]
        out.append(sum(chunk) // len(chunk))
    return out


def wav_to_alaw(data: bytes) -> bytes:
    """A 16-bit mono or stereo WAV at any rate → 8 kHz A-law."""
    with wave.open(io.BytesIO(data)) as wav:
        if wav.getsampwidth() != 2:
            raise ValueError("only 16-bit WAV is supported")
        channels, rate = wav.getnchannels(), wav.getframerate()
        samples = array.array("h", wav.readframes(wav.getnframes()))
    if channels > 1:
        samples = samples[::channels]
    return encode(resample(samples, rate))


def alaw_to_wav(alaw: bytes) -> bytes:
    """8 kHz A-law → a 16-bit mono WAV (what the console's player plays)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(decode(alaw).tobytes())
    return out.getvalue()


def tone(hz: float = 1000.0, seconds: float = 0.3, level: int = 8000) -> bytes:
    """A sine beep in A-law (the voicemail's «after the signal»)."""
    import math

    count = int(RATE * seconds)
    samples = array.array(
        "h", (int(level * math.sin(2 * math.pi * hz * i / RATE)) for i in range(count))
    )
    return encode(samples)
