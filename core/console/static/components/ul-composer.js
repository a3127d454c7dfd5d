// The reply box and the internal-note box of an appeal.
// Reply: a counter against the reply account's limit (its characters, or an SMS account's parts:
// js/sms.js — over them the send button waits, as the server would refuse), canned responses typed with
// "/", a "typing" signal to colleagues, files (reply-files.js) when the reply channel carries
// them. Note: @mentions of operators (sent as their ids). Ctrl+Enter (⌘+Enter) sends. Drafts
// (text and files) are kept per appeal while the page is open. Drawn again (a language
// switch, the appeal view moving it), the box keeps its focus, caret and an open list; a "/"
// list open when the server's replies arrive is redrawn with them.

import { perform, signal } from "../js/actions.js";
import { fill, matching, refreshCanned } from "../js/canned.js";
import { pluginOptions } from "../js/composer-ext.js";
import { h, replace } from "../js/dom.js";
import { channelTitle } from "../js/format.js";
import { t } from "../js/i18n.js";
import { toastError } from "../js/notify.js";
import { TYPING, candidates, mentionIds } from "../js/mentions.js";
import { smsCounter } from "../js/sms.js";
import { can, on, store } from "../js/store.js";
import { newConversation } from "./new-conversation.js";
import { attach, attachButton, drawChips, filesOf, forget, uploading } from "./reply-files.js";

const drafts = new Map(); // `${appealId}:${mode}` -> text
const TYPING_EVERY = 3000;
const TYPING_IDLE = 4000;

class UlComposer extends HTMLElement {
  connectedCallback() {
    this.mode = this.mode || "reply";
    this.onLang = () => this.build();
    window.addEventListener("ul-lang", this.onLang);
    this.onFiles = (event) => this.appeal && event.detail === this.appeal.id && this.drawFiles();
    window.addEventListener("ul-reply-files", this.onFiles);
    // The notice of a channel without replies lists the member's phone and e-mail.
    this.offMembers = on("members", () => this.area && this.update());
    this.onCanned = () => this.mode === "reply" && this.listOpen() && this.openPopup();
    window.addEventListener("ul-canned", this.onCanned);
    this.onInsert = (event) => this.appeal && event.detail.appeal_id === String(this.appeal.id) && this.insertText(event.detail.text);
    window.addEventListener("ul-composer-insert", this.onInsert);
    refreshCanned(); // fetched now, so the list is there when "/" is typed
    // Moved in the page (still holding its box): nothing to draw again.
    if (this.area && this.contains(this.area)) this.update();
    else this.build();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
    window.removeEventListener("ul-reply-files", this.onFiles);
    window.removeEventListener("ul-canned", this.onCanned);
    window.removeEventListener("ul-composer-insert", this.onInsert);
    this.offMembers();
    this.stopTyping();
  }

  /** ``appeal``: the appeal view; ``channel``: where a reply goes; ``limits``: what a reply
   * may hold there ({max_text_length, sms_segments}: the account's, else the channel type's). */
  setAppeal(appeal, channel, limits) {
    const changed = !this.appeal || this.appeal.id !== appeal.id;
    if (changed) this.stopTyping();
    this.appeal = appeal;
    this.channel = channel;
    this.max = (limits && limits.max_text_length) || null;
    this.smsSegments = (limits && limits.sms_segments) || null;
    if (changed || !this.area) this.build();
    else this.update();
  }

