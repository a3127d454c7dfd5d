"""HTML past the bounds nh3 is quadratic beyond is cut back before it is sanitized; ordinary
mail is passed on as it is, and the text always reads the same (issue #12 item 3). Speed is
measured in ``benchmarks/adversarial_input.py``."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import htmlbounds_reference as reference
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks._html_mail import html_mails
from unionline.channels.mail import htmlbounds, htmltext
from unionline.channels.mail.parse import parse

FIXTURES = Path(__file__).parent / "fixtures"
ORDINARY = (  # 16.9 bytes a "<" (real webmail: from 17.6)
    "<table><tr><td><p>Здравствуйте, <b>коллеги</b> &amp; друзья! Прошу разъяснить порядок"
    " оплаты.</p></td></tr></table>"
)


def html_mail(html: str) -> bytes:
    head = (
        "From: Иван <ivan@example.test>\r\nTo: union@example.test\r\nSubject: x\r\n"
        "Message-ID: <h@example.test>\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return (head + html).encode()


def test_ordinary_html_is_passed_on_as_it_is():
    html = ORDINARY * 120
    assert html.count("<") > htmlbounds.CHECK_FROM  # past the check: looked at, untouched
    bounded = htmlbounds.bound(html)
    assert bounded.html == html and bounded.notes == []
    assert htmlbounds.bound(ORDINARY).html == ORDINARY


def test_elements_nested_past_the_bound_lose_their_tags_not_their_text():
    deep = htmlbounds.MAX_DEPTH + 500
    html = "<div>строка письма " * deep + "</div>" * deep  # 18.5 bytes a "<": not dense
    bounded = htmlbounds.bound(html)
    assert bounded.html.count("<div>") == htmlbounds.MAX_DEPTH
    assert bounded.notes == [f"HTML: 500 tags nested deeper than {htmlbounds.MAX_DEPTH} dropped"]
    assert htmltext.to_text(html).split() == ["строка", "письма"] * deep
    parsed = parse(html_mail(html))
    assert parsed.text.split() == ["строка", "письма"] * deep
    assert parsed.error is not None and "nested deeper" in parsed.error


def test_dense_markup_nests_less_deep():
    """Past ``CHECK_FROM``, markup denser than a "<" every ``DENSE_DEPTH_BYTES`` bytes of UTF-8
    (and not denser than ``DENSE_TAG_BYTES``: shown as text) nests up to ``DENSE_MAX_DEPTH``;
    at that density exactly, or counted in characters only (Russian text is two bytes a
    letter), up to ``MAX_DEPTH``. The text stays whole."""
    dense, shallow = htmlbounds.DENSE_MAX_DEPTH, htmlbounds.MAX_DEPTH
    for unit, limit in (
        ("<ul><li>wordwordwordwordword", dense),  # 14 bytes a "<"
        ("<ul><li>wordwordwordwordwordwor", dense),  # 15.5
        ("<ul><li>wordwordwordwordwordword", shallow),  # 16
        ("<ul><li>слово слово ", dense),  # 15 bytes (10 characters) a "<"
        ("<ul><li>слово слово с", shallow),  # 16 bytes (10.5 characters)
    ):
        html = unit * 1000
        bounded = htmlbounds.bound(html)
        assert htmlbounds.depth_limit(html, html.count("<")) == limit, unit
        assert bounded.html.count("<ul>") == limit // 2, unit
        note = f"HTML: {1000 - limit // 2} tags nested deeper than {limit} dropped"
        assert bounded.notes == [note], unit
        assert htmltext.to_text(bounded).split() == htmltext.to_text(unit * 10).split() * 100
    few = "<div>w" * htmlbounds.CHECK_FROM  # not past the check: the bound of sparse markup
    assert htmlbounds.depth_limit(few, few.count("<")) == shallow
    assert htmlbounds.bound(few).html.count("<div>") == shallow
    lone = "<div>\ud800wordwo" * (htmlbounds.CHECK_FROM + 1)  # a lone surrogate (3 bytes)
    assert htmlbounds.bound(lone).html.count("<div>") == dense


def test_below_the_check_many_start_tags_for_the_size_are_looked_at():
    """Below ``CHECK_FROM`` the depth is followed when the start tags squared are more than
    ``NESTED_FROM`` times the characters: 1,000 nested quotes in 16 KB are cut to
    ``MAX_DEPTH``; as many closed round their text, or fewer nested, are passed on as they are."""
    times = htmlbounds.CHECK_FROM
    nested = ("<blockquote>" + "w" * 12) * times  # 16,000 characters: 62 per start tag squared
    bounded = htmlbounds.bound(nested)
    assert bounded.html.count("<blockquote>") == htmlbounds.MAX_DEPTH
    assert bounded.notes == [f"HTML: {times - 100} tags nested deeper than 100 dropped"]
    closed = ("<blockquote>" + "w" * 12 + "</blockquote>") * (times // 2)
    assert htmlbounds.bound(closed) == htmlbounds.Bounded(closed)
    sparse = ("<blockquote>" + "w" * 33) * 350  # 350² <= 8 × 15,750 characters
    assert htmlbounds.bound(sparse) == htmlbounds.Bounded(sparse)  # not looked at
    denser = ("<blockquote>" + "w" * 25) * 420  # 420² > 8 × 15,540
    assert htmlbounds.bound(denser).html.count("<blockquote>") == htmlbounds.MAX_DEPTH
    for name, html in html_mails(16 * 1024).items():  # ordinary mail below the check
        starts = html.count("<") - html.count("</")
        assert starts**2 <= htmlbounds.NESTED_FROM * len(html), name


def test_closed_and_self_closing_elements_do_not_count_as_depth():
    html = ("<div><p>Здравствуйте<br><li>уважаемые коллеги</div>" * 2000) + "<div>" * 10
    bounded = htmlbounds.bound(html)
    assert bounded.html == html and bounded.notes == []


def test_a_long_run_of_character_references_reads_the_same():
    html = "<p>" + "&amp;x" * 3000 + "</p>"
    bounded = htmlbounds.bound(html)
    assert bounded.html != html and bounded.notes == []  # split by empty comments only
    assert htmltext.to_text(html) == "&x" * 3000
    assert htmltext.sanitize(html) == htmltext.sanitize(html.replace("&amp;x", "&amp;y")).replace(
        "y", "x"
    )
    assert "<!--" not in htmltext.sanitize(html)


def test_tags_with_too_many_references_or_attributes_are_dropped_with_a_note():
    refs = '<a title="' + "&x" * (htmlbounds.MAX_REFERENCES + 1) + '">ссылка</a>'
    many = "<a " + " ".join(f"a{i}=1" for i in range(htmlbounds.MAX_ATTRIBUTES + 1)) + ">ещё</a>"
    html = refs + many + "<br>" * htmlbounds.CHECK_FROM + " " * 16_000  # not denser than mail's
    parsed = parse(html_mail(html))
    assert parsed.text.split() == ["ссылкаещё"]  # the text of both links is kept
    assert parsed.error is not None
    assert f"more than {htmlbounds.MAX_REFERENCES} character references" in parsed.error
    assert f"more than {htmlbounds.MAX_ATTRIBUTES} attributes" in parsed.error


def test_markup_denser_than_mail_has_no_html_view_only_its_text():
    lists = "<ul><li>пункт" * 3000  # nh3 took ~1 µs a tag, ~100 times an ordinary mail per KB
    bounded = htmlbounds.bound(lists)
    assert bounded.html == "" and bounded.flat == lists
    assert bounded.notes[0].startswith("HTML as text: 6000 '<'")
    assert htmltext.sanitize(lists) == ""
    assert htmltext.to_text(lists).split() == ["пункт"] * 3000
    parsed = parse(html_mail("<p>Здравствуйте</p>" + lists))
    assert parsed.html == "" and parsed.text.split() == ["Здравствуйте"] + ["пункт"] * 3000
    assert "HTML-версия письма не показана (слишком плотная разметка): показан её текст" in (
        parsed.warnings
    )


def test_dense_markup_reads_as_html5_would_read_its_text():
    table = "<table>" + "<tr><td>1</td><td>2</td></tr>" * 400 + "</table>"
    assert htmlbounds.bound(table).flat is not None
    assert htmltext.to_text(table) == "\n\n".join(["1 2"] * 400)  # as the HTML view's text
    assert htmltext.to_text("&x" * 3000) == "&x" * 3000
    assert htmltext.to_text("&lt;b&gt; &amp;" * 1000) == "<b> &" * 1000
    assert htmltext.to_text("a<br>" * 2000) == "\n".join(["a"] * 2000)
    assert htmltext.to_text("</" * 5000) == "" and htmltext.to_text("<" * 5000) == "<" * 5000
    assert htmltext.sanitize("<script>alert(1)</script>" * 2000) == ""


def test_ordinary_mail_is_read_as_html_not_as_text():
    for html in (ORDINARY * 120, "<p>" + "Здравствуйте, коллеги! &nbsp;" * 2000 + "</p>"):
        assert htmlbounds.bound(html).flat is None
        assert "<p>" in htmltext.sanitize(html)


def test_a_list_counts_with_its_item_and_a_table_with_its_rows_and_cells():
    """``"<ul><li>" * n`` is twice as deep as its ``<ul>``s in the tree nh3 builds (each item
    opens under its list): the bound counts both, so nh3's tree stays MAX_DEPTH deep."""
    deep = max(htmlbounds.MAX_DEPTH * 4, htmlbounds.CHECK_FROM)  # past the check
    lists = "<ul><li>пункт длинного списка " * deep  # not dense (24 bytes a "<")
    bounded = htmlbounds.bound(lists)
    assert bounded.flat is None and bounded.html.count("<ul>") == htmlbounds.MAX_DEPTH // 2
    assert htmltext.to_text(lists).split() == ["пункт", "длинного", "списка"] * deep
    tables = "<table><tr><td>ячейка большой таблицы письма " * deep + "</td></tr></table>" * deep
    dense = htmlbounds.DENSE_MAX_DEPTH  # 14.8 bytes a "<"
    assert htmlbounds.bound(tables).html.count("<table>") == dense // 4
    tables = "<table><tr><td>ячейка большой таблицы в письме " * deep + "</table>" * deep
    assert htmlbounds.bound(tables).html.count("<table>") == htmlbounds.MAX_DEPTH // 4
    shallow = (
        "<table><tr><td><ul><li>пункт длинного списка в ячейке большой таблицы письма</li></ul>"
        "</td></tr>"
        "</table>\n"
    ) * 500
    assert htmlbounds.bound(shallow).html == shallow  # closed ones give their depth back


