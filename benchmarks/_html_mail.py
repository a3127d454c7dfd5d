"""Ordinary HTML mail, for ``adversarial_input``'s HTML rows: the markup real clients write
around a member's Russian text, scaled to a size.

Each body is the shape one client family produces (written after real messages of each, with
the names, addresses and text replaced):

* **outlook** — Outlook / Word (``filtered medium``): a ``<style>`` block of font definitions and
  ``MsoNormal`` rules, conditional comments, ``WordSection1``; every paragraph a
  ``<p class=MsoNormal>`` holding a ``<span style=...>`` and an empty ``<o:p>``, blank lines as
  ``<o:p>&nbsp;</o:p>``; a signature table.
* **gmail** — Gmail: ``<div dir="ltr">``, a ``<div>`` a line, ``<div><br></div>`` between
  paragraphs, a ``gmail_signature`` block.
* **apple** — Apple Mail / iOS Mail: ``<body style="overflow-wrap: break-word; ...">``, ``<div>``
  lines, ``<br>``s, "Отправлено с iPhone".
* **thunderbird** — Thunderbird: ``<p>`` paragraphs with ``<br>`` line breaks, a
  ``moz-signature`` block.
* **newsletter** — a table-layout message (a union's bulletin as mailing services make it):
  nested ``<table width=600>``, ``<td style=...>`` cells, ``<font>``, links and a footer.

The per-KB cost of an HTML parser differs between them by up to ~2x (Outlook's markup is the
densest); the benchmark takes their mean as the ordinary input of an HTML row.
"""

from __future__ import annotations

SENTENCES = (
    "Добрый день, уважаемые коллеги из профсоюзного комитета.",
    "Прошу разъяснить, как начисляется доплата за работу в ночные смены.",
    "На нашем участке с марта задерживают выплату премии, а начальник цеха отвечает, что"
    " денег нет.",
    "Отпуск по графику мне перенесли без моего согласия, заявление я не подписывал.",
    "Подскажите, пожалуйста, куда обратиться и какие документы нужно приложить.",
    "Расчётный листок за прошлый месяц прилагаю, там не учтены сверхурочные часы.",
    "Если нужно, могу подойти в профком в четверг после смены.",
    "Заранее спасибо за помощь и за ответ.",
)


def _text(i: int) -> str:
    return SENTENCES[i % len(SENTENCES)]


def _scaled(head: str, unit: str, tail: str, size: int) -> str:
    """``head``, then ``unit`` (a format string of ``{a}`` and ``{b}``, two sentences) with
    the sentences turning, then ``tail``: about ``size`` bytes of UTF-8."""
    parts = [head]
    used = len(head.encode()) + len(tail.encode())
    i = 0
    while used < size:
        piece = unit.format(a=_text(i), b=_text(i + 3))
        parts.append(piece)
        used += len(piece.encode())
        i += 1
    parts.append(tail)
    return "".join(parts)


_OUTLOOK_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml"'
    ' xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:w="urn:schemas-microsoft-com:office:word"'
    ' xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"'
    ' xmlns="http://www.w3.org/TR/REC-html40"><head>'
    '<meta http-equiv=Content-Type content="text/html; charset=utf-8">'
    '<meta name=Generator content="Microsoft Word 15 (filtered medium)">'
    '<style><!--\n/* Font Definitions */\n@font-face\n\t{font-family:"Cambria Math";\n'
    "\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\n@font-face\n\t{font-family:Calibri;\n"
    "\tpanose-1:2 15 5 2 2 2 4 3 2 4;}\n/* Style Definitions */\n"
    "p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;\n\tfont-size:11.0pt;\n"
    '\tfont-family:"Calibri",sans-serif;\n\tmso-fareast-language:EN-US;}\n'
    "a:link, span.MsoHyperlink\n\t{mso-style-priority:99;\n\tcolor:#0563C1;\n"
    "\ttext-decoration:underline;}\nspan.EmailStyle17\n\t{mso-style-type:personal-compose;\n"
    '\tfont-family:"Calibri",sans-serif;\n\tcolor:windowtext;}\n.MsoChpDefault\n'
    '\t{mso-style-type:export-only;\n\tfont-family:"Calibri",sans-serif;}\n'
    "@page WordSection1\n\t{size:612.0pt 792.0pt;\n\tmargin:2.0cm 42.5pt 2.0cm 3.0cm;}\n"
    "div.WordSection1\n\t{page:WordSection1;}\n--></style><!--[if gte mso 9]><xml>\n"
    '<o:shapedefaults v:ext="edit" spidmax="1026" />\n</xml><![endif]--><!--[if gte mso 9]>'
    '<xml>\n<o:shapelayout v:ext="edit">\n<o:idmap v:ext="edit" data="1" />\n'
    "</o:shapelayout></xml><![endif]--></head>"
    '<body lang=RU link="#0563C1" vlink="#954F72" style=\'word-wrap:break-word\'>'
    "<div class=WordSection1>"
)
_OUTLOOK_UNIT = (
    "<p class=MsoNormal><span style='font-size:12.0pt;font-family:\"Times New Roman\",serif'>"
    "{a}<o:p></o:p></span></p>\n"
    "<p class=MsoNormal><span style='font-size:12.0pt;font-family:\"Times New Roman\",serif'>"
    "{b}<o:p></o:p></span></p>\n"
    "<p class=MsoNormal><span style='font-size:12.0pt;font-family:\"Times New Roman\",serif'>"
    "<o:p>&nbsp;</o:p></span></p>\n"
)
_OUTLOOK_TAIL = (
    "<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0"
    " style='border-collapse:collapse'><tr><td width=300 valign=top"
    " style='width:225.0pt;padding:0cm 5.4pt 0cm 5.4pt'><p class=MsoNormal>"
    "<b><span style='color:#1F3864'>С уважением,<o:p></o:p></span></b></p>"
    "<p class=MsoNormal><span style='color:#1F3864'>Иван Петров, слесарь 5 разряда"
    "<o:p></o:p></span></p><p class=MsoNormal><span style='color:#1F3864'>"
    "тел. +7 900 000-00-00<o:p></o:p></span></p></td></tr></table>"
    "<p class=MsoNormal><o:p>&nbsp;</o:p></p></div></body></html>"
)

