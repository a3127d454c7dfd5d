"""Member-facing parsers on the worst inputs known for them, per KB, against ordinary input.

Anyone can mail the union, write to its bot or fill in its form, so what reads their text must
take time linear in it: issue #12 had a 32 KB mail take 14 s and block the event loop. Each row
is one parser: the **value** is the time per KB of its slowest known adversarial input, the
**baseline** the time per KB of ordinary input of the same size through the same parser, both
in this run. Target: ratio <= 3. A second row per parser shows the worst input's time per KB
at four times the size against its own at 1x: near 1 when linear, 4 when quadratic (target
<= 2).

* **mail trimming** — ``trim.for_display``: ``"1234 <" + "a@" * n`` (14 s for 32 KB before),
  ``">"`` lines with the member's answer below (40 s for 20,000 lines), attributions above
  quotes, long digit runs before an address, signature and mobile lines; lines holding what
  the candidate search looks for (``":"``, a header's or an attribution's word, an address).
* **mail HTML to text** / **mail HTML sanitizing** — ``htmltext.to_text`` and ``sanitize``:
  malformed markup (``"</" * n``, ``"<!" * n``, ``"<" * n``, unclosed comments and
  attributes), ``&``-dense text, nested and dense tags (shown as text past
  ``htmlbounds.DENSE_TAG_BYTES``), and the same tags with words between them: Russian words
  (lists read as HTML, spans shown as text), and ASCII ones at exactly ``DENSE_TAG_BYTES``
  bytes a "<", the densest markup still read as HTML — lists, bold, spans, and the tags nh3
  spends most on (``<li>`` and ``<p>`` closing the one before, ``<br>``, misnested
  ``<b><i>``, lines of a ``<div>`` round a ``<br>``); elements nested as many as
  ``htmlbounds.CHECK_FROM`` (below which the bounds look at nothing).
  Their ordinary input is ordinary HTML mail: the mean per KB of the client shapes in
  ``benchmarks/_html_mail.py`` (Outlook/Word, Gmail, Apple Mail, Thunderbird, a table-layout
  newsletter) around Russian text. The baseline before (one ``<p>`` line every ~70 bytes,
  sparser than any client's mail) stays in sight as rows "against sparse '<p>' lines" (no
  target).
* **mail parse (text bodies)** / **(HTML bodies)** — ``parse.parse`` of a whole message with
  each adversarial body above, against an ordinary text mail and ordinary HTML mail; **(whole
  messages)** — hundreds of tiny MIME parts (alike, or each of its own type), a subject of
  thousands of encoded words (alike, of two charsets, some of only a space, folded).
* **subject topic** — ``threads.topic``: ``"Re: " * n`` (and ``"Отв: " * n``), brackets (with
  and without an appeal number) and spaces around numbers.
* **Telegram update** / **VK event** — msgspec decoding plus ``decode_update``/``decode_event``
  of a message whose text is all escapes or all entities; for Telegram also a message of
  thousands of photo sizes, poll options or keyboard rows, a story of thousands of fields and
  an unknown field of empty arrays (what msgspec skips); for VK thousands of attachments,
  forwards (flat, and nested 5 levels deep), photo sizes, sticker images, an unknown field of
  empty arrays and a ``client_info`` of thousands of button actions. VK's ordinary input is a
  ``message_new`` as members send it (Russian text up to VK's 4,096 characters, photos in VK's
  ten sizes, forwarded messages with a photo each): plain text of the size cannot arrive from
  VK. The plain-text baseline before stays in sight as the row "against plain text" (no
  target).
* **web form field** — the form's field cleaning (``_plain``) on control characters and
  whitespace runs.
* **robot text condition** — a supervisor's pattern run by ``safe_regex`` on text made to make
  it backtrack (``(a+)+b`` on ``a``\\*n).

Size 64 KB (16 KB with ``--quick``). Standalone: ``python -m benchmarks.adversarial_input``
(``--only VK``: only the rows whose parser's name holds ``VK``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, ClassVar

from benchmarks._html_mail import html_mails

TARGET = "<= 3"
GROWTH_TARGET = "<= 2"  # linear stays near 1; quadratic is 4
ORDINARY_LINE = "Здравствуйте, у нас на участке задерживают зарплату уже второй месяц.\n"


def per_kb(call: Callable[[Any], object], text: str | bytes, rounds: int) -> float:
    """Milliseconds per KB of ``text`` (UTF-8, or the bytes as they are), the best of
    ``rounds``."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        call(text)
        best = min(best, time.perf_counter() - started)
    size = len(text) if isinstance(text, bytes) else len(text.encode())
    return best * 1000 / (size / 1024)


