"""Quoted history and signatures, trimmed from what operators read first (the whole text and
the raw message are kept).

Recognized: ``>``-quoted blocks at the end, the attribution lines clients put above a quote
(Gmail "On … wrote:", "… пишет:", Yandex/Mail.ru "… написал(а):"), Outlook's
"-----Original Message-----" / "От: … Отправлено: …" headers, Apple Mail "Begin forwarded
message" is *not* trimmed (a forward is the content), and the "-- " signature separator.

The text is the member's, so trimming costs about the same per kilobyte whatever its shape
(``benchmarks/adversarial_input.py``) and runs no Python code once per line: the quoted block
at the end is found by a few searches from the end of the text, and only the lines holding
an anchor a header or an attribution needs (":", "wrote", "пиш"…, found with ``str.find`` in
the lowercased text) are read one by one — at most ``MAX_CANDIDATES`` of them, and at most
``MAX_ATTRIBUTION_CHECKS`` read by the attribution patterns; a run of short
such lines that can be neither (``_DULL_RUN``) is passed in one match and counted. No pattern
here backtracks over more than a bounded window of one line.
"""

from __future__ import annotations

import heapq
import re

# Trimming is for reading: a longer text is shown whole (nobody reads a megabyte of mail from
# the top, and the whole text is kept anyway).
MAX_TEXT = 1024 * 1024
# An attribution is one short line (or two, when a client wrapped it); longer is never one,
# and the patterns below are only run on this much.
MAX_ATTRIBUTION = 1024
# Lines that hold a header's or an attribution's word but turn out to be neither: past this
# many before the history is found, the text is shown whole (a member's mail has a handful;
# a text made of such lines is made to cost time).
MAX_CANDIDATES = 100
# Of those, the lines the attribution patterns read (``is_attribution``: a line holding an
# attribution's word right above a quote, alone or with the line above it): ~8 µs each against
# ~1 for any other candidate, so their own, lower bound. A member's mail has one or two; past
# this many the text is shown whole, as past MAX_CANDIDATES.
MAX_ATTRIBUTION_CHECKS = 24

_ATTRIBUTION = re.compile(
    r"^(?:"
    r"on .{3,200}wrote:?"  # Gmail, Thunderbird, Apple Mail (en)
    r"|.{3,200}(?:пишет|писал|написал|написала|написал\(а\)):?"  # ru clients, Yandex
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}.{0,120}:"  # "05.03.2026 10:00, Иван <…>:"
    r"|le .{3,200}a écrit ?:"
    r"|am .{3,200}schrieb .{0,200}:?"
    r")\s*$",
    re.IGNORECASE,
)
# "чт, 5 мар. 2026 г. в 12:40, Профком <p@u.example>:" — a year, then within 80 characters
# the address that ends the line. Matched in two linear steps instead of one pattern: the
# address at the end is found first (it can only be the last "<…>"), then a year before it.
# The address's local part stops at its first "@" past the first character, so there is one
# way to split it.
_ADDRESS_AT_END = re.compile(r"<[^<>\s][^<>\s@]*@[^<>\s]+>\s*:\s*$")
_YEAR = re.compile(r"\d{4}")
_OUTLOOK = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|исходное сообщение|пересылаемое сообщение удалено)\s*-{2,}"
    r"|_{10,})\s*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(?:from|от|de|von)\s*:\*?\s+\S", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(
    r"^\s*\*?(?:sent|date|отправлено|дата|to|кому|subject|тема)\s*:", re.IGNORECASE
)
_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|пересылаемое сообщение|переадресованное сообщение)"
    r"|begin forwarded message|начало переадресованного сообщения)",
    re.IGNORECASE,
)
# any of the three above (one match turns away most lines that are none)
_HEADER = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (_FORWARD, _OUTLOOK, _OUTLOOK_FROM)), re.IGNORECASE
)
# a line ``_OUTLOOK_NEXT`` matches, with the line break before it
_NEXT_HEADER = re.compile(
    r"\n[^\S\n]*\*?(?:sent|date|отправлено|дата|to|кому|subject|тема)[^\S\n]*:", re.IGNORECASE
)
_SIGNATURE = re.compile(r"^(?:-- ?|--|—)$")
_MOBILE = re.compile(
    r"^(?:sent from my \w+.*|отправлено (?:с|из) .{2,60}|get outlook for \w+.*)$", re.IGNORECASE
)
_SIGNATURE_LINES = 12  # a "-- " further up than this is not the signature's

