"""Header values as text: encoded words, and 8-bit bytes sent with no charset at all.

Site forms and old scripts put raw UTF-8 or windows-1251 into ``From:`` and ``Subject:``.
The byte parser keeps such bytes as surrogate escapes, which no database stores. Here a raw
value is UTF-8 when its bytes are; otherwise it is read in the message's :func:`header_codec`
— the charset its text body declares, else the one charset-normalizer finds among the
single-byte charsets such mail comes in (windows-1251, KOI8-R, windows-1252), judged on all
the message's 8-bit header bytes at once (a name alone is too short to tell). Encoded words
(RFC 2047) whose bytes do not fit their label are read the same way. Nothing here raises.
"""

from __future__ import annotations

import binascii
import email.base64mime
import email.header
import email.quoprimime
import email.utils
import re
from email.headerregistry import HeaderRegistry
from email.message import Message
from functools import lru_cache
from itertools import compress, groupby

import charset_normalizer

from unionline import storable

# Encoded words ("=?utf-8?q?…?=") cost time to decode: a header longer than this is decoded up
# to here (the subject is kept to 500 characters, addresses are read on their own).
MAX_DECODED_HEADER = 8 * 1024
# The single-byte charsets of unlabelled Russian (and West European) mail, most likely first.
CANDIDATES = ("cp1251", "koi8_r", "cp1252")
ADDRESS_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc")
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\]+$")
_ANGLE = re.compile(r"<\s*([^<>\s]+@[^<>\s]+)\s*>")
_BARE = re.compile(r"[^\s<>()\[\],;:\"\\]+@[^\s<>()\[\],;:\"\\]+\.[^\s<>()\[\],;:\"\\]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+")  # runs of letters
_SINGLE_BYTE = {
    "windows-1251": "cp1251",
    "cp1251": "cp1251",
    "koi8-r": "koi8_r",
    "koi8-u": "koi8_u",
    "iso-8859-5": "iso8859_5",
    "windows-1252": "cp1252",
    "iso-8859-1": "cp1252",  # what senders labelled latin-1 mean (and 1252 decodes every byte)
    "ibm866": "cp866",
    "cp866": "cp866",
}
_REGISTRY = HeaderRegistry()
CODEC_NAMES = {"cp1251": "windows-1251", "koi8_r": "KOI8-R", "cp1252": "windows-1252"}


def raw_bytes(value: str) -> bytes | None:
    """The bytes of a raw header value as the byte parser read them; None when it holds text
    that came as text (a message parsed from a string) or is ASCII."""
    if value.isascii():
        return None
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return None


def header_codec(message: Message, hint: str | None) -> str:
    """The codec for this message's 8-bit header bytes that are not UTF-8 ("utf-8" when it
    has none); ``hint`` is the charset its text body declares."""
    chunks = [raw_bytes(str(value)) for _, value in message.raw_items()]
    foreign = [c for c in chunks if c is not None and not _is_utf8(c)]
    if not foreign:
        return "utf-8"
    data = b"\n".join(foreign)
    codec = _SINGLE_BYTE.get((hint or "").lower())
    if codec is not None:
        return codec
    return guess(data)


def guess(data: bytes) -> str:
    """The most likely of :data:`CANDIDATES` for ``data`` (not UTF-8)."""
    best = charset_normalizer.from_bytes(data, cp_isolation=list(CANDIDATES)).best()
    codec = best.encoding if best is not None else CANDIDATES[0]
    mixed = codec != "cp1252" and _mixed(data.decode(codec, "replace"))
    if mixed and not _mixed(data.decode("cp1252", "replace")):
        return "cp1252"  # "Mьller" is "Müller"
    return codec


def _mixed(text: str) -> bool:
    """A word of Latin and Cyrillic letters together: the mark of a wrong single-byte guess."""
    return any(_LATIN.search(w) and _CYRILLIC.search(w) for w in _WORD.findall(text))


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8 — also with a few broken bytes (a name cut mid-letter):
    single-byte Cyrillic text hardly ever holds even one valid multi-byte sequence."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
        broken = text.count("\ufffd")
        letters = sum(1 for c in text if c > "\x7f") - broken
        return letters >= 2 * broken
    return True


def as_text(value: str, codec: str = "") -> str:
    """A raw header value with its 8-bit bytes read: UTF-8 when they are, else ``codec``
    (guessed for this value alone when not given, or when it says the rest was UTF-8)."""
    data = raw_bytes(value)
    if data is None:
        return value
    if _is_utf8(data):
        return data.decode("utf-8", "replace")
    if codec in ("", "utf-8"):  # the message's other headers are UTF-8, or it has none
        codec = guess(data)
    return data.decode(codec, "replace")


