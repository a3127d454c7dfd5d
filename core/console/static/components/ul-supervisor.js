// The supervisor view: load per operator, queue lengths and waiting times. Uses the routing
// stats API when the app has one; otherwise computes load and waits from /api/appeals.
// Refreshes on appeal events (at most every 3 s) and every 30 s for the waiting clocks.

import { allPages } from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { duration, time } from "../js/format.js";
import { t } from "../js/i18n.js";
import { errorText } from "../js/notify.js";
import { presenceOfAll, routingStats } from "../js/routing.js";
import { ACTIVE, can, on, operatorName, store } from "../js/store.js";
import "./ul-slot.js";

const THROTTLE = 3000;

/** Why a plugin holds an online operator back (its strings' "hold.<reason>", else a plain word). */
function heldText(reason) {
  const key = `hold.${reason}`;
  const text = t(key);
  return text && text !== key ? text : t("sup.held");
}

function allowed() {
  return can("appeals.assign") || can("routing.monitor");
}

class UlSupervisor extends HTMLElement {
  connectedCallback() {
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    if (!allowed()) {
      replace(this, h("p", { class: "pad muted" }, t("sup.forbidden")));
      return;
    }
    this.offs = [on("event", () => this.soon()), on("presence", () => this.soon())];
    this.timer = setInterval(() => this.load(), 30000);
    this.load();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
    (this.offs || []).forEach((off) => off());
    clearInterval(this.timer);
    clearTimeout(this.pending);
  }

  soon() {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.load();
    }, THROTTLE);
  }

  async load() {
    try {
      const routed = await routingStats();
      this.stats = routed ? { ...routed, queues: [...routed.queues, await unqueued()] } : await computed();
      this.at = new Date().toISOString();
    } catch (error) {
      this.error = errorText(error);
    }
    this.render();
  }

  render() {
    if (!allowed()) return replace(this, h("p", { class: "pad muted" }, t("sup.forbidden")));
    const s = this.stats;
    if (!s) return replace(this, h("p", { class: "pad muted" }, this.error || t("list.loading")));
    replace(
      this,
      h(
        "section",
        { class: "supervisor pad" },
        h("h2", {}, t("sup.title")),
        s.computed ? h("p", { class: "muted" }, t("sup.computed")) : null,
        // Six columns do not fit a phone: each table scrolls in its own region (the keyboard
        // reaches it), the page stays as wide as the screen.
        h("div", { class: "sup-scroll", tabindex: "0", role: "region", "aria-label": t("sup.title") }, this.operatorTable(s.operators)),
        h("h2", {}, t("sup.queues")),
        h("div", { class: "sup-scroll", tabindex: "0", role: "region", "aria-label": t("sup.queues") }, this.queueTable(s.queues)),
        h("p", { class: "muted" }, t("sup.updated", { time: time(this.at) })),
        h("ul-slot", { name: "supervisor" }),
      ),
    );
  }

  operatorTable(rows) {
    return h(
      "table",
      { class: "grid operators-load" },
      h("thead", {}, h("tr", {}, ["sup.operator", "sup.presence", "sup.open", "sup.offers", "sup.capacity", "sup.load"].map((k) => h("th", { scope: "col" }, t(k))))),
      h(
        "tbody",
        {},
        rows.map((r) => {
          const load = r.capacity ? Math.round((100 * (r.open + (r.offers || 0))) / r.capacity) : null;
          return h(
            "tr",
            { dataset: { operator: r.id } },
            h("th", { scope: "row" }, r.name),
            h("td", { dataset: { held: r.held || "" } }, r.presence ? h("span", { class: `presence-dot presence-${r.presence}` }, t(`presence.${r.presence}`)) : "—", r.held ? ` · ${heldText(r.held)}` : ""),
            h("td", { class: "num", dataset: { open: String(r.open) } }, String(r.open)),
            h("td", { class: "num" }, r.offers == null ? "—" : String(r.offers)),
            h("td", { class: "num" }, r.capacity == null ? "—" : String(r.capacity)),
            h("td", {}, load == null ? "—" : h("span", { class: "meter" }, h("meter", { min: 0, max: 100, low: 70, high: 95, optimum: 40, value: Math.min(load, 100) }), ` ${load}%`)),
          );
        }),
      ),
    );
  }

  queueTable(rows) {
    const now = Date.now();
    return h(
      "table",
      { class: "grid queues" },
      h("thead", {}, h("tr", {}, ["sup.queue", "sup.waiting", "sup.oldest", "sup.avg_wait"].map((k) => h("th", { scope: "col" }, t(k))))),
      h(
        "tbody",
        {},
        rows.map((q) =>
          h(
            "tr",
            { dataset: { queue: q.id || "" } },
            h("th", { scope: "row" }, q.name || t("sup.unassigned"), q.open_now === false ? h("span", { class: "muted" }, ` (${t("sup.closed_now")})`) : null),
            h("td", { class: "num", dataset: { waiting: String(q.waiting) } }, String(q.waiting)),
            // An empty queue has nobody waiting: no longest wait to show (it said "только что").
            h("td", {}, q.waiting && q.oldest_since ? duration(now - q.oldest_since) : "—"),
            // The routing API's average is over appeals assigned in the last 24 hours: none
            // assigned is no average ("—"; it said "NaN дн"); computed rows carry their total.
            h("td", { dataset: { avgWait: "" } }, q.avg_wait_ms != null ? duration(q.avg_wait_ms) : q.waiting && q.total_wait_ms != null ? duration(q.total_wait_ms / q.waiting) : "—"),
          ),
        ),
      ),
    );
  }
}

/** Unassigned active appeals outside any queue (routing's stats count queues only). */
async function unqueued() {
  const appeals = await allPages("/api/appeals/", { status: ACTIVE, assignee: "none", limit: 200 }, 10);
  return waitRow(appeals.filter((a) => !a.queue_id), t("sup.no_queue"));
}

function waitRow(unassigned, name = t("sup.unassigned")) {
  const now = Date.now();
  const since = unassigned.map((a) => Date.parse(a.last_member_message_at || a.created_at));
  return {
    id: "",
    name,
    waiting: since.length,
    oldest_since: since.length ? Math.min(...since) : null,
    total_wait_ms: since.reduce((sum, at) => sum + (now - at), 0),
  };
}

/** Without the routing API: open appeals per assignee and the unassigned ones' waits. */
async function computed() {
  const appeals = await allPages("/api/appeals/", { status: ACTIVE, limit: 200 }, 10);
  const open = new Map();
  for (const a of appeals) {
    if (a.assignee_id) open.set(a.assignee_id, (open.get(a.assignee_id) || 0) + 1);
  }
  const presence = await presenceOfAll().catch(() => new Map());
  const ids = new Set([...store.operators.keys(), ...open.keys()]);
  const operators = [...ids]
    .map((id) => {
      const o = store.operators.get(id);
      return { id, name: operatorName(id), open: open.get(id) || 0, capacity: o ? o.capacity : null, presence: store.presence.get(id) || presence.get(id) || null };
    })
    .sort((a, b) => b.open - a.open || a.name.localeCompare(b.name));
  return { computed: true, operators, queues: [waitRow(appeals.filter((a) => !a.assignee_id))] };
}

customElements.define("ul-supervisor", UlSupervisor);
