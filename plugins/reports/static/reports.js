// «Отчёты» (#/work/reports[/<state>]): the period picker with the previous period beside each
// number, drill-down from the federation to an organization, its operators and the appeals
// behind a number, a day-by-day SVG chart, and downloads of the same numbers (XLSX, CSV).
// Every number is the server's (GET /api/reports/); the page only formats it — Russian number
// and date formats, durations in hours and minutes. The state lives in the address
// (since=…&until=…&org=…&group=…&metric=…&operator=…), so Back and a shared link work.

import { barChart } from "./chart.js";
import { SCHEDULE_STRINGS } from "./schedules.js";
import { STRINGS } from "./strings.js";

let ui = null;

export function setup(consoleApi) {
  ui = consoleApi;
  ui.strings(STRINGS);
  ui.strings(SCHEDULE_STRINGS);
  if (!document.querySelector("link[data-reports-css]")) {
    document.head.append(ui.h("link", { rel: "stylesheet", href: "/console/plugins/reports/reports.css", dataset: { reportsCss: "1" } }));
  }
}

const DAY = 86400000;
// The drill-down's filters, cleared whenever the breakdown changes.
const UNFILTERED = { metric: null, operator: null, channel: null, queue: null, tag: null, hour: null };
const NONE = "~none"; // in the address: the row of appeals with no queue / no tag (key "")
const unnone = (v) => (v === NONE ? "" : v);
const CARDS = [
  ["received", "count"],
  ["resolved", "count"],
  ["backlog_end", "count"],
  ["frt_business_average", "duration"],
  ["frt_sla_percent", "percent"],
  ["resolution_business_average", "duration"],
  ["reopened", "count"],
  ["transfers", "count"],
];
const COLUMNS = [
  ["received", "count", true],
  ["resolved", "count", true],
  ["backlog_end", "count", false],
  ["first_responses", "count", true],
  ["frt_business_average", "duration", false],
  ["frt_sla_percent", "percent", false],
  ["frt_sla_breached", "count", true],
  ["resolution_business_average", "duration", false],
  ["resolution_sla_breached", "count", true],
  ["reopened", "count", true],
  ["transfers", "count", true],
  ["concurrent_average", "number", false],
  ["handled_per_worked_hour", "number", false],
];
const GROUPS = ["organization", "operator", "channel", "day", "queue", "tag", "hour"];

function iso(date) {
  return date.toISOString().slice(0, 10);
}

// The presets end on the organization's today (GET /api/reports/today: its time zone), not the
// browser's: a laptop in another zone, or at 00:30 on a clock behind, picks the union's days.
async function organizationToday(org) {
  return (await ui.api.get("/api/reports/today", { organization_id: org })).today;
}

function preset(name, today) {
  const t = new Date(`${today}T00:00:00Z`);
  const end = new Date(t.getTime() + DAY);
  if (name === "today") return { since: iso(t), until: iso(end) };
  if (name === "month" || name === "last_month") {
    const first = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - (name === "last_month" ? 1 : 0), 1));
    const next = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
    return { since: iso(first), until: iso(name === "month" ? end : next) };
  }
  const days = Number(name.slice(1)) || 30;
  return { since: iso(new Date(end.getTime() - days * DAY)), until: iso(end) };
}

function parseState(path, today) {
  const state = Object.fromEntries(new URLSearchParams(path || ""));
  if (!state.since || !state.until) Object.assign(state, preset(state.preset || "p30", today), { preset: state.preset || "p30" });
  if (!GROUPS.includes(state.group)) state.group = "organization";
  return state;
}

function address(state) {
  const keep = Object.entries(state).filter(([, v]) => v != null && v !== "");
  return `#/work/reports/${new URLSearchParams(keep).toString()}`;
}

// -- formats ----------------------------------------------------------------------------------

function count(n) {
  return new Intl.NumberFormat(ui.lang() === "en" ? "en-GB" : "ru-RU").format(n);
}

function number(n) {
  return new Intl.NumberFormat(ui.lang() === "en" ? "en-GB" : "ru-RU", { maximumFractionDigits: 2 }).format(n);
}

