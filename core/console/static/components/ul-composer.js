// The reply box and the internal-note box of an appeal.
// Reply: a counter against the reply channel's max_text_length, canned responses typed with
// "/", a "typing" signal to colleagues, files (reply-files.js) when the reply channel carries
// them. Note: @mentions of operators (sent as their ids). Ctrl+Enter (⌘+Enter) sends. Drafts
// (text and files) are kept per appeal while the page is open.

import { perform, signal } from "../js/actions.js";
import { matching, fill } from "../js/canned.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { toastError } from "../js/notify.js";
import { memberName, store } from "../js/store.js";
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
    this.build();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
    window.removeEventListener("ul-reply-files", this.onFiles);
    this.stopTyping();
  }

  /** ``appeal``: the appeal view; ``channel``: where a reply goes; ``max``: its text limit. */
  setAppeal(appeal, channel, max) {
    const changed = !this.appeal || this.appeal.id !== appeal.id;
    if (changed) this.stopTyping();
    this.appeal = appeal;
    this.channel = channel;
    this.max = max || null;
    if (changed || !this.area) this.build();
    else this.update();
  }

  build() {
    if (!this.appeal) return replace(this);
    this.area = h("textarea", {
      class: "composer-text",
      name: this.mode,
      rows: 4,
      placeholder: t(`composer.${this.mode}_placeholder`),
      "aria-label": t(`composer.${this.mode}`),
      oninput: () => this.changed(),
      onkeydown: (event) => this.key(event),
      onblur: () => setTimeout(() => this.closePopup(), 150),
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
    const footer = h("div", { class: "composer-footer" }, files && [files.button, files.input], this.counter, this.warning, this.hint, this.button);
    const form = h("div", { class: `composer mode-${this.mode}` }, tabs, h("div", { class: "composer-field" }, this.popup, this.area), this.chips, footer);
    replace(this, form);
    this.drawFiles();
  }

  drawFiles() {
    if (this.chips) drawChips(this.chips, this.appeal.id);
    this.update();
  }

  /** Files of the reply draft (none for a note). */
  files() {
    return this.mode === "reply" && this.appeal ? filesOf(this.appeal.id) : [];
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
    this.area.focus();
  }

  readOnly() {
    return this.mode === "reply" && this.appeal && this.appeal.status === "closed";
  }

  update() {
    const text = this.area.value;
    drafts.set(this.draftKey(), text);
    const count = text.length;
    const over = this.mode === "reply" && this.max && count > this.max;
    this.counter.textContent = this.mode === "reply" && this.max ? t("composer.counter", { count, max: this.max }) : String(count);
    this.counter.classList.toggle("over", Boolean(over));
    this.warning.textContent = over ? t("composer.over_limit", { max: this.max }) : "";
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
    this.button.disabled = !text.trim() || this.readOnly() || this.sending || Boolean(hint);
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
    const pattern = this.mode === "reply" ? /(^|\s)\/([^\s/]*)$/ : /(^|\s)@([\w.@-]*)$/;
    const found = before.match(pattern);
    return found ? { query: found[2], start: before.length - found[2].length - 1 } : null;
  }

  options(query) {
    if (this.mode === "reply") {
      return matching(query).map((x) => ({ label: `/${x.key}`, hint: x.title || "", insert: fill(x.text, this.context()) }));
    }
    const q = query.toLowerCase();
    return [...store.operators.values()]
      .filter((o) => o.id !== (store.me && store.me.id))
      .filter((o) => o.login.toLowerCase().startsWith(q) || (o.name || "").toLowerCase().includes(q))
      .slice(0, 8)
      .map((o) => ({ label: `@${o.login}`, hint: o.name || "", insert: `@${o.login} ` }));
  }

  context() {
    const name = memberName(this.appeal.member_id);
    const member = store.members.get(this.appeal.member_id) || {};
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
    const ids = [];
    for (const [, login] of text.matchAll(/@([\w.@-]+)/g)) {
      const operator = [...store.operators.values()].find((o) => o.login === login);
      if (operator && !ids.includes(operator.id)) ids.push(operator.id);
    }
    return ids;
  }

  async send() {
    const text = this.area.value.trim();
    if (!text || this.sending || this.readOnly() || this.filesHint(text)) return;
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