# Pieces of markup the bounds look at: nesting that is counted and not, closing tags with and
# without an open one, names in any case (and the Kelvin sign, which IGNORECASE would take for
# a "k"), tags left open at "<", references in text and attributes, tags of many attributes.
FRAGMENTS = [
    "<div>", "</div>", "<DIV class=x>", "</Div >", "<ul>", "<li>", "</ul>", "<table>",
    "</table>", "<p>", "<br/>", "<span>", "</span>", "<b>", "</i>", "<\u212a>", "</", "<", ">",
    "<div\n", "слово ", "&amp;", "&x", " ", "\n", "<!-- c -->", '<a href="x">', "</a>",
    "<\u0130>", "</\u0130>", "<l\u0130>", "</L\u0130>", "<li\u0307>", "</\u212a>", "<b\u212a>",
    '<a title="' + "&x" * (htmlbounds.MAX_REFERENCES + 1) + '">',
    "<a " + " ".join(f"a{i}" for i in range(htmlbounds.MAX_ATTRIBUTES + 1)) + ">",
    "<a " + "b" * (htmlbounds.MAX_ATTRIBUTES * 2 + 5) + ">",
    "&y" * (htmlbounds.MAX_REFERENCES // 2),
]  # fmt: skip
markup = st.lists(
    st.tuples(st.sampled_from(FRAGMENTS), st.integers(1, 300)), min_size=1, max_size=12
).map(lambda pieces: "".join(piece * _times(piece, count) for piece, count in pieces))


def _times(piece: str, count: int) -> int:
    return count if len(piece) < 20 else min(count, 3)  # the long pieces: a few are enough


@given(html=markup)
@settings(deadline=None, max_examples=150)
def test_the_check_and_the_pass_bound_as_the_pass_of_before_did(html: str):
    """The check that skips the copying pass says "as it is" only when the pass of before
    copied everything unchanged, and the pass (now one split in C) copies and drops the same
    tags; ``bound`` answers as before on every input (past ``CHECK_FROM`` or not)."""
    expected = reference.bounded_by_pass(html)
    if htmlbounds._within(html, html.count("&")):
        assert expected.html == html and expected.notes == []
    pass_ = htmlbounds._Pass(html)
    pass_.run()
    assert ("".join(pass_.out), pass_.notes()) == (expected.html, expected.notes)
    padded = html + "<br>слово " * (htmlbounds.CHECK_FROM + 1)  # past the check, not dense
    for page in (html, padded):
        got, want = htmlbounds.bound(page), reference.bound(page)
        assert (got.html, got.notes, got.flat) == (want.html, want.notes, want.flat)


# Elements the check removes before it follows the depth (opened and closed round text), and
# what must keep them: another tag inside, another name or case, a list or table (heavier),
# the Kelvin sign and a no-break space where a name ends (not a name character for ``_TAG``),
# a counted name starting as an uncounted one ("pre", "p").
PAIRS = [
    "<b>слово</b>", "<span class=x>слово</span> ", "<i><b>x</b></i>", "<div>a<br>b</div>",
    "<SPAN>x</span>", "<ul>x</ul>", "<table>x</table>", "<lin\u212a>x</link>", "<div\u00a0>x</div>",
    "<b>x</b\u00a0>", "<bx>x</b>", "<b>x</bx>", "<p>x</p>", "<b>x</i>", "</b>", "<b>", "<div>",
    "<ul><li>", "<table>", "</div>", "</ul>", "слово ", "<li>", "<!-- <b> -->", "<<b>x</b>",
    "</<b>x</b>", "<pre>", "<pre><b>x<br>y</b>", "<b>x<BR>y</b>", "<l\u0130>", "</l\u0130>",
    "<\u0130>x</\u0130>", "<b\u0130>x</B\u0130>", "<\u212a>", "<b>\u0130</b>",
]  # fmt: skip
LEVELS = {"<div>": 1, "<ul><li>": 2, "<table>": 4, "<i>": 1}  # each prefix's weight
LIMITS = (htmlbounds.MAX_DEPTH, htmlbounds.DENSE_MAX_DEPTH)


def _at_the_bound(
    prefix: str, past: int, pieces: list[tuple[str, int]], limit: int = htmlbounds.MAX_DEPTH
) -> str:
    """``prefix`` nested ``past`` levels past the bound ``limit`` (or short of it), then the
    pieces with words between them, past the check and as dense as that bound is for."""
    levels = limit // LEVELS[prefix] + past
    html = prefix * levels + "".join((piece + " слово слово") * n for piece, n in pieces)
    return _past_the_check(html, limit)


def _past_the_check(html: str, limit: int) -> str:
    """``html`` and more tags after it, past ``CHECK_FROM``: for ``DENSE_MAX_DEPTH`` as many
    as bring the whole between ``DENSE_TAG_BYTES`` and ``DENSE_DEPTH_BYTES`` bytes a "<" (a
    "<" every 15 bytes after markup denser than that, every 14 after sparser), else sparse
    ones and text enough to keep the whole above it."""
    tags, size = html.count("<"), len(html.encode("utf-8", "surrogatepass"))
    if limit == htmlbounds.DENSE_MAX_DEPTH:
        assert (htmlbounds.DENSE_TAG_BYTES, htmlbounds.DENSE_DEPTH_BYTES) == (14, 16)
        if size < 15 * tags:  # 14 * (tags + n) <= size + 15 * n
            page = html + "<br>wordwordwor" * max(htmlbounds.CHECK_FROM + 1, 14 * tags - size)
        else:  # size + 14 * n < 16 * (tags + n)
            need = (size - 16 * tags) // 2 + 1
            page = html + "<br>wordwordwo" * max(htmlbounds.CHECK_FROM + 1, need)
    else:
        page = html + "<br>слово " * (htmlbounds.CHECK_FROM + 1) + "x" * (16 * tags + 1001)
    assert htmlbounds.depth_limit(page, page.count("<")) == limit
    return page


near_the_bound = st.builds(
    _at_the_bound,
    st.sampled_from(sorted(LEVELS)),
    st.integers(-5, 2),
    st.lists(st.tuples(st.sampled_from(PAIRS), st.integers(1, 400)), min_size=1, max_size=10),
    st.sampled_from(LIMITS),
)


@given(html=st.one_of(near_the_bound, markup), limit=st.sampled_from(LIMITS))
@settings(deadline=None, max_examples=200)
def test_the_shortcuts_bound_as_the_pass_of_before_did(html: str, limit: int):
    """Elements removed before the depth is followed, and the stretches where the depth is
    full cut by one substitution: ``bound`` answers as the pass of before, past the check,
    also where the markup hovers at the bound; and the check says "within" only when it is."""
    if htmlbounds._shallow(html):
        assert not any("nested deeper" in note for note in reference.bounded_by_pass(html).notes)
    page = _past_the_check(html, limit) if html.count("<") <= htmlbounds.CHECK_FROM else html
    got, want = htmlbounds.bound(page), reference.bound(page)
    assert (got.html, got.notes, got.flat) == (want.html, want.notes, want.flat)


def test_each_piece_at_the_bound_bounds_as_the_pass_of_before_did():
    for limit in LIMITS:
        for prefix in LEVELS:
            for past in (-1, 0, 1):
                for piece in PAIRS:
                    page = _at_the_bound(prefix, past, [(piece, 300)], limit)
                    got, want = htmlbounds.bound(page), reference.bound(page)
                    where = (limit, prefix, past, piece)
                    assert (got.html, got.notes) == (want.html, want.notes), where


def test_removed_elements_count_their_depth():
    """An element removed before the depth is followed was within the bound only if what was
    around it left room: the bound is lowered for it, and the pass decides."""
    at_bound = "<div>" * htmlbounds.MAX_DEPTH
    assert htmlbounds._shallow(at_bound)
    assert not htmlbounds._shallow(at_bound + "<b>слово</b>")
    padded = at_bound + "<b>слово</b> слово слово " * 2000  # not dense
    bounded = htmlbounds.bound(padded)
    assert bounded.html == at_bound + "слово</b> слово слово " * 2000
    assert bounded.notes == [f"HTML: 2000 tags nested deeper than {htmlbounds.MAX_DEPTH} dropped"]
    below = "<div>" * (htmlbounds.MAX_DEPTH - 1) + "<b>слово</b> слово слово " * 2000
    assert htmlbounds.bound(below) == htmlbounds.Bounded(below)
    assert htmlbounds._shallow(below)  # one pass, one level lower: the loop is not needed
    lists = "<div>" * (htmlbounds.MAX_DEPTH - 1) + "<ul>слово</ul> слово слово " * 2000
    assert not htmlbounds._shallow(lists)  # a list is two deep: not removed so
    assert htmlbounds.bound(lists).notes == [
        f"HTML: 2000 tags nested deeper than {htmlbounds.MAX_DEPTH} dropped"
    ]
    assert htmlbounds._shallow("<div>" * 90 + "<span>слово</span> " * 2000)


@given(html=st.one_of(near_the_bound, markup), limit=st.sampled_from(LIMITS))
@settings(deadline=None, max_examples=150)
def test_only_dense_markup_nested_past_the_dense_bound_reads_otherwise(html: str, limit: int):
    """Markup bounds byte for byte as before the dense bound (``MAX_DEPTH`` for all, the
    oracle) unless it is both denser than ``DENSE_DEPTH_BYTES`` and nested deeper than
    ``DENSE_MAX_DEPTH``: then its note names the lower bound."""
    page = _past_the_check(html, limit) if html.count("<") <= htmlbounds.CHECK_FROM else html
    before = reference.bound(page, dense_limit=htmlbounds.MAX_DEPTH)
    got = htmlbounds.bound(page)
    deeper = reference.bounded_by_pass(page, htmlbounds.DENSE_MAX_DEPTH).notes
    dense = htmlbounds.depth_limit(page, page.count("<")) == htmlbounds.DENSE_MAX_DEPTH
    if before.flat is None and dense and any("nested deeper" in note for note in deeper):
        assert got.html != before.html
        assert any(f"deeper than {htmlbounds.DENSE_MAX_DEPTH} dropped" in n for n in got.notes)
    else:
        assert (got.html, got.notes, got.flat) == (before.html, before.notes, before.flat)


def _fixture_html() -> dict[str, str]:
    pages = {}
    for path in sorted(FIXTURES.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/html":
                pages[path.stem] = part.get_content()
    return pages


def test_real_mail_is_not_dense_enough_for_the_lower_bound():
    """The test fixtures' HTML (webmail is the densest: Mail.ru 17.6 bytes a "<", Yandex 20.2)
    and the client shapes of the benchmark, each made long enough to be past the check: the
    nesting bound stays ``MAX_DEPTH`` and the HTML is passed on as it is."""
    pages = _fixture_html()
    assert {"mailru_html_only", "yandex_attachment_rfc2231"} <= set(pages)
    pages |= {f"{name} client": html for name, html in html_mails(64 * 1024).items()}
    for name, html in pages.items():
        long = html * (htmlbounds.CHECK_FROM // max(1, html.count("<")) + 1)
        assert long.count("<") > htmlbounds.CHECK_FROM
        assert htmlbounds.depth_limit(long, long.count("<")) == htmlbounds.MAX_DEPTH, name
        assert htmlbounds.bound(long) == reference.bound(long, dense_limit=htmlbounds.MAX_DEPTH)


def test_real_mail_made_long_is_read_as_html():
    """Every HTML fixture and client shape, repeated past ``CHECK_FROM``, is read as HTML
    (not shown as text: ``DENSE_TAG_BYTES``), and so is the densest long webmail made after
    real markup — a list of short Russian names a ``<div>`` a line, 15 bytes a "<"; a list of
    phone numbers in ASCII (13.5) is shown as text, its lines kept as the HTML's text has them."""
    pages = _fixture_html() | {f"{name} client": html for name, html in html_mails(16_384).items()}
    pages["names a line"] = "".join(f"<div>Иванов {n % 10}.И.</div>" for n in range(600))
    for name, html in pages.items():
        long = html * (htmlbounds.CHECK_FROM // max(1, html.count("<")) + 1)
        assert long.count("<") > htmlbounds.CHECK_FROM
        bounded = htmlbounds.bound(long)
        assert bounded.flat is None and bounded.notes == [], name
        assert htmlbounds._fewer_bytes(long, long.count("<") * 15) is (name == "names a line")
    phones = "<div>+7 900 000-00-00</div>" * 600
    assert htmlbounds.bound(phones).flat == phones
    assert htmltext.to_text(phones) == htmltext.to_text(htmlbounds.Bounded(phones))
    assert htmltext.to_text(phones).split("\n\n") == ["+7 900 000-00-00"] * 600


def test_the_check_lets_deep_and_reference_heavy_pages_through_to_the_pass():
    deep = "<div>слово " * (htmlbounds.MAX_DEPTH + 1)
    assert not htmlbounds._within(deep, 0)
    assert htmlbounds._within(deep[: -len("<div>слово ")], 0)
    closed = "<div>слово </div>" * (htmlbounds.MAX_DEPTH * 4)
    assert htmlbounds._within(closed, 0)
    text = "слово " + "&x" * (htmlbounds.MAX_REFERENCES + 1)
    assert not htmlbounds._within(text, text.count("&"))
    split = ("<b>" + "&x" * htmlbounds.MAX_REFERENCES) * 3
    assert htmlbounds._within(split, split.count("&"))  # no run of text holds more


def _gmail_thread(levels: int) -> str:
    """A reply quoting the conversation as Gmail does: two elements deeper a level (the
    quote's ``div`` and ``blockquote``; each message's own ``div`` is closed)."""
    level = (
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">пн, 7 дек. 2026 г. в '
        "10:00, Профком &lt;union@example.test&gt;:<br></div>"
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px '
        'solid rgb(204,204,204);padding-left:1ex"><div dir="ltr">Ответ номер {n}.'
        + "<br>Строка письма с вопросом об отпуске." * 30
        + "</div>"
    )
    opened = "".join(level.replace("{n}", str(n)) for n in range(levels))
    return opened + "</blockquote></div>" * levels


def test_a_long_gmail_thread_is_within_the_nesting_bound_and_deeper_keeps_its_text():
    """The bound (100) is three times the deepest newsletter template measured (35): a
    49-level Gmail thread past the check is passed on as it is; one nested deeper loses the
    innermost elements, never their text; and nh3 gets padded nested lists 100 deep, or 32
    when they are denser than a "<" every 16 bytes."""
    thread = _gmail_thread(49)
    assert thread.count("<") > htmlbounds.CHECK_FROM
    assert htmlbounds.bound(thread) == htmlbounds.Bounded(thread)
    deeper = _gmail_thread(70)
    bounded = htmlbounds.bound(deeper)
    assert bounded.notes == ["HTML: 41 tags nested deeper than 100 dropped"]
    text = htmltext.to_text(deeper)
    assert all(f"Ответ номер {n}." in text for n in range(70))
    assert text.count("Строка письма с вопросом об отпуске.") == 70 * 30
    assert htmlbounds.bound("<ul><li>пункт длинного списка " * 1000).html.count("<ul>") == 50
    assert htmlbounds.bound("<ul><li>слово слово " * 1000).html.count("<ul>") == 16