def decode_words(value: str, codec: str = "cp1251") -> str:
    """``value`` with its RFC 2047 encoded words decoded; a word whose bytes do not fit its
    charset (or names none Python knows) is read as UTF-8, else in ``codec``."""
    try:
        parts = decode_header(value)
    except Exception:
        return value
    out = []
    for data, charset in parts:
        if isinstance(data, str):
            out.append(data)
        elif charset is None:  # the text between words, as decode_header hands it back
            out.append(data.decode("raw-unicode-escape", "replace"))
        else:
            out.append(_word(data, charset, codec))
    return "".join(out)


# ``email.header.ecre`` over the value's lines joined by "\n", never across one: the charset's
# ``[^?]`` no longer takes a "\n" (``.`` never did)
_ENCODED_WORD = re.compile(
    r"=\?(?P<charset>[^?\n]*+)\?(?P<encoding>[qQbB])\?(?P<encoded>.*?)\?=", re.MULTILINE
)
_ANY_ENCODED_WORD = re.compile(r"=\?[^?]*?\?[qQbB]\?.*?\?=")  # email.header.ecre


def decode_header(value: str) -> list[tuple[bytes | str, str | None]]:
    """What ``email.header.decode_header(value)`` answers, in a few passes in C when only
    whitespace separates the encoded words (text before and after them, any charsets and
    encodings), as in a subject of thousands of them: the standard library spends ~3.5 µs a
    word (a regex callback per ``=XX`` among them). Text between words: handed to it."""
    if not _ANY_ENCODED_WORD.search(value):
        return [(value, None)]
    # the library reads the value line by line, each line's first text stripped at its left
    parts = _ENCODED_WORD.split("\n".join(map(str.lstrip, value.splitlines())))
    texts, encoded = parts[0::4], parts[3::4]
    if not encoded or "".join(texts[1:-1]).strip():  # text between words: not joined
        return email.header.decode_header(value)
    charsets, encodings = _lowered(parts[1::4]), _lowered(parts[2::4])
    dropped = _dropped(texts, encoded)
    if dropped:
        kept = [j not in dropped for j in range(len(encoded))]
        charsets, encodings, encoded = (
            list(compress(names, kept)) for names in (charsets, encodings, encoded)
        )
    out: list[tuple[bytes | str, str | None]] = []
    # the text of each line is a word of its own; the library joins such words with a space
    before, after = (" ".join(filter(None, t.split("\n"))) for t in (texts[0], texts[-1]))
    if before:
        out.append((before.encode("raw-unicode-escape"), None))
    # the whitespace between words is dropped and a run of words of one charset joined
    data, start = _decoded(encodings, encoded), 0
    for charset, run in groupby(charsets):
        end = start + len(list(run))
        out.append((b"".join(data[start:end]), charset))
        start = end
    if after:
        out.append((after.encode("raw-unicode-escape"), None))
    return out


def _lowered(names: list[str]) -> list[str]:
    distinct = set(names)  # (the few distinct names lowercased, not every word's)
    return [distinct.pop().lower()] * len(names) if len(distinct) == 1 else [*map(str.lower, names)]


def _dropped(texts: list[str], encoded: list[str]) -> set[int]:
    """The words ``email.header.decode_header`` drops as if they were the whitespace between
    two others: a word of only whitespace with a word right before and after it (no text
    between; ``texts`` are the texts before each word, a line's own after a "\\n")."""
    last = len(encoded) - 1
    return {
        j
        for j in compress(range(len(encoded)), map(str.isspace, encoded))
        if 0 < j < last and texts[j][:1] in ("", "\n") and texts[j + 1][:1] in ("", "\n")
    }


def _decoded(encodings: list[str], words: list[str]) -> list[bytes]:
    """Each word's bytes ("q" or "b" in ``encodings``), as ``email.header`` decodes it."""
    if "b" not in encodings:
        return _quoted(words)
    if "q" not in encodings:
        return list(map(_base64, words))
    return [
        _base64(word) if encoding == "b" else _quoted([word])[0]
        for encoding, word in zip(encodings, words, strict=True)
    ]


_QP_APART = re.compile("==|=00")  # where a2b_qp reads otherwise, or a word's byte is a NUL


def _quoted(words: list[str]) -> list[bytes]:
    """The "q" words decoded as ``email.quoprimime.header_decode`` decodes each (``=XX`` a
    byte, ``_`` a space, the rest as it is): by one ``binascii.a2b_qp`` call over them with a
    NUL after each (no ``=XX`` spans two; the result is cut at the NULs), one by one where
    that would differ (text not ASCII, a NUL or ``=00`` in a word, ``==``, which a2b_qp reads
    as "=")."""
    joined = "\0".join(words) + "\0"
    if joined.isascii() and joined.count("\0") == len(words) and not _QP_APART.search(joined):
        return binascii.a2b_qp(joined, header=True).split(b"\0")[:-1]
    return [email.quoprimime.header_decode(w).encode("raw-unicode-escape") for w in words]