# Every line the patterns above can match holds one of these (in the lowercased text): the
# forward and Outlook headers a "message"/"сообщени…" or a rule, "From:"-like headers and the
# attributions with a date or an address a ":", the others their verb. Each is looked for
# with ``str.find``, which skips through text without them.
_ANCHORS = (":", "wrote", "пиш", "писал", "schrieb", "message", "сообщени", "__________")
# ``re.IGNORECASE`` matches these to letters of the anchors; lowercasing does not.
_FOLD = str.maketrans("\u0131\u017f\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85", "isвдостт")
_UNFOLDED = "\u0131\u017f\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85"

# Searches over whole lines ("blank" and "quoted" as the stripped line reads; `\s` is what
# ``str.strip`` strips, and never crosses a line here).
# reversed lines: a quoted line's ">" / an own line's first character, then its leading blanks
_QUOTED_LINE = re.compile(r"\n[^\S\n]*>")
_QUOTED_FIRST = re.compile(r"[^\S\n]*>")
_QUOTED_FROM_END = re.compile(r">[^\S\n]*(?:\n|\Z)")
_OWN_FROM_END = re.compile(r"[^\s>][^\S\n]*(?:\n|\Z)")
_QUOTE_TO_END = re.compile(r"(?:[^\S\n]*\n)*+[^\S\n]*(?:\Z|(?:--|—)[^\S\n]*(?:\n|\Z))")
_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)*")
_NEXT_QUOTED = re.compile(r"(?:[^\S\n]*\n)*[^\S\n]*>")


def for_display(text: str) -> str:
    """``text`` without the quoted history and signature at its end ("" stays "")."""
    if len(text) > MAX_TEXT:
        return text.strip("\n")
    cut = _history_start(text)
    head = text if cut is None else text[: max(cut - 1, 0)]
    result = _drop_signature(head).strip("\n")
    return result if result.strip() else text.strip("\n")