  build() {
    if (!this.appeal) return replace(this);
    const kept = this.keepState();
    this.area = h("textarea", {
      class: "composer-text",
      name: this.mode,
      rows: 4,
      placeholder: t(`composer.${this.mode}_placeholder`),
      "aria-label": t(`composer.${this.mode}`),
      oninput: () => this.changed(),
      onkeydown: (event) => this.key(event),
      // Not when the focus came back (a box drawn again takes it over).
      onblur: () => setTimeout(() => document.activeElement !== this.area && this.closePopup(), 150),
    });
    this.area.value = drafts.get(this.draftKey()) || "";
    this.popup = h("ul", { class: "popup", role: "listbox", hidden: true });
    this.counter = h("span", { class: "counter", "aria-live": "polite" });
    this.warning = h("span", { class: "over-limit", role: "alert" });
    this.hint = h("span", { class: "composer-hint", "aria-live": "polite" });
    this.button = h("button", { type: "button", class: "primary send", onclick: () => this.send() });
    const files = this.mode === "reply" ? attachButton((chosen) => attach(this.appeal.id, chosen)) : null;
    this.attachControl = files && files.button;
    this.chips = this.mode === "reply" ? h("ul", { class: "file-chips", "aria-label": t("composer.files") }) : null;
    const tabs = h(
      "div",
      { class: "composer-tabs", role: "tablist" },
      ["reply", "note"].map((mode) =>
        h("button", { type: "button", role: "tab", class: mode === this.mode ? "active" : "", "aria-selected": String(mode === this.mode), dataset: { mode }, onclick: () => this.focusMode(mode) }, t(`composer.${mode}`)),
      ),
    );
    this.footer = h("div", { class: "composer-footer" }, files && [files.button, files.input], this.counter, this.warning, this.hint, this.button);
    this.field = h("div", { class: "composer-field" }, this.popup, this.area);
    this.notice = h("div", { class: "no-replies", role: "note", hidden: true });
    const form = h("div", { class: `composer mode-${this.mode}` }, tabs, this.notice, this.field, this.chips, this.footer);
    replace(this, form);
    this.drawFiles();
    kept();
  }

  /** What the operator had in hand in the box being replaced — focus, caret, an open list —
   * given back to the new one (same appeal and mode only; the text comes from the draft). */
  keepState() {
    const old = this.area;
    const same = old && this.keptFor === this.draftKey();
    this.keptFor = this.draftKey();
    if (!same || document.activeElement !== old) return () => {};
    const [start, end, open] = [old.selectionStart, old.selectionEnd, this.listOpen()];
    const active = this.active;
    return () => {
      this.area.focus();
      this.area.setSelectionRange(start, end);
      if (!open) return;
      this.openPopup();
      if (this.choices && active < this.choices.length) {
        this.active = active;
        this.drawPopup();
      }
    };
  }

  /** A "/" or @ list is on screen. */
  listOpen() {
    return Boolean(this.choices && this.popup && !this.popup.hidden);
  }

  drawFiles() {
    if (this.chips) drawChips(this.chips, this.appeal.id);
    this.update();
  }

  /** Files of the reply draft (none for a note). */
  files() {
    return this.mode === "reply" && this.appeal ? filesOf(this.appeal.id) : [];
  }

  /** A reply cannot go back on this channel (``capabilities.text`` false: the site form). */
  noReplies() {
    const caps = store.channels.get(this.channel);
    return this.mode === "reply" && Boolean(caps) && caps.text === false;
  }

  /** Said before anyone types: the channel carries no replies; the member's phone and e-mail,
   * and a way to write to them on a channel that does. */
  drawNotice() {
    const member = store.members.get(this.appeal.member_id);
    const contacts = ((member && member.contacts) || []).filter((c) => (c.kind === "phone" || c.kind === "email") && !c.blocked);
    const link = (c) => h("a", { href: `${c.kind === "phone" ? "tel" : "mailto"}:${c.address}`, dataset: { kind: c.kind } }, c.address);
    replace(
      this.notice,
      h("p", { class: "no-replies-text" }, t("composer.no_replies", { channel: channelTitle(this.channel) })),
      contacts.length ? h("ul", { class: "no-replies-contacts", "aria-label": t("member.contacts") }, contacts.map((c) => h("li", {}, link(c)))) : h("p", { class: "muted" }, t("composer.no_contacts")),
      can("appeals.manage") ? h("button", { type: "button", class: "write-first", onclick: () => newConversation(this.appeal.member_id, this.appeal.subject || "") }, t("outbound.open")) : null,
    );
  }

  /** The reply channel says it carries files (``capabilities.files``). */
  filesAllowed() {
    const caps = store.channels.get(this.channel);
    return Boolean(caps && caps.files);
  }

