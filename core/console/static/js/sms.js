// SMS parts as the SMS channels count them (channels/sms/segments.py), for the reply counter of
// an SMS account (its capabilities' sms_segments, the appeal's "reply"): GSM 7-bit — 160
// characters in one SMS, 153 in each part of a longer one, € { } [ ] ~ ^ | \ and a form feed
// taking two; one character outside that alphabet (any Cyrillic letter) makes the whole text
// UCS-2 — 70, then 67, counted in UTF-16 units (an emoji takes two). A part never splits an
// escape or an emoji, so a part may hold one unit less.

import { DICTIONARIES } from "./i18n.js";

const BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const EXTENSION = new Set("\f^{}\\[~]|€");
const SINGLE = { gsm7: 160, ucs2: 70 };
const PART = { gsm7: 153, ucs2: 67 };

Object.assign(DICTIONARIES.ru, {
  "sms.counter": "{parts} SMS из {max} · {units} симв. ({script})",
  "sms.script.gsm7": "латиница",
  "sms.script.ucs2": "кириллица",
  "sms.over": "Для этого подключения не больше {max} SMS — это {ucs2} симв. кириллицей или {gsm7} латиницей: сократите ответ",
});
Object.assign(DICTIONARIES.en, {
  "sms.counter": "{parts} of {max} SMS · {units} chars ({script})",
  "sms.script.gsm7": "Latin",
  "sms.script.ucs2": "Cyrillic",
  "sms.over": "This account sends at most {max} SMS — {ucs2} characters in Cyrillic or {gsm7} in Latin: shorten the reply",
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
