// The notifications inbox in the top bar: a button with the unread count, and a panel listing
// mentions, appeals handed to us and robots' notices (kept by the server until read, so a
// notice seen as a toast, or missed while away, is still here).

import { h, replace } from "../js/dom.js";
import { time } from "../js/format.js";
import { t } from "../js/i18n.js";
import { toastError } from "../js/notify.js";
import { on, operatorName } from "../js/store.js";
import { inbox, markRead, moreInbox } from "../js/workspace.js";

class UlInbox extends HTMLElement {
  connectedCallback() {
    this.button = h("button", { type: "button", class: "inbox-button", "aria-haspopup": "dialog", onclick: () => this.open() });
    this.dialog = h("dialog", { class: "inbox", "aria-labelledby": "inbox-title" });
    this.dialog.addEventListener("click", (e) => e.target === this.dialog && this.dialog.close()); // the backdrop
    replace(this, this.button, this.dialog);
    this.offs = [on("inbox", () => this.render())];
    this.render();
  }

  disconnectedCallback() {
    this.offs.forEach((off) => off());
  }

  open() {
    this.dialog.showModal();
    this.render();
  }

  render() {
    const unread = inbox.unread;
    // The name starts with the visible words, count included ("Уведомления 2: …"): axe's
    // label-content-name-mismatch otherwise (speech users say what they see).
    replace(this.button, t("inbox.title"), unread ? [" ", h("span", { class: "count", dataset: { unread: String(unread) } }, String(unread))] : null);
    this.button.setAttribute("aria-label", unread ? t("inbox.label_unread", { n: unread }) : t("inbox.title"));
    if (this.dialog.open) this.renderPanel();
  }

  renderPanel() {
    const items = inbox.items;
    replace(
      this.dialog,
      h(
        "div",
        { class: "inbox-head" },
        h("h2", { id: "inbox-title" }, t("inbox.title")),
        inbox.unread ? h("button", { type: "button", class: "read-all", onclick: () => markRead("all").catch(toastError) }, t("inbox.read_all")) : null,
        h("button", { type: "button", class: "close", onclick: () => this.dialog.close() }, t("help.close")),
      ),
      items.length ? h("ul", { class: "inbox-items" }, items.map((item) => this.item(item))) : h("p", { class: "muted" }, t("inbox.empty")),
      inbox.cursor ? h("button", { type: "button", class: "more", onclick: () => moreInbox().catch(toastError) }, t("list.more")) : null,
    );
  }

  item(item) {
    // A plugin's notice (kind "notice") brings its own title and the console address it opens.
    const title = item.kind === "notice" && item.title ? item.title : t(`inbox.kind.${item.kind}`, { number: item.appeal_number, name: item.author_id ? operatorName(item.author_id) : t("inbox.system") });
    const go = () => {
      if (!item.read_at) markRead([item.id]).catch(toastError);
      this.dialog.close();
      if (item.appeal_id) location.hash = `#/-/${item.appeal_id}`;
      else if (item.link && item.link.startsWith("#/")) location.hash = item.link;
    };
    return h(
      "li",
      { class: item.read_at ? "read" : "unread", dataset: { id: item.id, kind: item.kind } },
      h(
        "button",
        { type: "button", class: "inbox-item", onclick: go },
        h("span", { class: "inbox-title" }, title),
        item.text ? h("span", { class: "inbox-text" }, item.text) : null,
        h("time", { datetime: item.created_at }, time(item.created_at)),
      ),
    );
  }
}

customElements.define("ul-inbox", UlInbox);
