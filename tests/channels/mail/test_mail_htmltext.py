"""The text of an HTML mail's quotes: "> " a level, up to ``htmltext.MAX_QUOTE_LEVELS`` levels,
so that the text grows with the HTML, not with its lines times their depth (issue #12 item 3).
Speed is measured in ``benchmarks/adversarial_input.py``."""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from unionline.channels.mail import htmlbounds, htmltext

LEVELS = htmltext.MAX_QUOTE_LEVELS


def test_quotes_deeper_than_the_levels_read_as_the_deepest():
    html = "".join(f"<blockquote>строка {n}" for n in range(1, LEVELS + 5))
    lines = htmltext.to_text(html).split("\n")
    assert lines == [
        "> " * min(n, LEVELS) + f"строка {n}" for n in range(1, LEVELS + 5)
    ]  # every line kept, the deeper ones at the deepest level shown


def test_a_thousand_nested_quotes_make_text_the_size_of_the_html():
    """Unbounded (as below ``htmlbounds.CHECK_FROM`` before ``NESTED_FROM``) the text had
    ``"> "`` a level on each line, ~1 MB for these 16 KB; ``MAX_DEPTH`` (100) nested quotes
    still made 200 characters of marks a line."""
    times = htmlbounds.CHECK_FROM
    html = ("<blockquote>" + "w" * 4) * times
    text = htmltext.to_text(htmlbounds.Bounded(html))  # as it is, not bounded
    assert text.count("wwww") == times
    assert len(text) <= times * (2 * LEVELS + len("wwww") + 2)


QUOTED = [
    "<blockquote>", "</blockquote>", "<p>", "</p>", "<div>", "</div>", "<br>", "слово", "a b",
    "\n", " ", "&gt;", "<td>",
]  # fmt: skip


@given(html=st.lists(st.sampled_from(QUOTED), max_size=60).map("".join))
@settings(max_examples=300, deadline=None)
def test_quotes_within_the_levels_read_as_before(html: str):
    """Up to ``MAX_QUOTE_LEVELS`` levels the text is what it was without the bound, byte for
    byte; deeper, it differs only in the quote marks."""
    with mock.patch.object(htmltext, "MAX_QUOTE_LEVELS", 10**6):
        before = htmltext.to_text(html)
    now = htmltext.to_text(html)
    if html.count("<blockquote>") <= LEVELS:
        assert now == before
    else:
        assert now.replace("> ", "").replace(">", "") == before.replace("> ", "").replace(">", "")


MARKUP = [
    "<p>", "</p>", "<P class=x>", "<div>", "</div>", "<br>", "<br/>", "<td>", "</td>", "<TD>",
    "<tr>", "<table>", "</table>", "<span>", "</span>", "<ul><li>", "</li>", "<h1>", "<hr>",
    "<pre>", "<b>", "</b>", "<a href='x'>", "</a>", "<script>x</script>", "<style>y</style>",
    "<head>", "<title>t</title>", "<!-- c -->", "<blockquote>", "</blockquote>", "слово",
    "a b", "\n", " ", "\t", "\u00a0", "&amp;", "&lt;b&gt;", "&nbsp;", "&x", "&#39;", "<", ">",
    "</", "<!",
]  # fmt: skip


@given(html=st.lists(st.sampled_from(MARKUP), max_size=80).map("".join))
@settings(max_examples=400, deadline=None)
def test_nh3s_output_reads_as_the_parser_reads_it(html: str):
    """The text of nh3's well-formed output read by replacements (``_read``) is what
    ``HTMLParser`` reads in it, byte for byte, with quotes and without."""
    markup = htmltext._well_formed(htmlbounds.Bounded(html))
    assert htmltext._read(markup) == htmltext._parsed(markup)
