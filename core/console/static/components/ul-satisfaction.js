// The satisfaction report in the supervisor view: per operator, the members' 1–5 ratings and
// the supervisor's own, averaged over appeals resolved in the chosen period
// (GET /api/satisfaction/report). Shown to holders of satisfaction.read.

import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import "../js/satisfaction-i18n.js";

const PERIODS = [7, 30, 90];
const FRESH_MS = 30000;
let chosen = 30;
let cache = null; // {days, at, report}: the supervisor view redraws often; fetch at most twice a minute

class UlSatisfactionReport extends HTMLElement {
  connectedCallback() {
    this.render();
    this.load();
  }

  async load(force = false) {
    if (!force && cache && cache.days === chosen && Date.now() - cache.at < FRESH_MS) return;
    const since = new Date(Date.now() - chosen * 86400000).toISOString();
    try {
      const report = await api.get("/api/satisfaction/report", { since });
      cache = { days: chosen, at: Date.now(), report };
      this.error = null;
    } catch (error) {
      this.error = error.message;
    }
    if (this.isConnected) this.render();
  }

  render() {
    const report = cache && cache.days === chosen ? cache.report : null;
    const select = h(
      "select",
      { "aria-label": t("sat.period"), onchange: (e) => { chosen = Number(e.target.value); this.load(true); } },
      PERIODS.map((n) => h("option", { value: String(n), selected: n === chosen }, t("sat.days", { n }))),
    );
    replace(
      this,
      h(
        "section",
        { class: "satisfaction" },
        h("h2", {}, t("sat.title"), " ", select),
        this.error ? h("p", { class: "muted" }, this.error) : null,
        report ? this.table(report.operators) : null,
      ),
    );
  }

  table(rows) {
    if (!rows.length) return h("p", { class: "muted" }, t("sat.none"));
    const cell = (avg, n) => (n ? t("sat.count", { avg: avg.toFixed(1), n }) : "—");
    return h(
      "table",
      { class: "grid satisfaction-report" },
      h("thead", {}, h("tr", {}, ["sat.operator", "sat.asked", "sat.member", "sat.supervisor"].map((k) => h("th", { scope: "col" }, t(k))))),
      h(
        "tbody",
        {},
        rows.map((r) =>
          h(
            "tr",
            { dataset: { operator: r.operator_id || "" } },
            h("th", { scope: "row" }, r.operator_name || t("sat.unassigned")),
            h("td", { class: "num" }, String(r.asked)),
            h("td", { class: "num", dataset: { member: String(r.member_average ?? "") } }, cell(r.member_average, r.member_ratings)),
            h("td", { class: "num", dataset: { supervisor: String(r.supervisor_average ?? "") } }, cell(r.supervisor_average, r.supervisor_ratings)),
          ),
        ),
      ),
    );
  }
}

customElements.define("ul-satisfaction-report", UlSatisfactionReport);