function duration(seconds) {
  if (seconds < 60) return ui.t("rep.s");
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return ui.t("rep.m_only", { m: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return ui.t("rep.h", { h: hours, m: String(minutes % 60).padStart(2, "0") });
  return ui.t("rep.d", { d: Math.floor(hours / 24), h: hours % 24 });
}

function show(value, kind) {
  if (value == null) return "—";
  if (kind === "duration") return duration(value);
  if (kind === "percent") return `${number(value)} %`;
  if (kind === "number") return number(value);
  return count(value);
}

function day(text) {
  const [y, m, d] = text.split("-").map(Number);
  return new Intl.DateTimeFormat(ui.lang() === "en" ? "en-GB" : "ru-RU", { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

function lastDay(until) {
  return iso(new Date(Date.parse(`${until}T00:00:00Z`) - DAY));
}

// -- the page ----------------------------------------------------------------------------------

class UlReports extends HTMLElement {
  static get observedAttributes() {
    return ["path"];
  }

  connectedCallback() {
    this.classList.add("admin-page", "reports-page");
    this.load();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.load();
  }

  go(changes) {
    const state = { ...this.state, ...changes };
    for (const [k, v] of Object.entries(changes)) if (v == null) delete state[k];
    location.hash = address(state);
  }

  async load() {
    const path = this.getAttribute("path");
    this.path = path;
    ui.replace(this, ui.h("p", { class: "muted" }, ui.t("rep.loading")));
    try {
      const org = new URLSearchParams(path || "").get("org") || undefined;
      const today = await organizationToday(org);
      if (path !== this.path) return; // a newer address took over
      const state = parseState(path, today);
      this.state = state;
      this.today = today;
      const query = { since: state.since, until: state.until, organization_id: state.org, group: state.group };
      const [report, days] = await Promise.all([
        ui.api.get("/api/reports/", query),
        ui.api.get("/api/reports/", { ...query, group: "day", compare: false }),
        this.loadBehind(state),
      ]);
      if (path !== this.path) return; // a newer address took over
      this.report = report;
      this.days = days;
      this.render();
    } catch (error) {
      ui.replace(this, ui.h("h2", {}, ui.t("rep.title")), ui.h("p", { class: "notice warn", role: "alert" }, ui.errorText(error)));
    }
  }

  async loadBehind(state) {
    this.behind = null;
    if (!state.metric) return;
    const query = { metric: state.metric, since: state.since, until: state.until, organization_id: state.org, operator_id: state.operator, channel: state.channel, queue: unnone(state.queue), tag: unnone(state.tag), hour: state.hour };
    this.behind = await ui.api.get("/api/reports/appeals", query);
  }

  render() {
    const r = this.report;
    ui.replace(
      this,
      ui.h("div", { class: "admin-head" }, ui.h("h2", {}, ui.t("rep.title"))),
      this.picker(),
      this.crumbs(r),
      ui.h("p", { class: "muted rep-note" }, ui.t("rep.zones")),
      ["tag", "hour"].includes(this.state.group) ? ui.h("p", { class: "muted rep-note" }, ui.t(`rep.${this.state.group}_note`)) : null,
      this.cards(r),
      this.chart(),
      this.table(r),
      this.behind ? this.appeals(this.behind) : null,
      this.schedules(r),
    );
  }

  schedules(r) {
    if (!r.organization_id || !ui.can("reports.manage")) return null;
    const el = ui.h("ul-report-schedules", { class: "rep-schedules-block" });
    el.show(ui, r.organization_id);
    return el;
  }

  picker() {
    const s = this.state;
    const presets = ["today", "p7", "p30", "p90", "month", "last_month", "custom"];
    const select = ui.h(
      "select",
      { id: "rep-period", onchange: (e) => (e.target.value === "custom" ? this.go({ preset: "custom" }) : this.go({ ...preset(e.target.value, this.today), preset: e.target.value })) },
      presets.map((p) => ui.h("option", { value: p, selected: (s.preset || "custom") === p }, ui.t(`rep.${p}`))),
    );
    const from = ui.h("input", { type: "date", id: "rep-from", value: s.since });
    const to = ui.h("input", { type: "date", id: "rep-to", value: lastDay(s.until) });
    const apply = ui.h("button", { type: "button", class: "btn", onclick: () => {
      if (!from.value || !to.value) return;
      this.go({ since: from.value, until: iso(new Date(Date.parse(`${to.value}T00:00:00Z`) + DAY)), preset: "custom" });
    } }, ui.t("rep.show"));
    const groups = ui.h(
      "div",
      { class: "rep-groups", role: "group", "aria-label": ui.t("rep.by") },
      GROUPS.map((g) => ui.h("button", { type: "button", class: `btn${s.group === g ? " primary" : ""}`, "aria-pressed": s.group === g ? "true" : "false", dataset: { group: g }, onclick: () => this.go({ group: g, ...UNFILTERED }) }, ui.t(`rep.by.${g}`))),
    );
    const link = (format, kind, label) => {
      const q = new URLSearchParams({ since: s.since, until: s.until, group: s.group, format, kind });
      if (s.org) q.set("organization_id", s.org);
      return ui.h("a", { class: "btn", href: `/api/reports/export?${q}`, download: "" }, label);
    };
    return ui.h(
      "div",
      { class: "rep-toolbar" },
      ui.h("label", { class: "field" }, ui.t("rep.period"), select),
      ui.h("label", { class: "field" }, ui.t("rep.from"), from),
      ui.h("label", { class: "field" }, ui.t("rep.to"), to),
      apply,
      groups,
      ui.h("div", { class: "rep-downloads" }, link("xlsx", "report", "XLSX"), link("csv", "report", "CSV"), link("xlsx", "appeals", ui.t("rep.export_appeals"))),
    );
  }

  crumbs(r) {
    const items = r.path.map((c, i) => {
      const last = i === r.path.length - 1;
      return ui.h("li", {}, last ? ui.h("span", { "aria-current": "page" }, c.name) : ui.h("a", { href: address({ ...this.state, org: c.organization_id, metric: null, operator: null, group: "organization" }) }, c.name));
    });
    return ui.h("nav", { class: "rep-crumbs", "aria-label": ui.t("rep.path") }, ui.h("ol", {}, items));
  }

  cards(r) {
    return ui.h(
      "ul",
      { class: "rep-cards" },
      CARDS.map(([key, kind]) => {
        const now = r.totals[key];
        const before = r.previous ? r.previous[key] : null;
        let delta = null;
        if (before != null && now != null && before !== now) delta = now > before ? "▲" : "▼";
        return ui.h(
          "li",
          { class: "rep-card", dataset: { metric: key } },
          ui.h("span", { class: "rep-card-title" }, ui.t(`rep.m.${key}`)),
          ui.h("strong", { class: "rep-card-value" }, show(now, kind)),
          ui.h("span", { class: "rep-card-prev muted" }, delta ? `${delta} ` : "", before == null ? ui.t("rep.no_previous") : ui.t("rep.previous", { value: show(before, kind) })),
        );
      }),
    );
  }

  chart() {
    const points = this.days.rows.map((row) => ({
      label: row.key,
      short: day(row.key).slice(0, 5),
      a: row.figures.received,
      b: row.figures.resolved,
      title: ui.t("rep.chart_label", { day: day(row.key), received: row.figures.received, resolved: row.figures.resolved }),
    }));
    return ui.h("figure", { class: "rep-figure" }, barChart(points, [ui.t("rep.legend.received"), ui.t("rep.legend.resolved")], ui.t("rep.chart"), count), ui.h("figcaption", { class: "muted" }, ui.t("rep.chart")));
  }

  label(row) {
    const g = this.state.group;
    if (g === "operator") return row.label || (row.operator_id ? ui.t("rep.nobody") : row.key);
    if (g === "day") return day(row.key);
    if ((g === "queue" || g === "tag") && row.key === "") return ui.t(`rep.no_${g}`);
    if (g === "organization" && row.organization_id === this.report.organization_id) return ui.t("rep.own", { name: row.label });
    return row.label;
  }

  nameCell(row) {
    const text = this.label(row);
    if (this.state.group === "organization" && row.drill) {
      return ui.h("a", { href: address({ ...this.state, org: row.organization_id, metric: null, operator: null }), dataset: { drill: row.organization_id } }, text);
    }
    if (this.state.group === "organization" && row.organization_id && row.organization_id !== this.report.organization_id) {
      return ui.h("a", { href: address({ ...this.state, org: row.organization_id, group: "operator", metric: null }), dataset: { operators: row.organization_id } }, text);
    }
    return text;
  }

  behindLink(row, key, text) {
    const s = this.state;
    const target = { ...UNFILTERED, metric: key };
    if (s.group === "operator") target.operator = row.operator_id;
    else if (s.group === "channel") target.channel = row.key;
    else if (["queue", "tag", "hour"].includes(s.group)) target[s.group] = row.key === "" ? NONE : row.key;
    else if (s.group === "organization" && row.organization_id) target.org = row.organization_id;
    else if (s.group === "day") return text;
    return ui.h("a", { href: address({ ...s, ...target }), dataset: { behind: key } }, text);
  }

  table(r) {
    if (!r.rows.length) return ui.h("p", { class: "muted" }, ui.t("rep.empty"));
    const extra = r.metrics.map((m) => [m.key, m.kind === "percent" ? "percent" : "number", false, ui.lang() === "en" ? m.title_en : m.title_ru]);
    const columns = [...COLUMNS.map(([k, kind, link]) => [k, kind, link, ui.t(`rep.m.${k}`)]), ...extra];
    const value = (figures, key) => (key in figures ? figures[key] : figures.extra[key]);
    const body = r.rows.map((row) =>
      ui.h(
        "tr",
        { dataset: { key: row.key } },
        ui.h("th", { scope: "row" }, this.nameCell(row)),
        columns.map(([key, kind, link, title]) => {
          // the backlog is not split by hour (docs/reports.md): its rows show none
          const v = this.state.group === "hour" && key.startsWith("backlog") ? null : value(row.figures, key);
          const text = show(v, kind);
          // data-label: at phone width the rows stack (admin.css) and each figure says its name
          return ui.h("td", { class: "num", dataset: { metric: key, label: title } }, link && v ? this.behindLink(row, key, text) : text);
        }),
      ),
    );
    const total = ui.h("tr", { class: "rep-total" }, ui.h("th", { scope: "row" }, ui.t("rep.totals")), columns.map(([key, kind, , title]) => ui.h("td", { class: "num", dataset: { metric: key, label: title } }, show(value(r.totals, key), kind))));
    return ui.h(
      "div",
      { class: "rep-scroll", tabindex: "0", role: "region", "aria-label": ui.t(`rep.by.${this.state.group}`) },
      ui.h("table", { class: "admin-table rep-table" },
        ui.h("thead", {}, ui.h("tr", {}, ui.h("th", { scope: "col" }, ui.t("rep.name")), columns.map(([, , , title]) => ui.h("th", { scope: "col" }, title)))),
        ui.h("tbody", {}, body, total)),
    );
  }

  appeals(list) {
    const statusLabel = (s) => ui.t(`status.${s}`);
    return ui.h(
      "section",
      { class: "rep-behind", "aria-label": ui.t("rep.behind", { metric: ui.t(`rep.m.${list.metric}`) }) },
      ui.h("h3", {}, ui.t("rep.behind", { metric: ui.t(`rep.m.${list.metric}`) }), " ", ui.h("a", { href: address({ ...this.state, ...UNFILTERED }), class: "btn" }, ui.t("rep.close"))),
      ui.h("p", { class: "muted" }, ui.t("rep.behind_total", { total: count(list.total), shown: count(list.appeals.length) })),
      ui.h(
        "table",
        { class: "admin-table" },
        ui.h("thead", {}, ui.h("tr", {}, ["rep.number", "rep.subject", "rep.status", "rep.value"].map((k) => ui.h("th", { scope: "col" }, ui.t(k))))),
        ui.h("tbody", {}, list.appeals.map((a) => ui.h("tr", { dataset: { appeal: a.appeal_id } },
          ui.h("td", { dataset: { label: ui.t("rep.number") } }, ui.h("a", { href: `#/-/${a.appeal_id}` }, a.number)),
          ui.h("td", { dataset: { label: ui.t("rep.subject") } }, a.subject),
          ui.h("td", { dataset: { label: ui.t("rep.status") } }, statusLabel(a.status)),
          ui.h("td", { class: "num", dataset: { label: ui.t("rep.value") } }, list.metric.endsWith("seconds") ? duration(a.value) : count(a.value))))),
      ),
    );
  }
}

customElements.define("ul-reports", UlReports);
