// One timeline entry as DOM. Member text is always text (textContent); e-mail HTML (an entry
// whose data carries "html", sanitized by the server) goes into a sandboxed iframe only. What a
// message carries beyond text and files (forwards, quotes, location, edits, warnings) is drawn by
// message-content.js.

import { h, sandboxedHtml } from "../js/dom.js";
import { channelIcon, deliveryMark, fileSize, timeTag } from "../js/format.js";
import { t } from "../js/i18n.js";
import { MENTION } from "../js/mentions.js";
import { memberName, operatorName, store } from "../js/store.js";
import { edited, forwardedFrom, forwardedList, location, replyTo, warnings } from "./message-content.js";

// What plugins draw inside a message's entry (consoleApi.timeline.addPart): each part is
// called with the entry and answers an element or null (a call's card: channels/phone).
const PARTS = [];

export function addEntryPart(part) {
  if (typeof part === "function" && !PARTS.includes(part)) PARTS.push(part);
}

function pluginParts(entry) {
  return PARTS.map((part) => {
    try {
      return part(entry) || null;
    } catch (error) {
      console.error("a plugin's timeline part failed", error);
      return null;
    }
  });
}

export function entryElement(entry) {
  const render = RENDERERS[entry.kind] || systemEntry;
  const el = render(entry);
  el.dataset.entryId = String(entry.id);
  el.dataset.kind = entry.kind;
  return el;
}

const RENDERERS = {
  message_in: (e) => message(e, "in", e.data.sender_name || memberName(e.member_id) || t("timeline.member")),
  message_out: (e) => message(e, "out", e.author_id ? operatorName(e.author_id) : t("timeline.system")),
  note: noteEntry,
  status_changed: (e) => event(e, t("timeline.status", { old: t(`status.${e.data.old}`), new: t(`status.${e.data.new}`) })),
  assigned: (e) => event(e, e.data.new ? t("timeline.assigned", { name: operatorName(e.data.new) }) : t(e.data.reason === "offline" ? "timeline.unassigned_offline" : "timeline.unassigned")),
  priority_changed: (e) => event(e, t("timeline.priority", { old: t(`priority.${e.data.old}`), new: t(`priority.${e.data.new}`) })),
  tags_changed: tagsEntry,
  linked: (e) => event(e, t("timeline.linked", { number: e.data.other_number || e.data.number || "" })),
  merged: (e) => event(e, e.body || t("timeline.merged")),
};

function message(entry, direction, author) {
  const body = h("div", { class: "bubble-body" });
  if (typeof entry.data.html === "string" && entry.data.html) {
    body.append(sandboxedHtml(entry.data.html, t("timeline.mail_html")));
    if (entry.body) body.append(h("details", { class: "mail-text" }, h("summary", {}, "text/plain"), h("pre", {}, entry.body)));
  } else {
    body.append(h("p", { class: "text" }, entry.body));
  }
  const files = attachments(entry.data.attachments);
  const data = entry.data;
  return h(
    "article",
    { class: `entry message message-${direction}` },
    h(
      "header",
      {},
      channelIcon(entry.channel),
      h("span", { class: "author" }, author),
      timeTag(entry.created_at),
      direction === "out" && entry.delivery_status ? deliveryMark(entry.delivery_status, data.delivery_error, data.delivery_note) : null,
    ),
    data.subject ? h("p", { class: "mail-subject" }, data.subject) : null,
    forwardedFrom(data.forward_origin),
    replyTo(data.reply_to),
    entry.body || data.html || !hasContent(data) ? body : null,
    location(data.location),
    forwardedList(data.forwarded),
    files,
    ...pluginParts(entry),
    edited(data),
    warnings(data.warnings),
  );
}

// A message of only a location or forwards has no text of its own: no empty paragraph then.
function hasContent(data) {
  return Boolean(data.location || (Array.isArray(data.forwarded) && data.forwarded.length) || (Array.isArray(data.attachments) && data.attachments.length));
}

// A reply's entry describes its files (name, type, size, url). An entry written before it did
// names them by id only: this page's own uploads are known by name, others show as "Вложение"
// — still a download link.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function attachments(list) {
  if (!Array.isArray(list) || !list.length) return null;
  return h(
    "ul",
    { class: "attachments" },
    list.map((entry) => {
      const file = typeof entry === "string" ? { id: entry } : entry || {};
      const known = store.uploads.get(String(file.id)) || {};
      const name = file.filename || file.name || known.filename || t("timeline.attachment");
      const size = file.size ?? known.size;
      const label = `↓ ${name}${typeof size === "number" ? ` (${fileSize(size)})` : ""}`;
      const url = downloadUrl(file);
      const link = url ? h("a", { href: url, target: "_blank", rel: "noopener" }, label) : label;
      // A sound (a call's recording, a voice message) plays where it is.
      const playable = url && String(file.content_type || "").startsWith("audio/") && file.status !== "rejected";
      return h("li", {}, playable ? h("audio", { controls: true, preload: "none", src: url, "aria-label": name }) : null, link);
    }),
  );
}

function downloadUrl(file) {
  if (typeof file.url === "string" && file.url.startsWith("/api/attachments/")) return file.url;
  return UUID.test(String(file.id)) ? `/api/attachments/${file.id}` : null;
}

/** A note, with @logins of known operators highlighted (still plain text nodes). */
function noteEntry(entry) {
  const text = h("p", { class: "text" });
  for (const part of entry.body.split(MENTION)) {
    if (part.startsWith("@")) text.append(h("span", { class: "mention" }, part));
    else if (part) text.append(part);
  }
  return h(
    "article",
    { class: "entry note" },
    h("header", {}, h("span", { class: "note-label" }, t("timeline.note")), h("span", { class: "author" }, operatorName(entry.author_id)), timeTag(entry.created_at)),
    text,
  );
}

function tagsEntry(entry) {
  const parts = [];
  if (entry.data.added && entry.data.added.length) parts.push(t("timeline.tags_added", { tags: entry.data.added.join(", ") }));
  if (entry.data.removed && entry.data.removed.length) parts.push(t("timeline.tags_removed", { tags: entry.data.removed.join(", ") }));
  return event(entry, parts.join("; "));
}

function event(entry, text) {
  const by = entry.author_id ? t("timeline.by", { name: operatorName(entry.author_id) }) : "";
  return h("div", { class: "entry event" }, h("span", {}, text), by ? h("span", { class: "by" }, by) : null, timeTag(entry.created_at));
}

function systemEntry(entry) {
  const data = entry.data || {};
  if (data.action === "created") {
    const text = t("timeline.created", { number: data.number || "" });
    return event(entry, data.reopened_from ? `${text} · ${t("timeline.reopened_from", { number: data.reopened_from })}` : text);
  }
  return event(entry, entry.body || data.action || entry.kind);
}
