// The appeal lists: Mine, Unassigned, All available, by status, search results, a filter being
// set up and saved filters (list-filters.js). Pages come from /api/appeals; afterwards every
// appeal event updates the store and the list redraws from it, so rows appear, move and leave
// without a reload. Rows show the SLA deadline; ticked rows take bulk actions (bulk.js).

import { get } from "../js/api.js";
import { coalesce, h, replace } from "../js/dom.js";
import { channelIcon, priorityChip, slaChip, statusChip, timeTag } from "../js/format.js";
import { t } from "../js/i18n.js";
import { toastError } from "../js/notify.js";
import { ACTIVE, STATUSES, active, memberName, on, operatorName, store, upsertAppeal } from "../js/store.js";
import { bulkBar } from "./bulk.js";
import { filterPanel, filterQuery, matcher, savedSelect } from "./list-filters.js";

const SLA_REDRAW = 60000; // deadlines move with the clock

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
  const query = filterQuery(name);
  if (query) return { query, match: matcher(query) }; // match null: only what the server found
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
    this.picked = new Set(); // ticked for a bulk action
    this.offs = [
      on("appeals", this.redraw),
      on("members", this.redraw),
      on("viewers", this.redraw),
      on("operators", this.redraw),
      on("filters", () => this.filtersChanged()),
    ];
    this.clock = setInterval(this.redraw, SLA_REDRAW);
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
    clearInterval(this.clock);
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
      this.picked.clear();
      this.build();
      this.load(true);
    } else {
      this.selected = value;
      this.markSelected();
    }
  }

  build() {
    this.body = h("ol", { class: "appeal-rows", "aria-label": this.title() });
    this.more = h("button", { type: "button", class: "more", hidden: true, onclick: () => this.load(false) });
    this.empty = h("p", { class: "list-empty" });
    this.bulk = h("div", { class: "bulk-slot" });
    this.bulkKey = null;
    this.all = h("input", { type: "checkbox", class: "row-check pick-all", "aria-label": t("bulk.pick_all"), onchange: (e) => this.pickAll(e.target.checked) });
    const go = (list) => this.go(list);
    replace(this, this.filterBar(), filterPanel(this.list, go, () => this.load(true)), this.bulk, this.body, this.empty, this.more);
  }

  title() {
    if (this.list.startsWith("saved-")) return t("filter.saved_list");
    if (this.list === "custom") return t("filter.title");
    return t(`list.${this.list}`);
  }

  filtersChanged() {
    if (!this.body) return;
    if (this.list.startsWith("saved-") && !filterQuery(this.list)) return this.go("mine"); // deleted
    this.build();
    this.render();
  }

  // -- bulk selection ----------------------------------------------------------------------

  pick(id, on) {
    if (on) this.picked.add(id);
    else this.picked.delete(id);
    this.renderBulk();
  }

  pickAll(on) {
    this.picked = new Set(on ? this.ids() : []);
    for (const box of this.body.querySelectorAll("input.row-check")) box.checked = on;
    this.renderBulk();
  }

  renderBulk() {
    const visible = new Set(this.ids());
    for (const id of [...this.picked]) if (!visible.has(id)) this.picked.delete(id);
    this.all.checked = this.picked.size > 0 && this.picked.size === visible.size;
    this.all.indeterminate = this.picked.size > 0 && this.picked.size < visible.size;
    // A live update redraws the rows, not the bar: rebuilt, it would drop a tag being typed.
    // It is rebuilt when the selection (or the operators it offers) changes, and after an action.
    const key = this.picked.size ? `${store.operators.size}|${[...this.picked].sort().join(",")}` : "";
    if (key === this.bulkKey) return;
    this.bulkKey = key;
    const done = (clear) => {
      if (clear) this.picked.clear();
      this.bulkKey = null;
      this.render();
    };
    replace(this.bulk, this.picked.size ? bulkBar(this.picked, done) : null);
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
    return h("div", { class: "list-filters" }, this.all, search, byStatus, savedSelect(this.list, (list) => this.go(list)));
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
    const byServer = !spec || !spec.match; // a search, or a filter with words: the server decides
    if (first) this.cursor = null;
    this.loading = true;
    this.render();
    try {
      const page = await get("/api/appeals/", { ...query, cursor: this.cursor, limit: 50 });
      page.items.forEach(upsertAppeal);
      if (byServer) this.found = [...(first ? [] : this.found || []), ...page.items.map((a) => a.id)];
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
    const pool = spec && spec.match ? [...store.appeals.values()].filter(spec.match) : (this.found || []).map((id) => store.appeals.get(id)).filter(Boolean);
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
    this.renderBulk();
  }

  row(appeal) {
    const preview = store.previews.get(appeal.id);
    const viewers = active(store.viewers, appeal.id);
    const name = memberName(appeal.member_id);
    const check = h("input", {
      type: "checkbox",
      class: "row-check",
      checked: this.picked.has(appeal.id),
      "aria-label": t("bulk.pick", { number: appeal.number }),
      onchange: (e) => this.pick(appeal.id, e.target.checked),
    });
    return h(
      "li",
      { class: "appeal-row", dataset: { id: appeal.id, status: appeal.status } },
      check,
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
          slaChip(appeal),
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
      li.querySelector("a.appeal-link").setAttribute("aria-current", on ? "true" : "false");
    }
  }
}

customElements.define("ul-appeal-list", UlAppealList);
