// Satisfaction in the console. The report in the supervisor view: per operator, the members' 1–5 ratings and
// the supervisor's own, averaged over appeals resolved in the chosen period
// (GET /api/satisfaction/report). Shown to holders of satisfaction.read.

import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { toast, toastError } from "../js/notify.js";
import "../js/satisfaction-i18n.js";
import { can, on, store } from "../js/store.js";

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

// The ratings of one appeal, beside the member card: the member's (or that it is awaited) and
// the supervisor's, which a holder of satisfaction.rate gives once the appeal is resolved.
class UlAppealRating extends HTMLElement {
  connectedCallback() {
    this.appealId = this.getAttribute("appeal-id");
    this.offs = [
      on("event", (frame) => {
        const data = frame.data || {};
        if (data.appeal_id !== this.appealId) return;
        if (frame.event === "satisfaction.rated") this.load();
        else if (frame.event === "appeal.status_changed") this.render();
      }),
    ];
    this.load();
  }

  disconnectedCallback() {
    (this.offs || []).forEach((off) => off());
  }

  async load() {
    try {
      this.view = await api.get(`/api/satisfaction/appeals/${this.appealId}`);
    } catch {
      this.view = null;
    }
    if (this.isConnected) this.render();
  }

  render() {
    const v = this.view;
    if (!v) return replace(this);
    const appeal = store.appeals.get(this.appealId);
    const finished = appeal && (appeal.status === "resolved" || appeal.status === "closed");
    const member = v.member_rating != null ? t("sat.by_member", { n: v.member_rating }) : t(v.awaiting ? "sat.awaiting" : "sat.not_asked");
    replace(
      this,
      h(
        "section",
        { class: "appeal-rating pad" },
        h("h3", {}, t("sat.appeal")),
        h("p", { class: "member-rating" }, member),
        v.supervisor_rating != null ? h("p", { class: "supervisor-rating" }, t("sat.by_supervisor", { n: v.supervisor_rating })) : null,
        finished && can("satisfaction.rate") ? this.form(v) : null,
      ),
    );
  }

  form(v) {
    const select = h(
      "select",
      { name: "rating", "aria-label": t("sat.rate") },
      [1, 2, 3, 4, 5].map((n) => h("option", { value: String(n), selected: n === (v.supervisor_rating || 5) }, String(n))),
    );
    const submit = async (event) => {
      event.preventDefault();
      try {
        this.view = await api.request("PUT", `/api/satisfaction/appeals/${this.appealId}/supervisor-rating`, { body: { rating: Number(select.value) } });
        toast(t("sat.saved"));
      } catch (error) {
        toastError(error);
      }
      this.render();
    };
    return h("form", { class: "rate-form", onsubmit: submit }, h("label", {}, t("sat.rate"), " ", select), " ", h("button", { type: "submit" }, t("sat.save")));
  }
}

customElements.define("ul-appeal-rating", UlAppealRating);