class _Checks:
    """The attribution patterns' reads left (``MAX_ATTRIBUTION_CHECKS``)."""

    def __init__(self) -> None:
        self.left = MAX_ATTRIBUTION_CHECKS

    def take(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _TooManyChecks


class _TooManyChecks(Exception):
    pass


def _history_start(text: str) -> int | None:
    """Offset of the first line of the quoted history (None when there is none, or when
    finding it would read more than the bounds allow)."""
    try:
        return _history_within(text, _Checks())
    except _TooManyChecks:
        return None


def _history_within(text: str, checks: _Checks) -> int | None:
    quote = _quote_start(text)
    low = _lowered(text)
    if low is None:
        return quote
    length = len(text)
    limit = length if quote is None else quote
    pending = _anchors_from(low, 0)  # each anchor's next place, the nearest first
    count = -1  # candidate lines looked at, less one
    last_end = -1  # the line break ending the last candidate line looked at
    retry, gap = 0, 1  # when to look for a run of lines passed at once (_dull_run) again
    last_quote = -2  # the ">" of the last quoted line (-1: none), once asked
    while pending:
        at = pending[0][0]
        start = low.rfind("\n", 0, at) + 1
        end = low.find("\n", at)
        if end < 0:
            end = length
            pending.clear()
        while pending and pending[0][0] < end:  # the line's other anchors: look past it
            found = low.find(pending[0][1], end + 1)
            if found < 0:
                heapq.heappop(pending)
            else:
                heapq.heapreplace(pending, (found, pending[0][1]))
        count += 1
        if start and start - 1 != last_end:  # the line above holds no anchor: not looked at
            previous = text.rfind("\n", 0, start - 1) + 1
            if (
                (quote is None or previous < quote)
                and _may_attribute(text, low, previous, start - 1, end)
                and _attribution_at(text, previous, (2,), checks)
            ):
                return previous  # an attribution wrapped onto the line of the word
        if quote is not None and start >= quote:
            break
        if count >= MAX_CANDIDATES:
            return None
        last_end = end
        # the verdict is None unless the line may be an attribution (it starts with a digit, or
        # it or the next line holds an attribution's word) or reads as a header
        stripped = None
        attributes = False
        if text[start] not in _PLAIN_FIRST:  # (a candidate line holds its anchor: never empty)
            stripped = text[start:end].strip()
            attributes = stripped[:1].isdigit()
        if not attributes:
            two = text.find("\n", end + 1) if end < length else end
            if two < 0:
                two = length
            word = _ATTRIBUTION_WORDS.search(low, start, two)
            attributes = word is not None and _attribution_words(low, start, two, word)
        if attributes:  # an attribution is followed by a quoted line: may one be below?
            if last_quote == -2:
                last_quote = _last_quoted(text)
            attributes = last_quote > end and _quote_may_follow(text, end)
        if attributes or (
            stripped is not None
            and stripped[:1].casefold() in _HEADER_STARTS
            and _HEADER.match(stripped) is not None
        ):
            verdict = _verdict(text, start, checks if attributes else None)
            if verdict is not None:
                return None if verdict == "forward" else start
        if count >= retry and end + 1 < limit and low[end + 1] in _RUN_FIRST:
            # the lines below that can be neither header nor attribution, passed in one
            # match: every one but the last (whose verdict depends on the line after them)
            resume = _dull_run(low, end + 1, limit)
            if resume > end + 1:
                count += len(_CANDIDATE_LINE.findall(low, end + 1, resume))
                if count >= MAX_CANDIDATES:
                    return None
                last_end = resume - 1
                pending = _anchors_from(low, resume, pending)
                gap = 1
            else:  # tried again after twice as many candidates each time it finds none
                retry, gap = count + gap, 2 * gap
    return quote


def _anchors_from(
    low: str, start: int, pending: list[tuple[int, str]] | None = None
) -> list[tuple[int, str]]:
    """A heap of each anchor's first place in ``low`` from ``start`` on (an anchor not there
    left out); ``pending``: the heap before, whose places past ``start`` still hold."""
    if pending is None:
        places = [(low.find(anchor, start), anchor) for anchor in _ANCHORS]
    else:
        places = [(at if at >= start else low.find(a, start), a) for at, a in pending]
    heap = [item for item in places if item[0] >= 0]
    heapq.heapify(heap)
    return heap


def _may_attribute(text: str, low: str, start: int, end: int, two: int) -> bool:
    """Cheap test first, in a few C calls: whether the line ``text[start:end]`` alone or with
    the next (ending at ``two``) can be an attribution — it starts with a digit, or the two
    lines hold one of the words every attribution pattern needs. False: ``_attribution_at``
    would say False."""
    plain = start < end and text[start] in _PLAIN_FIRST  # not a digit even once stripped
    if not plain and text[start:end].strip()[:1].isdigit():
        return True
    found = _ATTRIBUTION_WORDS.search(low, start, two)
    return found is not None and _attribution_words(low, start, two, found)


def _last_quoted(text: str) -> int:
    """Offset of the ">" starting the last line that starts with one (after blanks); -1."""
    if ">" not in text:
        return -1
    found = _last_line_starting(text, len(text), _QUOTED_FROM_END)
    return -1 if found is None else found


def _quote_may_follow(text: str, end: int) -> bool:
    """Whether the line after the one ending at ``end``, or the line after that, starts a
    quote (``_NEXT_QUOTED``: blank, or ``>`` after blanks) — what ``_attribution_at`` needs of
    the lines below an attribution of one line or of two."""
    after = end + 1
    if after >= len(text):
        return False
    if text[after] == ">" or text[after].isspace():
        return True
    second = text.find("\n", after) + 1
    return 0 < second < len(text) and (text[second] == ">" or text[second].isspace())


def _dull_run(low: str, start: int, limit: int) -> int:
    """Where the last line of the run of lines from ``start`` (before ``limit``) that can be
    neither header nor attribution starts; ``start`` when there is none."""
    run = _DULL_RUN.match(low, start, limit)
    if run is None:
        return start
    end = run.end()
    # A "From:"-like line is none while no line of the five below it reads "Sent:", "To:"…:
    # the run ends five lines above the first that does (in it or below it).
    below = end - 1
    for _ in range(5):
        if below < len(low):
            below = _line_end(low, below + 1)
    header = _NEXT_HEADER.search(low, start - 1, below)
    if header is not None:
        above = header.start()
        for _ in range(5):
            above = low.rfind("\n", start - 1, above)
            if above < 0:
                return start
        end = min(end, above + 1)
    return low.rfind("\n", start, end - 1) + 1 if end > start else start


def _lowered(text: str) -> str | None:
    """``text`` lowercased letter for letter (same offsets), with the letters
    ``re.IGNORECASE`` equates to the candidate words' folded to them."""
    low = text.lower()
    if len(low) != len(text):  # only "İ" lowercases to two characters
        low = text.replace("\u0130", "i").lower()
        if len(low) != len(text):
            return None
    if low.isascii() or not any(letter in low for letter in _UNFOLDED):
        return low
    return low.translate(_FOLD)


def _verdict(text: str, start: int, attributes: _Checks | None) -> str | None:
    """What the line at ``start`` is: "forward", "history" or None (neither); ``attributes``
    None: it is no attribution (``_may_attribute``), else the attribution patterns' reads left."""
    end = _line_end(text, start)
    stripped = text[start:end].strip()
    if _header_like(stripped) and _HEADER.match(stripped):
        if _FORWARD.match(stripped):
            return "forward"  # what follows is the point of the mail
        if _OUTLOOK.match(stripped):
            return "history"
        if _OUTLOOK_FROM.match(stripped) and _followed_by_headers(text, end):
            return "history"
    if attributes is None:
        return None
    return "history" if _attribution_at(text, start, (1, 2), attributes) else None


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _quote_start(text: str) -> int | None:
    """Offset of the quoted block that ends the text: only quoted lines (and blanks, and a
    signature after them) from there on — a quote with the member's own words below or
    between its lines (bottom-posting) is not history."""
    if ">" not in text or (_QUOTED_LINE.search(text) is None and not _QUOTED_FIRST.match(text)):
        return None  # no line starts with ">" (a search for line breaks, fast in C)
    quoted = _last_line_starting(text, len(text), _QUOTED_FROM_END)  # its ">"
    if quoted is None:
        return None
    end = text.find("\n", quoted)
    if end >= 0 and _QUOTE_TO_END.match(text, end + 1) is None:
        return None
    line = text.rfind("\n", 0, quoted) + 1
    own = _last_line_starting(text, line, _OWN_FROM_END)  # the last line not blank nor quoted
    after = _line_end(text, own + 1) + 1 if own is not None else 0
    first = _BLANK_LINES.match(text, after)  # always matches (blank lines may be none)
    assert first is not None
    return first.end()  # the block's first quoted line


def _last_line_starting(text: str, end: int, pattern: re.Pattern[str]) -> int | None:
    """Offset of the first non-blank character of the last line before ``end`` that starts as
    ``pattern`` (one of the ``_FROM_END`` ones) says, None when none does. Searched forward in
    the text reversed, where that character is followed by blanks up to a line break or the
    start: one search in C, where a pattern from the start backtracked over every character."""
    found = pattern.search(text[end - 1 :: -1]) if end > 0 else None
    return end - 1 - found.start() if found is not None else None


def _header_like(line: str) -> bool:
    """Cheap test first (most lines are neither): the first characters the forward, Outlook
    and "From:" patterns can start with."""
    return line[:1].casefold() in _HEADER_STARTS


_HEADER_STARTS = set("-_*bнfоdv")
# First characters of a line that tell it is neither an attribution starting with a digit nor a
# header (not blank, not a digit, not a header's first letter): what most lines start with.
_PLAIN_FIRST = frozenset(
    c
    for c in map(chr, range(0x800))
    if not (c.isspace() or c.isdigit() or c.casefold() in _HEADER_STARTS)
)
# Every attribution pattern needs one of these (after casefolding), or a leading digit: its
# verb, or the address ``_ADDRESS_AT_END`` ends the line with (no blank in it, so on one line)
# and a year (``_YEAR``) before it.
_VERBS = "wrote|пиш|писал|écrit|schrieb"
_ATTRIBUTION_WORDS = re.compile(rf"{_VERBS}|<[^<>\s][^<>\s@]*@[^<>\s]+>")
_VERB = re.compile(_VERBS)


def _attribution_words(
    text: str, start: int = 0, end: int | None = None, found: re.Match[str] | None = None
) -> bool:
    """Whether ``text[start:end]`` holds an attribution's verb, or an address and a year
    (``found``: the first match of ``_ATTRIBUTION_WORDS`` there, when searched already)."""
    end = len(text) if end is None else end
    if found is None:
        found = _ATTRIBUTION_WORDS.search(text, start, end)
        if found is None:
            return False
    if text[found.start()] != "<":
        return True  # a verb
    return _VERB.search(text, found.end(), end) is not None or (
        _YEAR.search(text, start, end) is not None
    )


# A run of short lines none of which can be a header or an attribution's line, nor the line
# above or below one: none holds an attribution's word, each starts with a character that is
# neither blank, a digit nor a header's first letter — or the first letter of the "From:"-like
# headers only, which are none while no "Sent:"/"To:"-like line is among the five below them
# (``_dull_run`` ends the run above those). At most one line in a row without an anchor, so a
# match reads no more lines than twice the candidates it passes. In the lowered text: every
# character that lowers to one of these is none of the others either (test_mail_trim).
_RUN_LINE = 40  # characters at most: a longer line is looked at on its own
_RUN_LEAST = 4  # candidate lines; passing fewer at once costs more than reading them
_PLAIN_LOW = "!\"#$%&'()+,./:;<=>?@[\\]^`{|}~aceghijklmnopqrstuwxyzабвгдежзийклмпрстуфхцчшщъыьэюяё"
_FROM_LOW = "оfdv"  # first letters of "from", "от", "de", "von" only
_RUN_FIRST = frozenset(_PLAIN_LOW + _FROM_LOW)
_ANCHOR = "(?:" + "|".join(map(re.escape, _ANCHORS)) + ")"
_DULL_START = f"[{re.escape(_PLAIN_LOW + _FROM_LOW)}]"  # (_dull_run: what "From:" needs)
_SHORT = rf"(?=[^\n]{{0,{_RUN_LINE - 1}}}\n)(?![^\n]*(?:{_VERBS}|\d{{4}}))"
_DULL_RUN = re.compile(
    rf"(?:{_SHORT}(?:(?![^\n]*{_ANCHOR}){_DULL_START}[^\n]*\n{_SHORT})?"
    rf"(?=[^\n]*{_ANCHOR}){_DULL_START}[^\n]*\n){{{_RUN_LEAST},{MAX_CANDIDATES + 1}}}"
)
_CANDIDATE_LINE = re.compile(rf"^(?=[^\n]*{_ANCHOR})", re.MULTILINE)


def _attribution_at(text: str, start: int, widths: tuple[int, ...], checks: _Checks) -> bool:
    """An attribution line (maybe wrapped over two lines) at ``start``, followed by a quote
    (each line the patterns read taken from ``checks``)."""
    first_end = _line_end(text, start)
    for width in widths:
        if width == 1:
            end = first_end
        elif first_end == len(text):
            continue  # no second line
        else:
            end = _line_end(text, first_end + 1)
        if end == len(text) or _NEXT_QUOTED.match(text, end + 1) is None:
            continue  # cheap test first: only a line above a quote can be its attribution
        line = text[start:first_end].strip()
        if width == 2:
            line += " " + text[first_end + 1 : end].strip()
        checks.take()
        if is_attribution(line):
            return True
    return False


def is_attribution(line: str) -> bool:
    """Whether ``line`` reads like "On <date>, <who> wrote:" in one of the known languages."""
    if len(line) > MAX_ATTRIBUTION:
        return False
    if not line[:1].isdigit() and not _attribution_words(line.casefold()):
        return False  # cheap test first: most lines above a quote are quotes themselves
    if _ATTRIBUTION.match(line):
        return True
    address = _ADDRESS_AT_END.search(line)
    if address is None:
        return False
    # A year starting in the first 160 characters and ending at most 80 before the "<".
    first, last = max(0, address.start() - 84), min(160, address.start() - 4)
    return first <= last and _YEAR.search(line, first, last + 4) is not None


def _followed_by_headers(text: str, end: int) -> bool:
    """Two of the next (at most four non-blank among five) lines read "Sent:", "To:"…"""
    last = end  # cheap test first: two lines of the next five that read so
    for _ in range(5):
        if last < len(text):
            last = _line_end(text, last + 1)
    first = _NEXT_HEADER.search(text, end, last)
    if first is None or _NEXT_HEADER.search(text, first.end(), last) is None:
        return False
    following = []
    for _ in range(5):
        if end >= len(text):
            break
        start, end = end + 1, _line_end(text, end + 1)
        if text[start:end].strip():
            following.append(text[start:end])
    return sum(1 for line in following[:4] if _OUTLOOK_NEXT.match(line)) >= 2


def _drop_signature(head: str) -> str:
    """``head`` without a "-- " signature in its last lines or a closing "Sent from my …"."""
    # The lines a signature separator may start (never the first): the last twelve.
    cuttable = head.rsplit("\n", _SIGNATURE_LINES)[1:]
    ends = []  # where each of them starts, bottom first
    at = len(head)
    for line in reversed(cuttable):
        at -= len(line)
        ends.append((at, line))
        at -= 1
    filled = head.rstrip()
    last_words = filled.rfind("\n")  # the "\n" before the last line that is not blank
    mobile = -1
    if last_words >= 0 and _MOBILE.match(filled[last_words + 1 :].strip()):
        mobile = last_words + 1
    for start, line in ends:
        if start <= mobile:
            break
        if _SIGNATURE.match(line.rstrip()):
            return head[: start - 1]
    return head[: mobile - 1] if mobile > 0 else head
