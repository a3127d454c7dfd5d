// One appeal: header, controls, viewers and typing, the timeline (live), the composer and
// the member card. While open it tells colleagues "viewing" every 20 s (and at once when a
// colleague newly opens the same appeal, so both see each other quickly).

import { signal } from "../js/actions.js";
import { get } from "../js/api.js";
import { coalesce, h, replace } from "../js/dom.js";
import { channelIcon, deliveryMark, priorityChip, slaChip, statusChip, time } from "../js/format.js";
import { t } from "../js/i18n.js";
import { errorText } from "../js/notify.js";
import { active, can, memberTyping, on, store, upsertAppeal } from "../js/store.js";
import { controls } from "./controls.js";
import { entryElement } from "./timeline.js";
import "./ul-composer.js";
import "./ul-member-card.js";
import "./ul-slot.js";

const VIEWING_EVERY = 20000;

class UlAppealView extends HTMLElement {
  connectedCallback() {
    this.entries = new Map();
    this.redrawHead = coalesce(() => this.renderHead());
    this.offs = [
      on("appeals", () => this.appealChanged()),
      on("event", (frame) => this.event(frame)),
      on("viewers", (d) => this.viewers(d)),
      on("typing", () => this.renderPresence()),
      on("operators", this.redrawHead),
    ];
    this.onLang = () => this.rebuild();
    window.addEventListener("ul-lang", this.onLang);
    this.onVisible = () => document.visibilityState === "visible" && this.announce();
    document.addEventListener("visibilitychange", this.onVisible);
    this.open(this.getAttribute("appeal-id"));
  }

  disconnectedCallback() {
    this.offs.forEach((off) => off());
    window.removeEventListener("ul-lang", this.onLang);
    document.removeEventListener("visibilitychange", this.onVisible);
    this.leave();
  }

  /** Load the appeal and its timeline and show them. Opened again (a merge brought entries
   * in), the layout stays on screen while loading, so the reply box keeps its focus, caret
   * and an open "/" or @ list. */
  async open(id) {
    const again = id === this.appealId && this.layout;
    this.leave();
    this.appealId = id;
    if (!again) {
      this.layout = null;
      this.entries.clear();
      replace(this, h("p", { class: "muted pad" }, t("appeal.loading")));
    }
    try {
      const [appeal, entries] = await Promise.all([get(`/api/appeals/${id}`), this.loadTimeline(id)]);
      if (id !== this.appealId) return;
      this.reply = appeal.reply || null; // the reply account's limits (only the full view has them)
      upsertAppeal(appeal);
      for (const entry of entries) this.entries.set(entry.id, entry);
      this.rebuild();
      this.announce();
      this.viewingTimer = setInterval(() => this.announce(), VIEWING_EVERY);
      this.clockTimer = setInterval(this.redrawHead, 60000);
    } catch (error) {
      if (id !== this.appealId) return;
      this.layout = null;
      replace(this, h("p", { class: "muted pad" }, errorText(error)));
    }
  }

