"""Parsing edge cases beyond the corpus, and the property that no bytes crash ingestion."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mail_support import create_mailbox, mailbox_config, member_mail

from unionline.channels.mail import loops, threads, trim
from unionline.channels.mail.ingest import ingest_raw
from unionline.channels.mail.parse import decode_bytes, parse

HEADERS = [
    b"From: a@b.example\r\n",
    b"From: =?koi8-r?B?7sHUwczY0Q==?= <n@x.example>\r\n",
    b"Subject: =?utf-8?q?=D0=9F=D1=80?=\r\n",
    b"Subject: =?bogus-charset?B?AAAA?=\r\n",
    b"Message-ID: <x@y>\r\n",
    b"Message-ID: <>\r\n",
    b"Content-Type: multipart/mixed; boundary=zz\r\n",
    b"Content-Type: text/plain; charset=x-unknown\r\n",
    b"Content-Type: message/rfc822\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"Content-Disposition: attachment; filename*=utf-8''%D0%\r\n",
    b"In-Reply-To: <a@b> <c@d>\r\n",
    b"\r\n",
    b"--zz\r\n",
    b"--zz--\r\n",
]
mail_like = st.lists(st.one_of(st.sampled_from(HEADERS), st.binary(max_size=60)), max_size=25).map(
    b"".join
)


@given(raw=st.one_of(st.binary(max_size=600), mail_like))
@settings(max_examples=300, deadline=None)
def test_parse_never_raises(raw: bytes):
    mail = parse(raw)
    assert mail.message_id
    assert "\x00" not in mail.display_text and "\x00" not in mail.subject
    assert mail.error or mail.from_address


@pytest.mark.unionline_plugins("mail")
async def test_arbitrary_bytes_never_crash_ingestion_and_are_kept(unionline_app):
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525))
    seen: list[bytes] = []

    @given(raw=st.one_of(st.binary(max_size=400), mail_like))
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def check(raw: bytes) -> None:
        seen.append(raw)

    check()  # hypothesis draws the inputs; ingestion runs on the test's event loop below
    stored = set()
    for raw in seen:
        outcome = await ingest_raw(account_id, raw, source="test")
        assert outcome.stored or outcome.duplicate
        stored.add(outcome.message_id)
    rows = await h.runtime.db.fetch("SELECT message_id, raw, error, appeal_id FROM mail_message")
    assert {r["message_id"] for r in rows} == stored  # nothing dropped
    for row in rows:
        assert row["raw"] is not None
        assert row["appeal_id"] is not None or row["error"]  # not on an appeal: flagged


def test_mislabelled_charsets_are_recovered():
    text = "Профсоюзная организация защищает права работников предприятия"
    assert decode_bytes(text.encode("utf-8"), "us-ascii") == text
    assert decode_bytes(text.encode("cp1251"), None) == text
    assert decode_bytes(text.encode("koi8-r"), "x-no-such-charset") == text
    assert decode_bytes(text.encode("utf-8"), "windows-1251") != ""  # labelled wrongly: no crash


def test_subject_topic_and_number():
    assert threads.normalize_subject("RE: Fwd: Отв: Отпуск [PPO-2026-7]") == "отпуск"
    assert threads.normalize_subject("Re[2]: AW: Отпуск") == "отпуск"
    assert threads.appeal_number("Re: Отпуск [ppo-2026-7]") == "PPO-2026-7"
    assert threads.appeal_number("Отпуск 2026-7") is None
    assert threads.token_of("reply+abcdef0123@reply.example", "reply.example") == "abcdef0123"
    assert threads.token_of("reply+abcdef0123@elsewhere.example", "reply.example") is None


def test_a_reply_address_is_the_whole_value():
    """A newline after the address (or before it) makes it no reply address of ours."""
    for address in ("reply+abcdef0123@reply.example\n", "\nreply+abcdef0123@reply.example"):
        assert threads.token_of(address, "reply.example") is None, address


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"X-Autoreply": "yes"},
        {"X-Loop": "profkom@union.example"},
        {"List-Unsubscribe": "<mailto:unsub@list.example>"},
        {"Return-Path": "<>"},
    ],
)
def test_auto_responses_are_recognized(headers: dict[str, str]):
    assert loops.auto_reason(parse(member_mail(headers=headers)))


def test_people_are_not_auto_responses():
    assert loops.auto_reason(parse(member_mail(headers={"Auto-Submitted": "no"}))) == ""
    assert loops.auto_reason(parse(member_mail(headers={"Precedence": "normal"}))) == ""
    ours = parse(member_mail(message_id="<ul-0123abcd@union.example>"))
    assert loops.auto_reason(ours, ("union.example",)) == "our own Message-ID"
    assert (
        loops.auto_reason(parse(member_mail(message_id="<x1@union.example>")), ("union.example",))
        == ""
    )


def test_trimming_keeps_what_the_member_wrote():
    text = (
        "Ответ выше.\n\nOn Thu, Mar 5, 2026 at 10:00 AM Profkom <p@u.example> wrote:\n"
        "> старое\n> письмо"
    )
    assert trim.for_display(text) == "Ответ выше."
    inline = "Мой ответ\n> цитата\nещё мой ответ\n> цитата\nи ещё"
    assert trim.for_display(inline) == inline  # interleaved answers stay whole
    only_quote = "> только цитата\n> и всё"
    assert trim.for_display(only_quote) == only_quote  # never trimmed to nothing
    signed = "Текст\n\n-- \nИван\nтел. 123"
    assert trim.for_display(signed) == "Текст"


TAG_SOUP = ["</", "<!", "<", "<?", "<!--", "&", "&#", "<a ", 'b="', "<p>", "</p>", "<br>", ">", "x"]


@given(html=st.lists(st.sampled_from(TAG_SOUP), max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_html_to_text_reads_only_well_formed_markup(html: str):
    """``HTMLParser`` is quadratic on malformed markup ("</" * 50,000 took 3.7 s); the text
    conversion only ever gives it nh3's output: every "<" opens a tag it knows, closed at once."""
    import re

    from unionline.channels.mail import htmltext

    well_formed = htmltext._well_formed(html)
    assert re.fullmatch(r"(?:[^<>]|</?[a-z0-9]+ ?/?>)*", well_formed), well_formed
    assert isinstance(htmltext.to_text(html), str)


