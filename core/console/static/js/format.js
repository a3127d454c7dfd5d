// Small presentational helpers: channel icons, delivery marks, times, status chips.

import { badge, h } from "./dom.js";
import { locale, t } from "./i18n.js";
import { DONE } from "./vocabulary.js";

// Letters and symbols present in common fonts (DejaVu, Liberation): no emoji font needed.
const CHANNEL_ICONS = {
  telegram: ["TG", "ch-telegram"],
  vk: ["VK", "ch-vk"],
  email: ["✉", "ch-email"],
  mail: ["✉", "ch-email"],
  phone: ["☎", "ch-phone"],
  voice: ["☎", "ch-phone"],
  web: ["◎", "ch-web"],
  webform: ["▤", "ch-webform"],
  reference: ["R", "ch-reference"],
  manual: ["✎", "ch-manual"],
};

export function channelTitle(channel) {
  const key = `channel.${channel}`;
  const text = t(key);
  return text === key ? channel : text;
}

export function channelIcon(channel) {
  const [text, cls] = CHANNEL_ICONS[channel] || [(channel || "?").slice(0, 2).toUpperCase(), "ch-other"];
  const icon = badge(text, `channel ${cls}`, channelTitle(channel));
  icon.dataset.channel = channel || "";
  return icon;
}

const DELIVERY_MARKS = { queued: "…", sent: "✓", delivered: "✓✓", read: "✓✓", failed: "⚠", unknown: "?" };

// ``note``: what the provider told of the send (an SMS's parts and cost), shown after the label.
export function deliveryMark(status, error, note) {
  const label = t(`delivery.${status}`);
  return h(
    "span",
    { class: `delivery delivery-${status}`, title: error ? `${label}: ${error}` : label, dataset: { status } },
    h("span", { class: "delivery-mark", "aria-hidden": "true" }, DELIVERY_MARKS[status] || "?"),
    h("span", { class: "delivery-label" }, label),
    note ? h("span", { class: "delivery-note" }, `· ${note}`) : null,
  );
}

export function statusChip(status) {
  return h("span", { class: `chip status-${status}`, dataset: { status } }, t(`status.${status}`));
}

export function priorityChip(priority) {
  if (priority === "normal") return null;
  return h("span", { class: `chip priority-${priority}`, dataset: { priority } }, t(`priority.${priority}`));
}

const SOON = 60 * 60 * 1000; // under an hour left: the deadline is near

/** The appeal's next SLA deadline, while it is still being worked on: the first response
 * until someone answered, then the resolution. ``{kind, due, overdue, soon}`` or null. */
export function slaState(appeal, now = Date.now()) {
  if (!appeal || DONE.includes(appeal.status)) return null;
  const first = !appeal.first_responded_at && appeal.first_response_due;
  const due = first ? appeal.first_response_due : appeal.resolution_due;
  if (!due) return null;
  const left = Date.parse(due) - now;
  return { kind: first ? "first_response" : "resolution", due, overdue: left < 0, soon: left >= 0 && left < SOON, left };
}

/** A chip saying how much time is left or how late it is; ``long`` names the deadline too
 * ("Ответить до 15:30 · через 2 ч"), for the appeal's header. */
export function slaChip(appeal, long = false) {
  const sla = slaState(appeal);
  if (!sla) return null;
  const cls = sla.overdue ? "sla-overdue" : sla.soon ? "sla-soon" : "sla-ok";
  const span = duration(Math.abs(sla.left));
  const short = sla.overdue ? t("sla.overdue", { time: span }) : t("sla.left", { time: span });
  const until = t(`sla.${sla.kind}`, { time: time(sla.due) });
  return h(
    "span",
    { class: `chip sla ${cls}`, dataset: { sla: sla.overdue ? "overdue" : sla.soon ? "soon" : "ok", kind: sla.kind }, title: `${until} (${fullTime(sla.due)})` },
    long ? `${until} · ${short}` : short,
  );
}

export function time(value) {
  if (!value) return "";
  const date = new Date(value);
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  const options = sameDay ? { hour: "2-digit", minute: "2-digit" } : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(locale(), options).format(date);
}

export function fullTime(value) {
  return value ? new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(value)) : "";
}

/** A duration in ms as "меньше минуты" / "5 мин" / "2 ч" / "3 дн" (a length of time, never
 * "только что": that is a moment). */
export function duration(ms) {
  const minutes = Math.floor(ms / 60000);
  if (minutes < 1) return t("time.under_minute");
  if (minutes < 60) return t("time.minutes", { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t("time.hours", { n: hours });
  return t("time.days", { n: Math.floor(hours / 24) });
}

export function timeTag(value) {
  return h("time", { datetime: value || null, title: fullTime(value) }, time(value));
}

/** A file size as "820 Б" / "12,5 КБ" / "3,1 МБ" in the console's language. */
export function fileSize(bytes) {
  const units = [
    [1024 * 1024, "size.mb"],
    [1024, "size.kb"],
  ];
  const [base, key] = units.find(([limit]) => bytes >= limit) || [1, "size.b"];
  const n = new Intl.NumberFormat(locale(), { maximumFractionDigits: base === 1 ? 0 : 1 }).format(bytes / base);
  return t(key, { n });
}
