// The timekeeping plugin's console elements: <ul-workday> in the top bar (the day's state and
// its buttons: start, break, continue, finish) and <ul-timekeeping-team> at the end of the
// supervisor view, next to the load table (who works, is on a break, absent or late now),
// both redrawn live from the socket's timekeeping events. Everything of the console comes from
// setup(consoleApi) (index.js), as for any plugin.

let ui = null;
const listeners = new Set(); // elements to tell when a timekeeping event arrives

export function use(consoleApi) {
  ui = consoleApi;
  ui.on("event", (frame) => {
    if (String(frame.event || "").startsWith("timekeeping.")) for (const fn of listeners) fn(frame.data || {});
  });
}

export function hours(seconds) {
  const minutes = Math.floor((seconds || 0) / 60);
  return ui.t("tk.hours", { h: Math.floor(minutes / 60), m: minutes % 60 });
}

const BUTTONS = {
  none: ["start"],
  finished: ["start"],
  working: ["break", "finish"],
  break: ["resume", "finish"],
};

class UlWorkday extends HTMLElement {
  connectedCallback() {
    this.listener = (data) => {
      if (ui.store.me && data.operator_id === ui.store.me.id) this.load();
    };
    listeners.add(this.listener);
    this.load();
  }

  disconnectedCallback() {
    listeners.delete(this.listener);
  }

  async load() {
    try {
      this.me = await ui.api.get("/api/timekeeping/me");
    } catch (error) {
      this.me = null;
    }
    if (this.isConnected) this.render();
  }

  async act(action) {
    this.busy = true;
    this.render();
    try {
      this.me = await ui.api.post("/api/timekeeping/me/workday", { action });
    } catch (error) {
      ui.toastError(error);
    }
    this.busy = false;
    this.render();
  }

  render() {
    if (!this.me) return ui.replace(this);
    const day = this.me.workday;
    const state = day ? day.state : "none";
    const label = day ? ui.t(`tk.state.${state}`) : ui.t("tk.state.not_started");
    const since = day && day.intervals.length ? day.intervals[day.intervals.length - 1].started_at : null;
    ui.replace(
      this,
      ui.h(
        "span",
        { class: "workday", role: "group", "aria-label": ui.t("tk.day"), dataset: { state } },
        ui.h("span", { class: "workday-state", title: day && day.auto_closed ? ui.t("tk.auto") : "" }, label, state === "working" || state === "break" ? ` ${ui.t("tk.since", { time: ui.format.time(since) })}` : ""),
        BUTTONS[state].map((action) =>
          ui.h("button", { type: "button", class: `workday-${action}`, disabled: this.busy, dataset: { action }, onclick: () => this.act(action) }, ui.t(`tk.${action}`)),
        ),
      ),
    );
  }
}

customElements.define("ul-workday", UlWorkday);

let team = null; // {at, rows}: the supervisor view redraws often; fetch again on events or after 20 s

class UlTimekeepingTeam extends HTMLElement {
  connectedCallback() {
    // A morning's starts arrive in bursts: one load per half second at most.
    this.listener = () => {
      if (this.pending) return;
      this.pending = setTimeout(() => {
        this.pending = null;
        this.load(true);
      }, 500);
    };
    listeners.add(this.listener);
    this.render();
    this.load(false);
  }

  disconnectedCallback() {
    listeners.delete(this.listener);
    clearTimeout(this.pending);
  }

  async load(force) {
    if (!force && team && Date.now() - team.at < 20000) return;
    try {
      team = { at: Date.now(), rows: await ui.api.get("/api/timekeeping/team") };
      this.error = null;
    } catch (error) {
      this.error = ui.errorText(error);
    }
    if (this.isConnected) this.render();
  }

  render() {
    const rows = team ? team.rows : null;
    ui.replace(
      this,
      ui.h(
        "section",
        { class: "timekeeping-team" },
        ui.h("h2", {}, ui.t("tk.team")),
        this.error ? ui.h("p", { class: "muted" }, this.error) : null,
        rows && !rows.length ? ui.h("p", { class: "muted" }, ui.t("tk.none")) : null,
        rows && rows.length ? table(rows) : null,
      ),
    );
  }
}

export function stateText(row) {
  const parts = [ui.t(`tk.state.${row.state}`)];
  if (row.absence) parts.push(row.absence);
  if (row.since && (row.state === "working" || row.state === "break")) parts.push(ui.t("tk.since", { time: ui.format.time(row.since) }));
  if (row.late) parts.push(ui.t("tk.late"));
  if (row.auto_closed) parts.push(ui.t("tk.auto"));
  return parts.join(" · ");
}

function table(rows) {
  return ui.h(
    "table",
    { class: "grid timekeeping-now" },
    ui.h("thead", {}, ui.h("tr", {}, ["tk.person", "tk.status", "tk.worked"].map((k) => ui.h("th", { scope: "col" }, ui.t(k))))),
    ui.h(
      "tbody",
      {},
      rows.map((r) =>
        ui.h(
          "tr",
          { dataset: { operator: r.operator_id, state: r.state } },
          ui.h("th", { scope: "row" }, r.name),
          ui.h("td", { class: `tk-state tk-${r.state}` }, stateText(r)),
          ui.h("td", { class: "num" }, hours(r.worked_seconds)),
        ),
      ),
    ),
  );
}

customElements.define("ul-timekeeping-team", UlTimekeepingTeam);
