// The appeal lists: Mine, Unassigned, All in scope, by status, and search results. Pages come
// from /api/appeals; afterwards every appeal event updates the store and the list redraws
// from it, so rows appear, move and leave without a reload.

import { get } from "../js/api.js";
import { coalesce, h, replace } from "../js/dom.js";
import { channelIcon, priorityChip, statusChip, timeTag } from "../js/format.js";
import { t } from "../js/i18n.js";
import { toastError } from "../js/notify.js";
import { ACTIVE, STATUSES, active, memberName, on, operatorName, store, upsertAppeal } from "../js/store.js";

/** What each list asks the server and how a live appeal is matched against it. */
export function listSpec(name) {
  const me = store.me && store.me.id;
  if (name === "mine") return { query: { assignee: "me", status: ACTIVE }, match: (a) => a.assignee_id === me && ACTIVE.includes(a.status) };
  if (name === "unassigned") return { query: { assignee: "none", status: ACTIVE }, match: (a) => !a.assignee_id && ACTIVE.includes(a.status) };
  if (name === "all") return { query: {}, match: () => true };
  if (name.startsWith("status-")) {
    const status = name.slice(7);
    return { query: { status }, match: (a) => a.status === status };
  }
  return null; // search: only what the server found
}

export async function preload(name) {
  const spec = listSpec(name);
  if (!spec) return;
  const page = await get("/api/appeals/", { ...spec.query, limit: 100 });
  page.items.forEach(upsertAppeal);
}

class UlAppealList extends HTMLElement {
  connectedCallback() {
    this.list = this.getAttribute("list") || "mine";
    this.selected = this.getAttribute("selected") || null;
    this.cursor = null;
    this.found = null; // ids of a search
    this.loading = false;
    this.redraw = coalesce(() => this.render());
    this.offs = [on("appeals", this.redraw), on("members", this.redraw), on("viewers", this.redraw), on("operators", this.redraw)];
    this.onLang = () => {
      this.build(); // the filter bar's texts too
      this.render();
    };
    window.addEventListener("ul-lang", this.onLang);
    this.build();
    this.load(true);
  }

  disconnectedCallback() {
    this.offs.forEach((off) => off());
    window.removeEventListener("ul-lang", this.onLang);
  }

  static get observedAttributes() {
    return ["list", "selected"];
  }

  attributeChangedCallback(name, old, value) {
    if (!this.body || old === value) return;
    if (name === "list") {
      this.list = value;
      this.found = null;
      this.build();
      this.load(true);
    } else {
      this.selected = value;
      this.markSelected();
    }
  }

  build() {
    this.body = h("ol", { class: "appeal-rows", "aria-label": t(`list.${this.list}`) });
    this.more = h("button", { type: "button", class: "more", hidden: true, onclick: () => this.load(false) });
    this.empty = h("p", { class: "list-empty" });
    replace(this, this.filterBar(), this.body, this.empty, this.more);
  }

  filterBar() {
    const search = h("input", {
      type: "search",
      class: "list-search",
      name: "q",
      placeholder: t("list.search_placeholder"),
      "aria-label": t("list.search"),
      value: this.list === "search" ? this.query || "" : "",
      onkeydown: (event) => {
        if (event.key === "Enter") this.search(search.value.trim());
        if (event.key === "Escape") search.blur();
      },
    });
    const byStatus = h(
      "select",
      { class: "list-status", "aria-label": t("list.by_status"), onchange: (e) => e.target.value && this.go(e.target.value) },
      h("option", { value: "" }, t("list.by_status")),
      STATUSES.map((s) => h("option", { value: `status-${s}`, selected: this.list === `status-${s}` }, t(`status.${s}`))),
    );
    return h("div", { class: "list-filters" }, search, byStatus);
  }

  go(list) {
    this.dispatchEvent(new CustomEvent("ul-list", { detail: list, bubbles: true }));
  }

  async search(query) {
    if (!query) return this.go("mine");
    this.query = query;
    if (this.list !== "search") this.go("search"); // the shell switches the list, which loads
    else await this.load(true);
  }

  async load(first) {
    const spec = listSpec(this.list);
    const query = spec ? spec.query : { q: this.query };
    if (!spec && !this.query) return this.render();
    if (first) this.cursor = null;
    this.loading = true;
    this.render();
    try {
      const page = await get("/api/appeals/", { ...query, cursor: this.cursor, limit: 50 });
      page.items.forEach(upsertAppeal);
      if (!spec) this.found = [...(first ? [] : this.found || []), ...page.items.map((a) => a.id)];
      this.cursor = page.next_cursor;
    } catch (error) {
      if (error.status !== 401) toastError(error); // 401: the shell shows the sign-in form
    } finally {
      this.loading = false;
      this.render();
    }
  }

  /** The appeals of this list, newest activity first. */
  rows() {
    const spec = listSpec(this.list);
    const pool = spec ? [...store.appeals.values()].filter(spec.match) : (this.found || []).map((id) => store.appeals.get(id)).filter(Boolean);
    return pool.sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at));
  }

  ids() {
    return this.rows().map((a) => a.id);
  }

  render() {
    if (!this.body) return;
    const rows = this.rows();
    replace(this.body, rows.map((appeal) => this.row(appeal)));
    this.empty.textContent = this.loading ? t("list.loading") : rows.length ? "" : t("list.empty");
    this.more.hidden = !this.cursor;
    this.more.textContent = t("list.more");
    this.markSelected();
  }

  row(appeal) {
    const preview = store.previews.get(appeal.id);
    const viewers = active(store.viewers, appeal.id);
    const name = memberName(appeal.member_id);
    return h(
      "li",
      { class: "appeal-row", dataset: { id: appeal.id, status: appeal.status } },
      h(
        "a",
        { href: `#/${this.list}/${appeal.id}`, class: "appeal-link" },
        h("div", { class: "row-top" }, channelIcon(appeal.channel), h("span", { class: "row-number" }, appeal.number), h("span", { class: "row-member" }, name), timeTag(appeal.updated_at)),
        h("div", { class: "row-subject" }, preview ? preview.text : appeal.subject || t("appeal.no_subject")),
        h(
          "div",
          { class: "row-meta" },
          statusChip(appeal.status),
          priorityChip(appeal.priority),
          h("span", { class: "row-assignee" }, appeal.assignee_id ? operatorName(appeal.assignee_id) : t("list.nobody")),
          viewers.length ? h("span", { class: "row-viewers", title: t("list.viewers", { names: viewers.join(", ") }) }, `◉ ${viewers.length}`) : null,
        ),
      ),
    );
  }

  markSelected() {
    for (const li of this.body.children) {
      const on = li.dataset.id === this.selected;
      li.classList.toggle("selected", on);
      li.firstChild.setAttribute("aria-current", on ? "true" : "false");
    }
  }
}

customElements.define("ul-appeal-list", UlAppealList);
