// The page «База знаний» (#/work/knowledge/…): search and read what the operator's
// organization sees (its overrides resolved by the server), and for editors the article
// editor, overrides, history and publishing (editor.js). Paths: "" the list, "<id>" an
// article, "edit/<id>", "new", "override/<id>", "editing" (drafts and reviews), "courses".

import { articleNodes } from "./html.js";
import { drawEditing, drawEditor, drawNew, drawOverride } from "./editor.js";
import { drawCourses } from "./courses.js";
import { articleHref, ui, use } from "./ui.js";
import { STRINGS } from "./strings.js";

export function setup(consoleApi) {
  use(consoleApi);
  consoleApi.strings(STRINGS);
}

let lastQuery = "";

class UlKnowledgePage extends HTMLElement {
  static get observedAttributes() {
    return ["path"];
  }

  connectedCallback() {
    this.classList.add("admin-page", "kb-page");
    this.onLang = () => this.show();
    window.addEventListener("ul-lang", this.onLang);
    this.show();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
  }

  attributeChangedCallback() {
    if (this.isConnected) this.show();
  }

  async show() {
    const [head, id] = (this.getAttribute("path") || "").split("/");
    try {
      if (head === "edit") return await drawEditor(this, id);
      if (head === "new") return await drawNew(this);
      if (head === "override") return await drawOverride(this, id);
      if (head === "editing") return await drawEditing(this);
      if (head === "courses") return await drawCourses(this, id);
      if (head) return await this.article(head);
      return await this.list(lastQuery);
    } catch (error) {
      ui.replace(this, ui.h("p", { class: "notice warn", role: "alert" }, ui.errorText(error)));
    }
  }

  async list(query) {
    const { h, t } = ui;
    lastQuery = query;
    const input = h("input", { type: "search", name: "q", value: query, placeholder: t("kb.search_placeholder"), "aria-label": t("kb.search") });
    const form = h(
      "form",
      { class: "kb-search", role: "search", onsubmit: (event) => { event.preventDefault(); this.list(input.value.trim()); } },
      input,
      h("button", { type: "submit", class: "primary" }, t("kb.find")),
    );
    const links = h(
      "div",
      { class: "kb-links" },
      ui.can("knowledge.write") ? [h("a", { href: "#/work/knowledge/new", class: "button" }, t("kb.new")), h("a", { href: "#/work/knowledge/editing" }, t("kb.editing"))] : null,
      h("a", { href: "#/work/knowledge/courses" }, t("kb.courses")),
    );
    ui.replace(this, h("div", { class: "admin-head" }, h("h2", {}, t("kb.title")), links), form, h("p", { class: "muted" }, "…"));
    const page = await ui.api.get("/api/knowledge/articles", { q: query || undefined, limit: 50 });
    const results = page.items.length
      ? h("ul", { class: "admin-cards kb-results", "aria-label": t("kb.title") }, page.items.map((item) => card(item)))
      : h("p", { class: "muted" }, query ? t("kb.nothing") : t("kb.empty"));
    const corrected = page.corrected ? h("p", { class: "notice kb-corrected" }, t("kb.corrected", { q: page.corrected })) : null;
    ui.replace(this, h("div", { class: "admin-head" }, h("h2", {}, t("kb.title")), links), form, corrected, results);
    if (query) input.focus();
  }

  async article(id) {
    const { h, t } = ui;
    const article = await ui.api.get(`/api/knowledge/articles/${id}`);
    const buttons = h(
      "div",
      { class: "kb-buttons" },
      article.can_edit ? h("a", { href: `#/work/knowledge/edit/${article.id}`, class: "button" }, t("kb.edit")) : null,
      ui.can("knowledge.write") && !article.base_id ? h("a", { href: `#/work/knowledge/override/${article.id}` }, t("kb.override")) : null,
    );
    ui.replace(
      this,
      h("p", {}, h("a", { href: "#/work/knowledge" }, t("kb.back"))),
      h("article", { class: "kb-article" },
        h("h2", {}, article.published_title || article.title),
        chips(article),
        article.base_changed && article.can_edit ? h("p", { class: "notice warn" }, t("kb.base_changed"), " — ", h("a", { href: `#/work/knowledge/edit/${article.id}` }, t("kb.edit"))) : null,
        h("div", { class: "kb-body" }, articleNodes(article.published_tree, h)),
        article.link ? h("p", { class: "muted" }, article.link) : null,
      ),
      buttons,
    );
  }
}

export function chips(item) {
  const { h, t } = ui;
  return h(
    "p",
    { class: "kb-chips" },
    item.is_override || item.base_id ? h("span", { class: "chip" }, t("kb.override_chip")) : null,
    item.visibility === "public" ? h("span", { class: "chip ok" }, t("kb.public_chip")) : null,
    item.status && item.status !== "published" ? h("span", { class: "chip warn" }, t(`kb.status.${item.status}`)) : null,
    item.base_changed ? h("span", { class: "chip warn" }, t("kb.base_changed")) : null,
    ...(item.tags || []).map((tag) => h("span", { class: "chip off" }, `#${tag}`)),
  );
}

export function card(item, href = articleHref(item.id)) {
  const { h } = ui;
  return h(
    "li",
    { class: "admin-card kb-card", dataset: { article: item.id } },
    h("div", { class: "card-title" }, h("a", { href }, item.title)),
    chips(item),
    item.excerpt ? h("p", { class: "kb-excerpt" }, item.excerpt) : null,
  );
}

customElements.define("ul-knowledge-page", UlKnowledgePage);
