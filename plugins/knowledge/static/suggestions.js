// <ul-kb-suggestions appeal-id="…">, beside the member card of an open appeal: the three
// articles that best match what the member wrote — fetched when the appeal opens and replaced
// when the server pushes new ones after a member's message (signal "knowledge.suggestions").
// «Вставить текст» puts the article into the reply, «Вставить ссылку» the address members can
// open (public articles); what the operator does is logged for the suggestions' precision.

import { articleHref, ui } from "./ui.js";

const cache = new Map(); // appeal id -> items (a redraw of the view must not fetch again)

class UlKbSuggestions extends HTMLElement {
  connectedCallback() {
    this.appealId = this.getAttribute("appeal-id");
    this.off = ui.on("signal", (frame) => {
      if (frame.signal !== "knowledge.suggestions" || !frame.data || frame.data.appeal_id !== this.appealId) return;
      cache.set(this.appealId, frame.data.items || []);
      this.render();
    });
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    this.render();
    if (!cache.has(this.appealId)) this.load();
  }

  disconnectedCallback() {
    if (this.off) this.off();
    window.removeEventListener("ul-lang", this.onLang);
  }

  async load() {
    try {
      const found = await ui.api.get(`/api/knowledge/appeals/${this.appealId}/suggestions`);
      cache.set(this.appealId, found.items || []);
    } catch (error) {
      this.error = ui.errorText(error);
    }
    if (this.isConnected) this.render();
  }

  render() {
    const { h, t } = ui;
    const items = cache.get(this.appealId);
    const body = this.error
      ? h("p", { class: "muted" }, this.error)
      : !items
        ? null
        : items.length
          ? h("ol", { class: "kb-suggestions-list" }, items.map((item, rank) => this.item(item, rank)))
          : h("p", { class: "muted" }, t("kb.no_suggestions"));
    ui.replace(this, h("section", { class: "kb-suggestions", "aria-label": t("kb.suggestions") }, h("h3", {}, t("kb.suggestions")), body));
  }

  item(item, rank) {
    const { h, t } = ui;
    const use = (action, text) => () => {
      ui.composer.insert(this.appealId, text);
      ui.toast(t("kb.inserted"));
      this.log(item, action, rank);
    };
    return h(
      "li",
      { class: "kb-suggestion", dataset: { article: item.article_id } },
      h("a", { href: articleHref(item.article_id), class: "kb-suggestion-title", onclick: () => this.log(item, "opened", rank) }, item.title),
      item.visibility === "public" ? h("span", { class: "chip ok" }, t("kb.public_chip")) : null,
      h("p", { class: "kb-excerpt" }, item.excerpt),
      h(
        "div",
        { class: "kb-buttons" },
        h("button", { type: "button", class: "kb-insert-text", onclick: use("inserted_text", item.text) }, t("kb.insert_text")),
        item.link ? h("button", { type: "button", class: "kb-insert-link", onclick: use("inserted_link", `${item.title}: ${item.link}`) }, t("kb.insert_link")) : null,
      ),
    );
  }

  log(item, action, rank) {
    ui.api.post(`/api/knowledge/appeals/${this.appealId}/suggestions`, { article_id: item.article_id, action, rank }).catch(() => {});
  }
}

customElements.define("ul-kb-suggestions", UlKbSuggestions);