_GMAIL_HEAD = '<div dir="ltr"><div>Здравствуйте!</div><div><br></div>'
_GMAIL_UNIT = "<div>{a}</div><div>{b}</div><div><br></div>"
_GMAIL_TAIL = (
    '<div><br></div>-- <br><div dir="ltr" class="gmail_signature"'
    ' data-smartmail="gmail_signature"><div dir="ltr"><div>С уважением,</div>'
    "<div>Мария Сидорова</div><div>председатель первичной организации</div></div></div></div>"
)

_APPLE_HEAD = (
    '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
    '<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break:'
    ' after-white-space;"><div dir="ltr"></div>'
)
_APPLE_UNIT = '<div dir="ltr">{a}</div><div dir="ltr">{b}<br></div><div dir="ltr"><br></div>'
_APPLE_TAIL = '<div dir="ltr"><br><div dir="ltr">Отправлено с iPhone</div></div></body></html>'

_THUNDERBIRD_HEAD = (
    "<!DOCTYPE html>\n<html>\n  <head>\n\n"
    '    <meta http-equiv="content-type" content="text/html; charset=UTF-8">\n  </head>\n'
    "  <body>\n    <p>Добрый день,</p>\n"
)
_THUNDERBIRD_UNIT = "    <p>{a}<br>\n      {b}</p>\n"
_THUNDERBIRD_TAIL = (
    '    <div class="moz-signature">-- <br>\n      Иван Петров<br>\n'
    "      профгруппорг смены Б</div>\n  </body>\n</html>\n"
)

_NEWSLETTER_HEAD = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"'
    ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
    '<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type"'
    ' content="text/html; charset=UTF-8"><meta name="viewport" content="width=device-width,'
    ' initial-scale=1.0"><title>Профсоюзный вестник</title><style type="text/css">'
    "body{margin:0;padding:0;}table td{border-collapse:collapse;}"
    "@media only screen and (max-width:600px){.container{width:100%!important;}}</style>"
    '</head><body style="margin:0;padding:0;background-color:#f4f4f4;">'
    '<table width="100%" border="0" cellspacing="0" cellpadding="0" bgcolor="#f4f4f4">'
    '<tr><td align="center" valign="top" style="padding:20px 0;">'
    '<table class="container" width="600" border="0" cellspacing="0" cellpadding="0"'
    ' bgcolor="#ffffff" style="width:600px;">'
    '<tr><td align="left" style="padding:24px 30px;font-family:Arial,Helvetica,sans-serif;'
    'font-size:22px;font-weight:bold;color:#b71c1c;">Профсоюзный вестник</td></tr>'
)
_NEWSLETTER_UNIT = (
    '<tr><td align="left" valign="top" style="padding:10px 30px;font-family:Arial,Helvetica,'
    'sans-serif;font-size:14px;line-height:21px;color:#333333;">'
    '<font face="Arial, sans-serif"><strong>{a}</strong></font><br>{b} '
    '<a href="https://union.example/news?utm_source=mail&amp;utm_medium=bulletin"'
    ' target="_blank" style="color:#1565c0;text-decoration:underline;">Подробнее</a>'
    "</td></tr>"
    '<tr><td height="1" style="font-size:1px;line-height:1px;background-color:#e0e0e0;">'
    "&nbsp;</td></tr>"
)
_NEWSLETTER_TAIL = (
    '<tr><td align="center" style="padding:20px 30px;font-family:Arial,Helvetica,sans-serif;'
    'font-size:11px;color:#999999;">Вы получили это письмо как член профсоюза. '
    '<a href="https://union.example/unsubscribe" style="color:#999999;">Отписаться</a>'
    "</td></tr></table></td></tr></table></body></html>"
)

SHAPES = {
    "outlook": (_OUTLOOK_HEAD, _OUTLOOK_UNIT, _OUTLOOK_TAIL),
    "gmail": (_GMAIL_HEAD, _GMAIL_UNIT, _GMAIL_TAIL),
    "apple": (_APPLE_HEAD, _APPLE_UNIT, _APPLE_TAIL),
    "thunderbird": (_THUNDERBIRD_HEAD, _THUNDERBIRD_UNIT, _THUNDERBIRD_TAIL),
    "newsletter": (_NEWSLETTER_HEAD, _NEWSLETTER_UNIT, _NEWSLETTER_TAIL),
}


def html_mails(size: int) -> dict[str, str]:
    """One ordinary HTML body of each client shape, about ``size`` bytes each."""
    return {name: _scaled(*shape, size) for name, shape in SHAPES.items()}