def test_malformed_html_becomes_its_text():
    from unionline.channels.mail import htmltext

    assert htmltext.to_text("</" * 5000) == ""  # HTML5 reads "</<" as a bogus comment
    assert htmltext.to_text("1 < 2 " * 5000) == ("1 < 2 " * 5000).strip()
    assert htmltext.to_text("<p>a &amp; b</p><script>x</script><p>c</p>") == "a & b\n\nc"


READ_SOUP = [
    "<p>", "</p>", "<div dir=ltr>", "</div>", "<br>", "<blockquote>", "</blockquote>", "<td>",
    "</td>", "<table><tr>", "</tr></table>", "<span style='x'>", "</span>", "<b>", "<h2>",
    "<pre>", "</pre>", "<script>s</script>", "<!-- c -->", "&amp;", "&lt;p&gt;", "&nbsp;",
    "&amp;amp", "&#39;", "&copy", "&", "<", ">", "\n", " ", "  \n ", "слово", "x",
]  # fmt: skip


@given(html=st.lists(st.sampled_from(READ_SOUP), max_size=40).map("".join))
@settings(max_examples=400, deadline=None)
def test_nh3_output_reads_as_htmlparser_read_it(html: str):
    """The text of nh3's output is read by replacements in C (or split at its tags when it
    holds a quote), no longer by ``HTMLParser`` tag by tag: the same text, quotes and
    references included."""
    from unionline.channels.mail import htmltext

    well_formed = htmltext._well_formed(html)
    assert htmltext._read(well_formed) == htmltext._parsed(well_formed)


@given(text=st.text(alphabet=st.sampled_from(" \t\u00a0\n\r\u2028ab"), max_size=60))
def test_text_is_tidied_as_the_patterns_of_before_did(text: str):
    """Spaces around line breaks are dropped by two replacements, no longer by ``" *\\n *"``
    (tried at every character): the same text."""
    import re

    from unionline.channels.mail import htmltext

    spaced = re.sub(r"[ \t\u00a0]+", " ", text)
    before = re.sub(r"\n{3,}", "\n\n", re.sub(r" *\n *", "\n", spaced)).strip()
    assert htmltext._tidy(text) == before


@given(text=st.text(alphabet=st.sampled_from(" \t\u00a0\u2028\x1c\x85\r\nab\x00"), max_size=60))
def test_line_ends_are_normalized_as_line_by_line_stripping_did(text: str):
    from unionline.channels.mail.parse import _normalize_text

    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").split("\n")
    assert _normalize_text(text) == "\n".join(line.rstrip() for line in lines).strip("\n")
