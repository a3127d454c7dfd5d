// The satisfaction plugin's console elements: <ul-satisfaction-report> at the end of the
// supervisor view — per operator, the members' 1–5 ratings and the supervisor's own, averaged
// over appeals resolved in the chosen period (GET /api/satisfaction/report) — and
// <ul-appeal-rating> beside an appeal's member card. Everything of the console they use comes
// from setup(consoleApi) (index.js), as for any plugin.

let ui = null; // the consoleApi, set by use() before the elements are first drawn

export function use(consoleApi) {
  ui = consoleApi;
}

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
      const report = await ui.api.get("/api/satisfaction/report", { since });
      cache = { days: chosen, at: Date.now(), report };
      this.error = null;
    } catch (error) {
      this.error = ui.errorText(error);
    }
    if (this.isConnected) this.render();
  }

  render() {
    const report = cache && cache.days === chosen ? cache.report : null;
    const select = ui.h(
      "select",
      { "aria-label": ui.t("sat.period"), onchange: (e) => { chosen = Number(e.target.value); this.load(true); } },
      PERIODS.map((n) => ui.h("option", { value: String(n), selected: n === chosen }, ui.t("sat.days", { n }))),
    );
    ui.replace(
      this,
      ui.h(
        "section",
        { class: "satisfaction" },
        ui.h("h2", {}, ui.t("sat.title"), " ", select),
        this.error ? ui.h("p", { class: "muted" }, this.error) : null,
        report ? this.table(report.operators) : null,
      ),
    );
  }

  table(rows) {
    if (!rows.length) return ui.h("p", { class: "muted" }, ui.t("sat.none"));
    const cell = (avg, n) => (n ? ui.t("sat.count", { avg: avg.toFixed(1), n }) : "—");
    return ui.h(
      "table",
      { class: "grid satisfaction-report" },
      ui.h("thead", {}, ui.h("tr", {}, ["sat.operator", "sat.asked", "sat.member", "sat.supervisor"].map((k) => ui.h("th", { scope: "col" }, ui.t(k))))),
      ui.h(
        "tbody",
        {},
        rows.map((r) =>
          ui.h(
            "tr",
            { dataset: { operator: r.operator_id || "" } },
            ui.h("th", { scope: "row" }, r.operator_name || ui.t("sat.unassigned")),
            ui.h("td", { class: "num" }, String(r.asked)),
            ui.h("td", { class: "num", dataset: { member: String(r.member_average ?? "") } }, cell(r.member_average, r.member_ratings)),
            ui.h("td", { class: "num", dataset: { supervisor: String(r.supervisor_average ?? "") } }, cell(r.supervisor_average, r.supervisor_ratings)),
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
      ui.on("event", (frame) => {
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
      this.view = await ui.api.get(`/api/satisfaction/appeals/${this.appealId}`);
    } catch {
      this.view = null;
    }
    if (this.isConnected) this.render();
  }

  render() {
    const v = this.view;
    if (!v) return ui.replace(this);
    const appeal = ui.store.appeals.get(this.appealId);
    const finished = appeal && ui.vocabulary.DONE.includes(appeal.status);
    const member = v.member_rating != null ? ui.t("sat.by_member", { n: v.member_rating }) : ui.t(v.awaiting ? "sat.awaiting" : "sat.not_asked");
    ui.replace(
      this,
      ui.h(
        "section",
        { class: "appeal-rating pad" },
        ui.h("h3", {}, ui.t("sat.appeal")),
        ui.h("p", { class: "member-rating" }, member),
        v.supervisor_rating != null ? ui.h("p", { class: "supervisor-rating" }, ui.t("sat.by_supervisor", { n: v.supervisor_rating })) : null,
        finished && ui.can("satisfaction.rate") ? this.form(v) : null,
      ),
    );
  }

  form(v) {
    const select = ui.h(
      "select",
      { name: "rating", "aria-label": ui.t("sat.rate") },
      [1, 2, 3, 4, 5].map((n) => ui.h("option", { value: String(n), selected: n === (v.supervisor_rating || 5) }, String(n))),
    );
    const submit = async (event) => {
      event.preventDefault();
      try {
        this.view = await ui.api.request("PUT", `/api/satisfaction/appeals/${this.appealId}/supervisor-rating`, { body: { rating: Number(select.value) } });
        ui.toast(ui.t("sat.saved"));
      } catch (error) {
        ui.toastError(error);
      }
      this.render();
    };
    return ui.h("form", { class: "rate-form", onsubmit: submit }, ui.h("label", {}, ui.t("sat.rate"), " ", select), " ", ui.h("button", { type: "submit" }, ui.t("sat.save")));
  }
}

customElements.define("ul-appeal-rating", UlAppealRating);
