// SMS parts as the SMS channels count them (channels/sms/segments.py), for the reply counter of
// an SMS account (its capabilities' sms_segments, the appeal's "reply"): GSM 7-bit — 160
// characters in one SMS, 153 in each part of a longer one, € { } [ ] ~ ^ | \ and a form feed
// taking two; one character outside that alphabet (any Cyrillic letter) makes the whole text
// UCS-2 — 70, then 67, counted in UTF-16 units (an emoji takes two). A part never splits an
// escape or an emoji, so a part may hold one unit less. One counter for every place an
// operator writes an SMS: the reply composer, «Написать заявителю…» and, through consoleApi.sms,
// a plugin's page (the campaign editor).

import { DICTIONARIES, t } from "./i18n.js";

const BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const EXTENSION = new Set("\f^{}\\[~]|€");
const SINGLE = { gsm7: 160, ucs2: 70 };
const PART = { gsm7: 153, ucs2: 67 };

Object.assign(DICTIONARIES.ru, {
  "sms.counter": "{parts} SMS из {max} · {units} симв. ({script})",
  "sms.counter.free": "{parts} SMS · {units} симв. ({script})",
  "sms.script.gsm7": "латиница",
  "sms.script.ucs2": "кириллица",
  "sms.over": "Для этого подключения не больше {max} SMS — это {ucs2} симв. кириллицей или {gsm7} латиницей: сократите ответ",
  "sms.over.message": "Для этого подключения не больше {max} SMS — это {ucs2} симв. кириллицей или {gsm7} латиницей: сократите сообщение",
});
Object.assign(DICTIONARIES.en, {
  "sms.counter": "{parts} of {max} SMS · {units} chars ({script})",
  "sms.counter.free": "{parts} SMS · {units} chars ({script})",
  "sms.script.gsm7": "Latin",
  "sms.script.ucs2": "Cyrillic",
  "sms.over": "This account sends at most {max} SMS — {ucs2} characters in Cyrillic or {gsm7} in Latin: shorten the reply",
  "sms.over.message": "This account sends at most {max} SMS — {ucs2} characters in Cyrillic or {gsm7} in Latin: shorten the message",
});

/** {encoding, parts, units} of ``text`` sent as SMS (0 parts for an empty text). */
export function smsParts(text) {
  const chars = [...text];
  const gsm = chars.every((c) => BASIC.has(c) || EXTENSION.has(c));
  const encoding = gsm ? "gsm7" : "ucs2";
  const widths = chars.map((c) => (gsm ? (EXTENSION.has(c) ? 2 : 1) : c.length));
  const units = widths.reduce((sum, w) => sum + w, 0);
  if (units === 0) return { encoding, parts: 0, units };
  if (units <= SINGLE[encoding]) return { encoding, parts: 1, units };
  let parts = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > PART[encoding]) {
      parts += 1;
      used = 0;
    }
    used += width;
  }
  return { encoding, parts, units };
}

/** The most characters of ``encoding`` that fit in ``segments`` parts. */
export function smsLength(segments, encoding) {
  return segments === 1 ? SINGLE[encoding] : PART[encoding] * segments;
}

/** What an SMS counter shows for ``text`` on an account of at most ``max`` parts (null: no
 * limit known, the parts alone): ``{encoding, parts, units, label, over, warning}`` — the label
 * «2 SMS из 6 · 134 симв. (кириллица)», and over the limit how much fits. ``what``: "reply"
 * (an operator's answer) or "message" (a first message, a campaign's) — the warning's word. */
export function smsCounter(text, max, what = "reply") {
  const sms = smsParts(text);
  const values = { ...sms, max, script: t(`sms.script.${sms.encoding}`) };
  const over = Boolean(max) && sms.parts > max;
  const limit = { max, ucs2: max && smsLength(max, "ucs2"), gsm7: max && smsLength(max, "gsm7") };
  return {
    ...sms,
    label: t(max ? "sms.counter" : "sms.counter.free", values),
    over,
    warning: over ? t(what === "reply" ? "sms.over" : "sms.over.message", limit) : "",
  };
}