def _sized(piece: str, size: int) -> str:
    """``piece`` repeated to about ``size`` bytes of UTF-8."""
    return piece * max(1, size // len(piece.encode()))


def mail_texts(size: int) -> tuple[str, dict[str, str]]:
    worst = {
        "addresses": "1234 <" + "a@" * (size // 2),
        "quote lines": ">\n" * (size // 2) + "и мой ответ",
        "attribution above quote": _sized("On Mon, Ivan wrote:\n> цитата\nответ\n", size),
        "digits before address": _sized("1" * 170 + " <" + "a" * 800 + "@b>:\n> q\n", size),
        "signatures": _sized("-- \n\n", size),
        "mobile lines": _sized("Sent from my iPhone\n\n", size),
        "long line": "слово " * (size // 12),
        # shapes aimed at the trimming's own searches: lines holding an anchor, one after
        # another; a long quoted block under a line of the member's; quotes at line ends
        "anchor lines": _sized("от:\n", size),
        "anchors above quotes": _sized(":\n>\n", size),
        "quoted anchor lines": _sized("> a:\n", size) + "ответ",
        "quote under own line": "x\n" + ">\n" * (size // 2),
        "quote marks mid-line": "a>" * (size // 2),
        # lines the verdicts may each read whole, up to trim.MAX_CANDIDATES of them: "From:"-
        # like headers (the next lines looked at for "Sent:", "To:"…), lines holding an
        # attribution's word, an "@" or a whole address above quoted lines
        "header lines": _sized("от: x\n", size),
        "attribution words": _sized("пишет\n", size),
        "quoted '@' lines": _sized("> @:\n", size) + "ответ",
        "quoted address lines": _sized("> <a@b>:\n", size) + "ответ",
        "attribution words, then a quote": _sized("пишет\n", size) + "> q",
        "attribution words above quotes": _sized("пишет\n>\n", size) + "ответ",
    }
    return _sized(ORDINARY_LINE, size), worst


def html_texts(size: int) -> tuple[str, dict[str, str]]:
    worst = {
        "end tags": "</" * (size // 2),
        "bang": "<!" * (size // 2),
        "less-than": "<" * size,
        "unclosed comment": "<!--" + "a" * size,
        "unclosed attribute": '<a b="' + "a" * size,
        "ampersands": "&x" * (size // 2),
        "entities": "&amp;" * (size // 5),
        "nested lists": _sized("<ul><li>", size),  # quadratic in nh3: 67 s for 256 KB
        "nested divs": _sized("<div>", size),
        "attributes": "<a " + " ".join(f"a{i}=1" for i in range(size // 8)) + ">",
        "references in attribute": '<a title="' + "&x" * (size // 2) + '">',
        "bold": _sized("<b>", size),
        "spans": _sized("<span>x</span>", size),
        # the same with words between the tags: Russian ones (lists 15 bytes a "<", read as
        # HTML; spans 12, shown as text), and ASCII ones at a "<" every
        # htmlbounds.DENSE_TAG_BYTES bytes, the densest markup still read as HTML (the bounds
        # and nh3, ~1 µs a tag)
        "padded nested lists": _sized("<ul><li>слово слово ", size),
        "padded spans": _sized("<span>слово</span> ", size),
        **_at_the_bound(size),
        # nested elements below htmlbounds.CHECK_FROM "<", padded to the size: nh3 walks the
        # open ones on each (~3 ms for 1,000, whatever the size); 1,000 of them, and as many
        # as htmlbounds.NESTED_FROM lets through unlooked-at
        "nested under the check": _below_the_check("<blockquote>", size),
        "nested, as many as not looked at": _below_the_check("<blockquote>", size, True),
    }
    return _sized(f"<p>{ORDINARY_LINE.strip()}</p>\n", size), worst


def _at_the_bound(size: int) -> dict[str, str]:
    """Tags of the shapes nh3 spends most on a tag (each ``<li>`` and ``<p>`` closes the one
    before, misnested ``<b><i>`` are reopened, ...) with ASCII words between them, a "<" every
    ``htmlbounds.DENSE_TAG_BYTES`` bytes: the densest markup still read as HTML."""
    from unionline.channels.mail.htmlbounds import DENSE_TAG_BYTES as every

    def word(length: int) -> str:
        return ("word" * length)[:length]

    shapes = {
        "padded nested lists (ASCII)": "<ul><li>" + word(2 * every - 8),
        "padded bold (ASCII)": "<b>" + word(2 * every - 8) + "</b> ",
        "padded spans (ASCII)": "<span>" + word(2 * every - 14) + "</span> ",
        "padded items (ASCII)": "<li>" + word(every - 4),
        "padded paragraphs (ASCII)": "<p>" + word(every - 3),
        "padded line breaks (ASCII)": "<br>" + word(every - 4),
        "padded misnested bold and italic (ASCII)": "<b><i>" + word(4 * every - 14) + "</b></i>",
        "padded lines with a break (ASCII)": (
            "<div>" + word(every - 5) + "<br>" + word(every - 4) + "</div>" + word(every - 6)
        ),
    }
    return {name: _sized(unit, size) for name, unit in shapes.items()}


def _below_the_check(tag: str, size: int, unlooked: bool = False) -> str:
    """``tag`` opened ``htmlbounds.CHECK_FROM`` times (fewer in a small size; ``unlooked``: as
    many as are not looked at in ``size`` characters), words between, about ``size`` bytes."""
    from math import isqrt

    from unionline.channels.mail.htmlbounds import CHECK_FROM, NESTED_FROM

    times = min(CHECK_FROM, size // (len(tag) + 4))
    if unlooked:  # (start tags)² up to NESTED_FROM times the characters
        times = min(times, isqrt(NESTED_FROM * size))
        while times * times > NESTED_FROM * times * (size // times):
            times -= 1
    return (tag + "w" * (size // times - len(tag))) * times


def mime_mails(size: int) -> tuple[bytes, dict[str, bytes]]:
    """Whole messages: an ordinary one, one of thousands of tiny parts, one whose subject is
    thousands of encoded words (each ~``size`` bytes)."""
    part = "--b\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n"
    head = (
        "From: Иван <ivan@example.test>\r\nTo: union@example.test\r\nSubject: x\r\n"
        "Message-ID: <m@example.test>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nтекст\r\n"
    )
    parts = (head + _sized(part, size) + "--b--\r\n").encode()
    distinct = "".join(  # no two parts with the same Content-Type (no parsed header shared)
        f"--b\r\nContent-Type: application/x-{i}\r\n\r\nx\r\n" for i in range(size // 40)
    )
    kinds = (head + distinct + "--b--\r\n").encode()
    words = _mail("текст").replace(
        b"Subject: x", b"Subject: " + _sized("=?utf-8?q?=D0=BE?= ", size).encode()
    )

    def subject(piece: str) -> bytes:
        return _mail("текст").replace(b"Subject: x", b"Subject: " + _sized(piece, size).encode())

    worst = {
        "MIME parts": parts,
        "MIME parts of distinct types": kinds,
        "encoded-word subject": words,
        # words headers.decode_header leaves to email.header (not alike: ~3.5 µs a word)
        "encoded words of two charsets": subject("=?utf-8?q?=D0=BE?= =?koi8-r?q?=CF?= "),
        "encoded words of spaces": subject("=?utf-8?q?=D0=BE?= =?utf-8?q? ?= "),
        "folded encoded words": subject("=?utf-8?q?=D0=BE?=\r\n "),
    }
    return _mail(_sized(ORDINARY_LINE, size)), worst


def subjects(size: int) -> tuple[str, dict[str, str]]:
    worst = {
        "prefixes": "Re: " * (size // 4),
        "Russian prefixes": "Отв: " * (size // 8),
        "prefix spaces": "re" + " " * size + "x",
        "brackets": "[ " * (size // 2),
        # a number anywhere and the number pattern is tried at every "["
        "brackets and a number": "[ " * (size // 2 - 8) + "[ППО-2026-1]",
        # both brackets dense: threads reads from either end, each tries the pattern
        "both brackets and a number": "[ ] " * (size // 4 - 4) + "[PPO-2026-1]",
        "numbers": _sized("[ППО-2026-1 ", size),
    }
    return _sized("Отпуск и зарплата ", size), worst


def _mail(body: str, kind: str = "plain") -> bytes:
    head = (
        "From: Иван <ivan@example.test>\r\nTo: union@example.test\r\nSubject: x\r\n"
        f"Message-ID: <b@example.test>\r\nContent-Type: text/{kind}; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return (head + body).encode()


Row = tuple[str, Callable[[Any], object], Any, dict[str, Any]]


def rows(size: int, rounds: int) -> list[Row]:
    from unionline.channels.mail import htmltext, threads, trim
    from unionline.channels.mail.parse import parse

    text, text_worst = mail_texts(size)
    sparse, html_worst = html_texts(size)
    html = html_mails(size)  # ordinary HTML mail: the mean of the client shapes
    subject, subject_worst = subjects(size)

    def parse_text(body: str) -> object:
        return parse(_mail(body, "plain"))

    def parse_html(body: str) -> object:
        return parse(_mail(body, "html"))

    mail, mail_worst = mime_mails(size)
    return [
        ("mail trimming", trim.for_display, text, text_worst),
        ("mail HTML to text", htmltext.to_text, html, html_worst),
        ("mail HTML sanitizing", htmltext.sanitize, html, html_worst),
        ("mail parse (text bodies)", parse_text, text, text_worst),
        ("mail parse (HTML bodies)", parse_html, html, html_worst),
        ("mail parse (whole messages)", parse, mail, mail_worst),
        ("subject topic", threads.topic, subject, subject_worst),
        *_chat_rows(size),
        _form_row(size),
        _robot_row(size),
        *_floor_rows(html, html_worst, text, mail_worst),
        # the baseline of the HTML rows before the third round, kept in sight (no target):
        # one "<p>" line every ~70 bytes, sparser than any client's mail
        *(
            (f"{SPARSE}{name}", call, sparse, html_worst)
            for name, call in (
                ("mail HTML to text", htmltext.to_text),
                ("mail HTML sanitizing", htmltext.sanitize),
                ("mail parse (HTML bodies)", parse_html),
            )
        ),
    ]


SPARSE = "against sparse '<p>' lines: "
PLAIN = "against plain text: "  # VK's baseline before: text longer than VK lets a message be
AGAINST = (SPARSE, PLAIN)  # a parser's worst input against another baseline (no target)


def _parser(name: str) -> str:
    """The parser a row times: its name without the prefix of another baseline."""
    return next((name.removeprefix(p) for p in AGAINST if name.startswith(p)), name)


def _floor_rows(
    html: dict[str, str], pages: dict[str, str], text: str, mails: dict[str, bytes]
) -> list[Row]:
    """What the libraries we call cost alone on the same inputs: the part of a ratio that is
    outside our code (no target)."""
    import email

    import nh3

    from unionline.channels.mail.htmlbounds import bound
    from unionline.channels.mail.parse import POLICY

    def stdlib(raw: bytes) -> object:  # with the policy parse uses (header values read once)
        return email.message_from_bytes(raw, policy=POLICY).get_body()

    bounded = {name: cut for name, page in pages.items() if (cut := bound(page).html)}
    quotes = _mail(">\n" * (len(text) // 2) + "и мой ответ")
    return [
        (f"{FLOOR}nh3.clean alone, after htmlbounds", nh3.clean, html, bounded),
        (f"{FLOOR}stdlib email alone", stdlib, _mail(text), {"quote lines": quotes, **mails}),
    ]


FLOOR = "floor: "


def _chat_rows(size: int) -> list[Row]:
    """The webhook bodies as the server receives them (JSON bytes, made outside the timing),
    decoded and read as the channel does; per KB of body."""
    import msgspec

    from unionline.channels.telegram.decode import decode_update
    from unionline.channels.telegram.types import Update
    from unionline.channels.vk.decode import decode_event
    from unionline.channels.vk.types import Event

    def telegram_body(text: str) -> bytes:
        entities = [{"type": "bold", "offset": i, "length": 1} for i in range(0, len(text), 2)]
        message = {
            "message_id": 1,
            "date": 1,
            "chat": {"id": 5, "type": "private"},
            "from": {"id": 5, "is_bot": False, "first_name": "Иван"},
            "text": text,
            "entities": entities if text.startswith("E") else [],
        }
        return msgspec.json.encode({"update_id": 1, "message": message})

    def vk_body(text: str) -> bytes:
        message = {"id": 1, "date": 1, "peer_id": 5, "from_id": 5, "text": text}
        return msgspec.json.encode(
            {"type": "message_new", "event_id": "e1", "group_id": 1, "object": {"message": message}}
        )

    def telegram(raw: bytes) -> object:
        return decode_update(msgspec.json.decode(raw, type=Update))

    def vk(raw: bytes) -> object:
        return decode_event(msgspec.json.decode(raw, type=Event))

    ordinary = _sized(ORDINARY_LINE, size)
    worst = {
        "escapes": '\x01"\\\u2028' * (size // 8),
        "entities": "E" + "жж" * (size // 8),
        "astral": "😀" * (size // 4),
    }
    rows = [
        (name, call, body(ordinary), {k: body(v) for k, v in worst.items()})
        for name, call, body in (
            ("Telegram update", telegram, telegram_body),
            ("VK event", vk, vk_body),
        )
    ]
    rows[0][3].update(_telegram_arrays(telegram_body(""), size))
    rows[1][3].update(_vk_arrays(vk_body(""), size))
    # VK's ordinary event: what a member sends (plain text of this size is longer than VK lets
    # a message be); the plain-text baseline before stays in sight (no target)
    rows.append((f"{PLAIN}VK event", vk, rows[1][2], rows[1][3]))
    rows[1] = ("VK event", vk, _vk_ordinary(size), rows[1][3])
    return rows


def _vk_ordinary(size: int) -> bytes:
    """A ``message_new`` of ~``size`` bytes as a member sends it: Russian text up to VK's 4,096
    characters, photos (VK's ten sizes, their URLs as VK signs them) up to VK's 10, then
    forwarded messages of a few lines and a photo each; ``client_info`` as VK sends it."""
    import msgspec

    def photo(n: int, owner: int) -> dict[str, Any]:
        sizes = [
            {
                "height": height,
                "type": kind,
                "width": width,
                "url": f"https://sun9-{n % 80}.userapi.com/impg/c{n}AbCdEfGhIjKlMnOpQrStUvWxYz"
                f"0123456789/{kind}{n}.jpg?size={width}x{height}&quality=95"
                "&sign=0123456789abcdef0123456789abcdef&type=album",
            }
            for kind, width, height in (
                ("s", 75, 56), ("m", 130, 97), ("x", 604, 453), ("y", 807, 605),
                ("z", 1280, 960), ("w", 2560, 1920), ("o", 130, 98), ("p", 200, 150),
                ("q", 320, 240), ("r", 510, 383),
            )
        ]  # fmt: skip
        return {
            "type": "photo",
            "photo": {
                "album_id": -3,
                "date": 1718000100,
                "id": 457239000 + n,
                "owner_id": owner,
                "access_key": "7a0c5e9d2f0b1a6c3e",
                "sizes": sizes,
                "text": "",
                "has_tags": False,
                "web_view_token": "0123456789abcdef12",
            },
        }

    member, other = 501234567, 612345678
    attached: list[Any] = []
    forwarded: list[Any] = []
    message = {
        "date": 1718001202,
        "from_id": member,
        "id": 1202,
        "out": 0,
        "version": 10001202,
        "attachments": attached,
        "conversation_message_id": 1202,
        "fwd_messages": forwarded,
        "important": False,
        "is_hidden": False,
        "peer_id": member,
        "random_id": 0,
        "text": _sized(ORDINARY_LINE, 2 * 4096)[:4096],
    }
    info = {"button_actions": ["text", "vkpay", "open_app", "location", "open_link", "callback"]}
    event = {
        "group_id": 220000001,
        "type": "message_new",
        "event_id": "6b2d0e3e9b4f9d8c4c5a2a3e3c7b1fad8e2f4a51",
        "v": "5.199",
        "object": {"message": message, "client_info": {**info, "keyboard": True, "lang_id": 0}},
    }
    n = 0
    while len(body := msgspec.json.encode(event)) < size:
        n += 1
        if len(attached) < 10:
            attached.append(photo(n, member))
            continue
        text = ORDINARY_LINE * 4
        forwarded.append(
            {"date": 1717995000 + n, "from_id": other, "text": text, "peer_id": other, "id": 0}
            | {"attachments": [photo(n, other)], "conversation_message_id": 4500 + n}
        )
    return body


def _telegram_arrays(empty: bytes, size: int) -> dict[str, bytes]:
    """Updates of ~``size`` bytes of small objects in the arrays a message has (and one object
    of many fields we only tell by its being there)."""
    import msgspec

    message = msgspec.json.decode(empty)["message"]

    def filled(one: Any) -> list[Any]:  # ~size bytes of JSON
        return [one] * (size // (len(msgspec.json.encode(one)) + 1))

    shapes = {
        "photo sizes": {"photo": filled({"file_id": "a", "file_unique_id": "b", "width": 1})},
        "poll options": {"poll": {"id": "p", "question": "q", "options": filled({"text": "a"})}},
        "keyboard": {"text": "x", "reply_markup": {"inline_keyboard": filled([{"text": "a"}])}},
        "story fields": {"story": {f"k{i}": i for i in range(size // 13)}},
        "unknown field of empty arrays": {"text": "x", "zz": filled([])},  # skipped
    }
    return {
        label: msgspec.json.encode({"update_id": 1, "message": {**message, **fields}})
        for label, fields in shapes.items()
    }


def _vk_arrays(empty: bytes, size: int) -> dict[str, bytes]:
    """``message_new`` events of ~``size`` bytes of small objects in the arrays a message has,
    forwards nested as deep as they are shown (and below, in chains, where only whether any
    is there is looked at), and ``client_info`` (which the channel skips)."""
    import msgspec

    from unionline.channels.vk.eager import MOST
    from unionline.channels.vk.types import MAX_QUOTED

    event = msgspec.json.decode(empty)
    message = event["object"]["message"]

    def filled(one: Any, size: int = size) -> list[Any]:  # ~size bytes of JSON
        return [one] * (size // (len(msgspec.json.encode(one)) + 1))

    def photo(sizes: list[Any]) -> list[Any]:
        return [{"type": "photo", "photo": {"id": 1, "owner_id": 5, "sizes": sizes}}]

    nested: dict[str, Any] = {"text": "a"}
    wide = max(2, round((size / 40) ** 0.2))  # forwards a level, ~size bytes over 5 levels
    for _level in range(5):
        nested = {"text": "a", "fwd_messages": [nested] * wide}

    def chain(bottom: list[Any], depth: int = 5, before: list[Any] | None = None) -> list[Any]:
        """One forward a level, ``depth`` levels, ``bottom`` below them (after ``before``)."""
        for _level in range(depth):
            bottom = [*(before or []), {"text": "a", "fwd_messages": bottom}]
        return bottom

    leaves = filled({"text": "a"})
    # more forwarded messages than the one-pass read takes (after the chain: the read stops
    # past it), so the event is read by levels, each skipping again what lies below it
    crowd = [{"text": "a", "fwd_messages": [{"text": "b"}] * MAX_QUOTED}] * (MOST // 50 + 1)
    shapes = {
        "attachments": {"attachments": filled({"type": "doc", "doc": {"id": 1, "owner_id": 5}})},
        "forwards": {"fwd_messages": filled({"from_id": 5, "text": "a"})},
        "nested forwards": {"fwd_messages": nested["fwd_messages"]},
        # the bulk below the 5 levels shown, under one forward a level (or two: one before)
        "forwards below a chain": {"fwd_messages": chain(leaves)},
        "forwards below a chain, one before each": {"fwd_messages": chain(leaves, 5, leaves[:1])},
        "empty arrays below a chain": {"fwd_messages": chain([{"zz": filled([])}])},
        "forwards at the 5th level": {"fwd_messages": chain(leaves, 4)},
        "forwards each with its own": {
            "fwd_messages": filled({"text": "a", "fwd_messages": leaves[:1]})
        },
        "a chain, then many forwards": {"fwd_messages": chain(leaves) + crowd},
        "empty arrays below a chain, then many forwards": {
            "fwd_messages": chain([{"zz": filled([])}]) + crowd
        },
        "photo sizes": {"attachments": photo(filled({"type": "s", "url": "u", "width": 1}))},
        "sticker images": {
            "attachments": [{"type": "sticker", "sticker": {"images": filled({"url": "u"})}}]
        },
        "unknown field of empty arrays": {"zz": filled([])},  # skipped
    }
    bodies = {
        label: {**event, "object": {"message": {**message, "text": "x", **fields}}}
        for label, fields in shapes.items()
    }
    info = {"button_actions": filled("text"), "keyboard": True, "lang_id": 0}
    text = {**message, "text": "x"}
    bodies["client_info"] = {**event, "object": {"message": text, "client_info": info}}
    return {label: msgspec.json.encode(body) for label, body in bodies.items()}


def _form_row(size: int) -> Row:
    from unionline.channels.webform.submission import _plain, _Problems

    class Config:
        fields: ClassVar[dict[str, object]] = {}

    def clean(text: str) -> object:
        return _plain(text, 10**9, "text", _Problems("ru", Config()), lines=True)

    worst = {
        "spaces": " " * size + "x",
        "line breaks": "\r\n" * (size // 2),
        "control characters": "\x01" * size,
        "tabs": "\t \n" * (size // 3),
    }
    return ("web form field", clean, _sized(ORDINARY_LINE, size), worst)


def _robot_row(size: int) -> Row:
    from unionline.robots import safe_regex

    program = safe_regex.compile(r"(a+)+b|зарплат\w*", True)
    limit = safe_regex.MAX_TEXT  # the matcher reads at most this much of any text
    worst = {"backtracking": "a" * limit, "near misses": "зарпла " * (limit // 7)}
    ordinary = _sized(ORDINARY_LINE.replace("зарплат", "жалован"), limit * 2)[:limit]
    return ("robot text condition", program.search, ordinary, worst)


def measure(size: int, rounds: int, only: str = "") -> list[tuple[str, float, float, float, str]]:
    """Per parser: (name, worst ms/KB, ordinary ms/KB, the worst input's ms/KB at 4x the
    size, the worst input's name); only the rows whose name holds ``only``."""
    out = []
    larger = {name: worst for name, _call, _ordinary, worst in rows(4 * size, rounds)}
    done: dict[str, tuple[float, float, str]] = {}  # parser -> (worst, grown, its name)
    for name, call, ordinary, worst in rows(size, rounds):
        base_measured = _parser(name) in done or not name.startswith(AGAINST)
        if only.lower() not in name.lower() or not base_measured:
            continue
        base = _baseline(call, ordinary, rounds)
        if name.startswith(AGAINST):  # the same worst input, another baseline
            value, grown, label = done[_parser(name)]
            out.append((name, value, base, grown, label))
            continue
        timed = {label: per_kb(call, text, rounds) for label, text in worst.items()}
        label = max(timed, key=lambda k: timed[k])
        grown = per_kb(call, larger[name][label], rounds)
        done[name] = (timed[label], grown, label)
        out.append((name, timed[label], base, grown, label))
    return out


def _baseline(call: Callable[[Any], object], ordinary: Any, rounds: int) -> float:
    """ms per KB of the ordinary input; of several (the HTML mail shapes), their mean."""
    if isinstance(ordinary, dict):
        return sum(per_kb(call, each, rounds) for each in ordinary.values()) / len(ordinary)
    return per_kb(call, ordinary, rounds)


ORDINARY = "{}: worst input per KB (vs ordinary input)"
GROWTH = "{}: worst input per KB at 4x the size (vs 1x)"
TARGETS: dict[str, str] = {}


def run(quick: bool, only: str = "") -> list[tuple[str, float, float, str]]:
    size, rounds = (16 * 1024, 2) if quick else (64 * 1024, 3)
    print(f"adversarial_input: inputs of {size // 1024} KB (and {4 * size // 1024} KB)")
    results = []
    for name, worst, base, grown, label in measure(size, rounds, only):
        if not name.startswith((FLOOR, *AGAINST)):
            TARGETS[ORDINARY.format(name)] = TARGET
        results.append((ORDINARY.format(name), worst, base, f"ms per KB; worst: {label}"))
        if not name.startswith(AGAINST):  # its growth is the row's above
            TARGETS[GROWTH.format(name)] = GROWTH_TARGET
            results.append((GROWTH.format(name), grown, worst, f"ms per KB; {label}"))
    return results


if __name__ == "__main__":
    # --only TEXT: the rows whose parser's name holds TEXT ("--only VK", "--only mail parse")
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv[:-1] else ""
    for figure, value, baseline, unit in run("--quick" in sys.argv, only):
        print(f"{figure}: {value:.4f} vs {baseline:.4f} {unit} (x{value / baseline:.2f})")