def _base64(word: str) -> bytes:
    """One "b" word as ``email.header`` decodes it (missing padding added)."""
    if len(word) % 4:
        word += "==="[: 4 - len(word) % 4]
    return email.base64mime.decode(word)


def _word(data: bytes, charset: str, codec: str) -> str:
    for name in (_alias(charset), "utf-8"):
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode(codec if codec not in ("", "utf-8") else guess(data), "replace")


# Names mail clients write that Python does not know.
_ALIASES = {"utf8": "utf-8", "x-user-defined": "windows-1252", "unknown-8bit": "utf-8"}


@lru_cache(maxsize=64)  # a subject may name a charset per word
def _alias(charset: str) -> str:
    name = charset.lower().partition("*")[0]  # RFC 2231 language: "utf-8*ru"
    return _ALIASES.get(name, name)


def raw_header(message: Message, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return value if isinstance(value, str) else str(value)
    return None


def header_text(message: Message, name: str, codec: str = "") -> str:
    """The header's text: 8-bit bytes read (:func:`as_text`), encoded words decoded (those
    of a header longer than ``MAX_DECODED_HEADER``, up to there), NUL and surrogates gone,
    whitespace collapsed; "" when the header is absent."""
    raw = raw_header(message, name)
    if raw is None:
        return ""
    text = as_text(raw, codec)
    if "=?" in text:
        if len(text) > MAX_DECODED_HEADER:
            cut = text.rfind(" ", 0, MAX_DECODED_HEADER)  # never inside an encoded word
            text = text[: cut if cut > 0 else MAX_DECODED_HEADER]
        text = decode_words(text, codec or "cp1251")
    return " ".join(storable(text).split())


def file_name(part: Message, codec: str) -> str:
    """A part's file name when its headers carry 8-bit bytes: read as the other headers are
    (``codec``), then the parameters parsed ("" when there is none)."""
    for name, param in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        raw = raw_header(part, name)
        if raw is None or raw.isascii():
            continue
        try:
            parsed = _REGISTRY(name, as_text(raw, codec).replace("\r", "").replace("\n", ""))
            found = parsed.params.get(param)  # type: ignore[attr-defined]
        except Exception:
            continue
        if isinstance(found, str) and found.strip():
            return " ".join(storable(found).split())
    return ""


def is_address(address: str) -> bool:
    return len(address) <= 320 and bool(_ADDRESS.match(address)) and address.isprintable()


def address_pairs(
    message: Message, name: str, codec: str = ""
) -> tuple[list[tuple[str, str]], bool]:
    """(display name, address) of every mailbox in the header, and whether a value had to be
    salvaged (the address list was malformed: a stray quote, bracket or parenthesis)."""
    wanted = name.lower()
    out: list[tuple[str, str]] = []
    salvaged = False
    for key, value in message.raw_items():
        if key.lower() != wanted:
            continue
        text = as_text(str(value), codec).replace("\r", "").replace("\n", "")
        pairs = _parsed(text, codec)
        if not pairs and "@" in text:
            pairs = _salvaged(text, codec)
            salvaged = salvaged or bool(pairs)
        out.extend(pairs)
    return out, salvaged


def _parsed(text: str, codec: str) -> list[tuple[str, str]]:
    # The value parsed as an address list first and only then the names decoded: a decoded
    # name with a comma cannot split an address.
    out = []
    for display, address in email.utils.getaddresses([text]):
        address = storable(address.strip().strip("<>"))
        if is_address(address):
            out.append((_display(display, codec), _lower_domain(address)))
    return out


def _salvaged(text: str, codec: str) -> list[tuple[str, str]]:
    """What a person reads in a value the address parser could not: the last ``<address>``
    and the text before it, else the bare addresses (one: with the text before it)."""
    angles = list(_ANGLE.finditer(text))
    if angles:
        last = angles[-1]
        address = storable(last.group(1))
        if is_address(address):
            return [(_display(text[: last.start()].strip(" \"'"), codec), _lower_domain(address))]
    text = storable(text)
    bare = [m for m in _BARE.finditer(text) if is_address(m.group())]
    if len(bare) == 1:  # "Иван Петров ivan@example.test"
        return [
            (_display(text[: bare[0].start()].strip(" \"'"), codec), _lower_domain(bare[0].group()))
        ]
    return [("", _lower_domain(m.group())) for m in bare]


def _display(display: str, codec: str) -> str:
    if "=?" in display:
        display = decode_words(display, codec or "cp1251")
    display = "".join(c if c.isprintable() else " " for c in storable(display))
    return " ".join(display.split())[:200]


def _lower_domain(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"