  /** Why a reply with files cannot go yet ("" when nothing stands in the way). */
  filesHint(text) {
    const files = this.files();
    if (!files.length) return "";
    if (!this.filesAllowed()) return t("composer.files_unsupported");
    if (uploading(this.appeal.id)) return t("composer.files_uploading");
    return text.trim() ? "" : t("composer.files_need_text");
  }

  draftKey() {
    return `${this.appeal && this.appeal.id}:${this.mode}`;
  }

  focusMode(mode) {
    if (mode !== this.mode) {
      this.mode = mode;
      this.build();
    }
    if (this.noReplies()) this.notice.querySelector("a, button")?.focus();
    else this.area.focus();
  }

  readOnly() {
    return this.mode === "reply" && this.appeal && this.appeal.status === "closed";
  }

  update() {
    const blocked = this.noReplies();
    this.notice.hidden = !blocked;
    this.field.hidden = blocked;
    this.footer.hidden = blocked;
    if (blocked) this.drawNotice();
    const text = this.area.value;
    drafts.set(this.draftKey(), text);
    const refused = this.count(text);
    this.area.disabled = this.readOnly();
    this.area.placeholder = this.readOnly() ? t("appeal.closed_readonly") : t(`composer.${this.mode}_placeholder`);
    this.button.textContent = this.mode === "reply" ? t("composer.send") : t("composer.save_note");
    const hint = this.filesHint(text);
    this.hint.textContent = hint;
    if (this.attachControl) {
      this.attachControl.hidden = !this.filesAllowed();
      this.attachControl.disabled = this.readOnly();
    }
    // The server takes no reply without text (files ride along with one).
    this.button.disabled = !text.trim() || this.readOnly() || this.sending || Boolean(hint) || blocked || refused;
  }

  /** The counter and its warning; true when the account would refuse the text (an SMS over
   * its part limit: the server answers 422), false when it only may split it. */
  count(text) {
    const reply = this.mode === "reply";
    if (reply && this.smsSegments) {
      const sms = smsCounter(text, this.smsSegments);
      this.counter.textContent = sms.label;
      this.counter.classList.toggle("over", sms.over);
      this.warning.textContent = sms.warning;
      return sms.over;
    }
    const count = text.length;
    const over = reply && this.max && count > this.max;
    this.counter.textContent = reply && this.max ? t("composer.counter", { count, max: this.max }) : String(count);
    this.counter.classList.toggle("over", Boolean(over));
    this.warning.textContent = over ? t("composer.over_limit", { max: this.max }) : "";
    return false;
  }

  changed() {
    this.update();
    this.openPopup();
    if (this.mode === "reply") this.typing();
  }

  // -- typing signal ---------------------------------------------------------------------------

  typing() {
    const now = Date.now();
    if (!this.typingSince || now - this.typingSent > TYPING_EVERY) {
      signal("typing", { appeal_id: this.appeal.id, typing: true });
      this.typingSent = now;
      this.typingSince = this.typingSince || now;
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE);
  }

  stopTyping() {
    clearTimeout(this.typingTimer);
    if (this.typingSince && this.appeal) signal("typing", { appeal_id: this.appeal.id, typing: false });
    this.typingSince = null;
  }

  // -- canned responses and mentions -----------------------------------------------------------

  trigger() {
    const before = this.area.value.slice(0, this.area.selectionStart);
    const pattern = this.mode === "reply" ? /(^|\s)\/([^\s/]*)$/ : TYPING;
    const found = before.match(pattern);
    return found ? { query: found[2], start: before.length - found[2].length - 1 } : null;
  }

  options(query) {
    if (this.mode === "reply") {
      const canned = matching(query).map((x) => ({ label: `/${x.key}`, hint: x.title || "", insert: fill(x.text, this.context()) }));
      return [...canned, ...pluginOptions(query, this.appeal)];
    }
    return candidates(query, store.me && store.me.id)
      .slice(0, 8)
      .map((o) => ({ label: `@${o.login}`, hint: o.name || "", insert: `@${o.login} ` }));
  }