  async loadTimeline(id) {
    const items = [];
    let cursor = null;
    do {
      const page = await get(`/api/appeals/${id}/timeline`, { cursor, limit: 200 });
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return items;
  }

  announce() {
    if (this.appealId && this.head) signal("viewing", { appeal_id: this.appealId, viewing: true });
  }

  leave() {
    clearInterval(this.viewingTimer);
    clearInterval(this.clockTimer);
    if (this.appealId && this.head) signal("viewing", { appeal_id: this.appealId, viewing: false });
    this.head = null;
  }

  get appeal() {
    return store.appeals.get(this.appealId);
  }

  /** The channel a reply goes to: the member's last message, else where the appeal began. */
  replyChannel() {
    const incoming = [...this.entries.values()].filter((e) => e.kind === "message_in" && e.channel);
    return incoming.length ? incoming[incoming.length - 1].channel : this.appeal.channel;
  }

  /** Draw the appeal. The layout and the reply box are made once per appeal and kept when it
   * is drawn again (a merge, a language switch): rebuilding the reply box would drop the
   * focus, the caret and an open list under the operator's fingers. */
  rebuild() {
    const appeal = this.appeal;
    if (!appeal) return;
    if (!this.layout) this.layout = this.makeLayout();
    else this.relabel();
    this.head = this.layout.querySelector(".appeal-head");
    this.card = h("ul-member-card", { "member-id": appeal.member_id, "appeal-id": appeal.id });
    replace(this.side, this.card, h("ul-slot", { name: "appeal-side", "appeal-id": appeal.id }));
    this.renderHead(true);
    this.renderPresence();
    this.renderTimeline();
  }

  makeLayout() {
    this.presence = h("div", { class: "presence-line", "aria-live": "polite" });
    this.timeline = h("ol", { class: "timeline", "aria-label": t("timeline.label") });
    this.scroller = h("div", { class: "timeline-scroll", tabindex: "0", role: "region", "aria-label": t("timeline.label") }, this.timeline);
    // Observers read only: no reply box for them.
    this.composer = can("appeals.reply") ? h("ul-composer") : null;
    this.side = h("aside", { class: "appeal-side" });
    const main = h("section", { class: "appeal-main" }, h("header", { class: "appeal-head" }), this.presence, this.scroller, this.composer);
    const layout = h("div", { class: "appeal-layout" }, main, this.side);
    replace(this, layout);
    return layout;
  }

  /** The labels of the kept layout in the current language (the rest is redrawn). */
  relabel() {
    this.timeline.setAttribute("aria-label", t("timeline.label"));
    this.scroller.setAttribute("aria-label", t("timeline.label"));
  }

  renderHead(force = false) {
    const appeal = this.appeal;
    if (!this.head || !appeal) return;
    // Redraw only when this appeal changed: keeps focus in the tag input and the selects.
    // The minute too: the SLA chip counts down.
    const key = [Math.floor(Date.now() / 60000), appeal.updated_at, appeal.assignee_id, appeal.status, appeal.priority, (appeal.tags || []).join("\u0000"), this.replyChannel(), store.operators.size, (store.queues || []).length].join("|");
    if (!force && key === this.headKey) return;
    this.headKey = key;
    const kept = this.keepInputs();
    replace(
      this.head,
      h(
        "div",
        { class: "appeal-title" },
        h("a", { href: "#/", class: "back", dataset: { back: "1" } }, t("appeal.back")),
        channelIcon(appeal.channel),
        h("h2", {}, h("span", { class: "appeal-number" }, appeal.number), " ", h("span", { class: "appeal-subject" }, appeal.subject || t("appeal.no_subject"))),
        statusChip(appeal.status),
        priorityChip(appeal.priority),
        slaChip(appeal, true),
        appeal.created_at ? h("span", { class: "muted" }, t("appeal.created", { time: time(appeal.created_at) })) : null,
      ),
      can("appeals.manage") ? controls(appeal, store.queues || []) : null,
    );
    kept();
    const channel = this.replyChannel();
    if (this.composer) this.composer.setAppeal(appeal, channel, this.replyLimits(channel));
  }

  /** What a reply may hold: the account's own limits (an SMS account's part limit) while the
   * reply still goes to the account they were read for, else the channel type's. */
  replyLimits(channel) {
    const incoming = [...this.entries.values()].filter((e) => e.kind === "message_in" && e.channel);
    const account = incoming.length ? incoming[incoming.length - 1].channel_account_id : this.appeal.channel_account_id;
    const own = this.reply;
    if (own && own.channel === channel && String(own.channel_account_id) === String(account)) return own;
    return store.channels.get(channel) || null;
  }

  /** What the operator is typing or choosing in the head survives a redraw by an event. */
  keepInputs() {
    const saved = [...this.head.querySelectorAll("input[name=tag], select[name=transfer]")].map((el) => ({
      name: el.name,
      value: el.value,
      focused: document.activeElement === el,
    }));
    return () => {
      for (const { name, value, focused } of saved) {
        const el = this.head.querySelector(`[name=${name}]`);
        if (!el) continue;
        el.value = value;
        if (focused) el.focus();
      }
    };
  }

  renderPresence() {
    if (!this.presence) return;
    const viewing = active(store.viewers, this.appealId);
    const typing = active(store.typing, this.appealId);
    replace(
      this.presence,
      viewing.length ? h("span", { class: "viewers" }, t("appeal.viewing", { names: viewing.join(", ") })) : null,
      typing.length ? h("span", { class: "typing" }, t("appeal.typing", { names: typing.join(", ") })) : null,
      memberTyping(this.appealId) ? h("span", { class: "typing member-typing" }, t("appeal.member_typing")) : null,
    );
  }

  viewers(detail) {
    // A colleague just opened this appeal: answer at once so they see us without waiting.
    if (detail && detail.appealId === this.appealId && detail.fresh && detail.on) this.announce();
    this.renderPresence();
  }

  renderTimeline() {
    const entries = [...this.entries.values()].sort((a, b) => a.id - b.id);
    replace(this.timeline, entries.length ? entries.map((e) => h("li", {}, entryElement(e))) : h("li", { class: "muted" }, t("timeline.empty")));
    this.scrollDown();
  }

  scrollDown() {
    const box = this.timeline && this.timeline.parentElement;
    if (box) box.scrollTop = box.scrollHeight;
  }

  appealChanged() {
    if (this.head) this.redrawHead();
  }

  event(frame) {
    const data = frame.data || {};
    if (data.appeal_id !== this.appealId || !this.timeline) return;
    if (frame.event === "appeal.message_updated" && data.entry && this.entries.has(data.entry.id)) {
      this.entries.set(data.entry.id, data.entry); // an edit's revision, an album's next part
      const shown = this.timeline.querySelector(`[data-entry-id="${data.entry.id}"]`);
      if (shown) shown.replaceWith(entryElement(data.entry));
    } else if (data.entry && !this.entries.has(data.entry.id)) {
      this.entries.set(data.entry.id, data.entry);
      const box = this.timeline.parentElement;
      const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
      if (this.entries.size === 1) replace(this.timeline);
      this.timeline.append(h("li", {}, entryElement(data.entry)));
      if (atBottom || data.entry.author_id === store.me.id) this.scrollDown();
      if (data.entry.kind === "message_in") this.redrawHead(); // the reply channel may change
    } else if (frame.event === "appeal.delivery_updated") {
      this.delivery(data);
    } else if (frame.event === "appeal.merged") {
      this.open(this.appealId);
    }
  }

  delivery(data) {
    const entry = this.entries.get(data.entry_id);
    if (!entry) return;
    entry.delivery_status = data.delivery_status;
    if (data.error) entry.data = { ...entry.data, delivery_error: data.error };
    if (data.note) entry.data = { ...entry.data, delivery_note: data.note };
    const old = this.timeline.querySelector(`[data-entry-id="${data.entry_id}"] .delivery`);
    if (old) old.replaceWith(deliveryMark(data.delivery_status, data.error, entry.data.delivery_note));
  }
}

customElements.define("ul-appeal-view", UlAppealView);
