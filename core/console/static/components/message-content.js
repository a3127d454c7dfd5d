// What a member's message carries beyond its text and files, as the channel SDK stores it on the
// entry's data (core/channel/content.py): «Переслано от …», forwarded and quoted messages,
// a shared location with a map link, the «изменено» mark with earlier versions, and the flag
// of receive warnings. Everything here is text nodes and attributes (dom.js): member text
// never becomes markup.

import { h } from "../js/dom.js";
import { timeTag } from "../js/format.js";
import { t } from "../js/i18n.js";
import "../js/timeline-i18n.js";
import { MAP_URL } from "../js/vocabulary.js";

const MAX_DEPTH = 8; // forwards inside forwards (VK nests them) shown this deep

/** «Переслано от …» for a message whose own content was forwarded. */
export function forwardedFrom(origin) {
  if (!isObject(origin)) return null;
  const name = origin.name ? String(origin.name) : t(origin.kind === "hidden_user" ? "content.from_hidden_user" : "content.from_unknown");
  return h("p", { class: "forwarded-from" }, t("content.forwarded_from", { name }));
}

/** The message this one answers, as a quote. */
export function replyTo(quoted) {
  if (!isObject(quoted)) return null;
  const name = isObject(quoted.origin) && quoted.origin.name;
  return quote(quoted, "reply-to", name ? t("content.reply_to", { name: String(name) }) : t("content.reply_to_unnamed"), 0);
}

/** Messages carried inside this one (VK's forwarded messages), each a nested block. */
export function forwardedList(list) {
  if (!Array.isArray(list) || !list.length) return null;
  return h(
    "div",
    { class: "forwarded-list" },
    h("p", { class: "forwarded-label" }, t("content.forwarded", { n: list.length })),
    list.filter(isObject).map((item) => quote(item, "forwarded", author(item.origin), 1)),
  );
}

/** A shared point: its title and address, the coordinates and a link to the map. */
export function location(point) {
  if (!isObject(point)) return null;
  const lat = Number(point.latitude);
  const lon = Number(point.longitude);
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  const coordinates = `${lat.toFixed(6)}, ${lon.toFixed(6)}`;
  return h(
    "div",
    { class: "location" },
    h(
      "span",
      { class: "location-text" },
      point.title ? h("strong", { class: "location-title" }, String(point.title)) : null,
      point.address ? h("span", { class: "location-address" }, String(point.address)) : null,
      h("span", { class: "location-coordinates" }, coordinates),
      h("a", { class: "map-link", href: mapUrl(lat, lon), target: "_blank", rel: "noopener noreferrer" }, t("content.map_link")),
    ),
  );
}

/** The map link of a point: the server's [channels] map_url with {lat} and {lon} filled in. */
export function mapUrl(lat, lon) {
  return MAP_URL.replaceAll("{lat}", String(lat)).replaceAll("{lon}", String(lon));
}

/** «изменено», opening the earlier versions (oldest first) with when each was written. */
export function edited(data) {
  if (!data.edited) return null;
  const revisions = Array.isArray(data.revisions) ? data.revisions.filter(isObject) : [];
  if (!revisions.length) return h("span", { class: "edited-mark" }, t("content.edited"));
  return h(
    "details",
    { class: "revisions" },
    h("summary", { class: "edited-mark" }, t("content.edited"), " · ", t("content.revisions", { n: revisions.length })),
    h(
      "ol",
      { class: "revision-list" },
      revisions.map((r) => h("li", {}, seconds(r.at) ? timeTag(seconds(r.at)) : null, h("p", { class: "text" }, String(r.text ?? "")))),
    ),
  );
}

/** The small flag of what was wrong with the message as it arrived, listing each thing. */
export function warnings(list) {
  if (!Array.isArray(list) || !list.length) return null;
  const title = t("content.warnings");
  return h(
    "details",
    { class: "receive-warnings" },
    h("summary", { title }, h("span", { "aria-hidden": "true" }, "⚠ "), title),
    h("ul", {}, list.map((w) => h("li", {}, String(w)))),
  );
}

function quote(item, kind, label, depth) {
  const files = Array.isArray(item.attachments) ? item.attachments.map(String) : [];
  const inner = Array.isArray(item.quoted) ? item.quoted.filter(isObject) : [];
  return h(
    "blockquote",
    { class: `quote ${kind}` },
    h("p", { class: "quote-head" }, h("span", { class: "quote-author" }, label), seconds(item.sent_at) ? timeTag(seconds(item.sent_at)) : null),
    item.text ? h("p", { class: "text" }, String(item.text)) : null,
    files.length ? h("p", { class: "quote-files" }, t("content.files", { files: files.join(", ") })) : null,
    depth < MAX_DEPTH ? inner.map((q) => quote(q, "forwarded", author(q.origin), depth + 1)) : inner.length ? h("p", { class: "quote-more" }, "…") : null,
  );
}

// Who wrote a quoted or forwarded message, as its block's heading.
function author(origin) {
  if (!isObject(origin)) return t("content.unknown_author");
  if (origin.name) return String(origin.name);
  return t(origin.kind === "hidden_user" ? "content.hidden_author" : "content.unknown_author");
}

// Unix seconds (as providers give them) to an ISO time for timeTag; null when not a time.
function seconds(value) {
  const n = Number(value);
  return value != null && Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : null;
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