  context() {
    // The name as known ("" until then): a template never greets «Посетитель сайта».
    const member = store.members.get(this.appeal.member_id) || {};
    const name = member.full_name || "";
    return {
      member: { name, first_name: name.split(/\s+/).length > 2 ? name.split(/\s+/)[1] : name.split(/\s+/)[0] || "", card: member.card_number || "" },
      appeal: { number: this.appeal.number, subject: this.appeal.subject || "" },
      operator: { name: (store.me && (store.me.name || store.me.login)) || "" },
    };
  }

  openPopup() {
    const found = this.trigger();
    if (!found) return this.closePopup();
    this.choices = this.options(found.query);
    this.anchor = found.start;
    this.active = 0;
    this.drawPopup();
  }

  drawPopup() {
    this.popup.hidden = false;
    this.popup.setAttribute("aria-label", this.mode === "reply" ? t("composer.templates") : t("composer.mentions"));
    if (!this.choices.length) return replace(this.popup, h("li", { class: "muted" }, t("composer.no_match")));
    replace(
      this.popup,
      this.choices.map((choice, i) =>
        h(
          "li",
          { role: "option", class: i === this.active ? "active" : "", "aria-selected": String(i === this.active), onmousedown: (e) => { e.preventDefault(); this.choose(i); } },
          h("strong", {}, choice.label),
          " ",
          h("span", { class: "muted" }, choice.hint),
        ),
      ),
    );
  }

  closePopup() {
    if (this.popup) this.popup.hidden = true;
    this.choices = null;
  }

  choose(index) {
    const choice = this.choices && this.choices[index];
    if (!choice) return;
    const value = this.area.value;
    const end = this.area.selectionStart;
    this.area.value = value.slice(0, this.anchor) + choice.insert + value.slice(end);
    const caret = this.anchor + choice.insert.length;
    this.area.setSelectionRange(caret, caret);
    this.closePopup();
    this.update();
    this.area.focus();
  }

  /** A plugin's text for the reply (consoleApi.composer.insert): at the caret while the box has
   * the focus, else after the draft. */
  insertText(text) {
    if (this.mode !== "reply") this.focusMode("reply");
    if (this.readOnly() || this.noReplies()) return;
    const value = this.area.value;
    const focused = document.activeElement === this.area;
    const [start, end] = focused ? [this.area.selectionStart, this.area.selectionEnd] : [value.length, value.length];
    const gap = !focused && value.trim() ? "\n\n" : "";
    this.area.value = value.slice(0, start) + gap + text + value.slice(end);
    const caret = start + gap.length + text.length;
    this.area.focus();
    this.area.setSelectionRange(caret, caret);
    this.update();
  }

  key(event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      this.send();
      return;
    }
    if (!this.choices || this.popup.hidden) return; // Escape: the shell blurs the field
    const moves = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in moves && this.choices.length) {
      event.preventDefault();
      this.active = (this.active + moves[event.key] + this.choices.length) % this.choices.length;
      this.drawPopup();
    } else if ((event.key === "Enter" || event.key === "Tab") && this.choices.length) {
      event.preventDefault();
      this.choose(this.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation(); // close the popup only; stay in the field
      this.closePopup();
    }
  }

  mentions(text) {
    return mentionIds(text);
  }

  async send() {
    const text = this.area.value.trim();
    if (!text || this.sending || this.readOnly() || this.filesHint(text) || this.noReplies() || this.count(text)) return;
    this.sending = true;
    this.update();
    const appealId = this.appeal.id;
    try {
      if (this.mode === "reply") {
        this.stopTyping();
        const files = this.files();
        const attachments = files.map((file) => file.id);
        await perform("reply", attachments.length ? { appeal_id: appealId, text, attachments } : { appeal_id: appealId, text });
        forget(appealId, files);
      } else {
        await perform("note", { appeal_id: appealId, text, mentions: this.mentions(text) });
      }
      drafts.delete(`${appealId}:${this.mode}`);
      if (this.appeal.id === appealId) this.area.value = "";
    } catch (error) {
      toastError(error);
    } finally {
      this.sending = false;
      this.update();
    }
  }
}

customElements.define("ul-composer", UlComposer);
