// The operator's presence switch (online / away) with the effective status shown as a dot,
// and auto-away: after IDLE_AFTER without keyboard or pointer input the console reports the
// operator idle, and the next input reports them back. Drawn only when routing is present.

import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { toastError } from "../js/notify.js";
import { myPresence, setPresence } from "../js/routing.js";
import { emit, on, store } from "../js/store.js";

const IDLE_AFTER = 5 * 60 * 1000;
const CHOICES = ["online", "away"];
let current = null; // {status, chosen, idle} once routing answered

export function presenceSwitch() {
  return h("ul-presence");
}

class UlPresence extends HTMLElement {
  connectedCallback() {
    this.off = on("my-presence", () => this.render());
    this.render();
  }

  disconnectedCallback() {
    this.off();
  }

  render() {
    if (!current) return replace(this);
    const select = h(
      "select",
      { name: "presence", "aria-label": t("presence.label"), onchange: (e) => choose(e.target.value) },
      CHOICES.map((s) => h("option", { value: s, selected: s === current.chosen }, t(`presence.${s}`))),
    );
    const dot = h("span", { class: `presence-dot presence-${current.status}`, dataset: { presence: current.status }, title: t(`presence.${current.status}`) });
    replace(this, dot, select);
  }
}

customElements.define("ul-presence", UlPresence);

async function choose(status) {
  try {
    const view = await setPresence({ status });
    if (view) current = { status: view.status, chosen: view.chosen, idle: view.idle };
  } catch (error) {
    toastError(error);
  }
  emit("my-presence");
}

/** Ask routing for our presence; start the idle watcher when there is presence at all. */
export async function startPresence() {
  current = null;
  const view = await myPresence().catch(() => null);
  if (!view) return;
  current = { status: view.status, chosen: view.chosen, idle: view.idle };
  emit("my-presence");
  watchIdle();
}

on("presence", (data) => {
  if (!current || !store.me || data.operator_id !== store.me.id) return;
  current = { ...current, status: data.status };
  emit("my-presence");
});

let idleTimer = null;
let idle = false;
let watching = false;

function watchIdle() {
  if (watching) return;
  watching = true;
  const active = () => {
    if (!current) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(becameIdle, IDLE_AFTER);
    if (idle) {
      idle = false;
      setPresence({ idle: false }).catch(() => {});
    }
  };
  for (const type of ["keydown", "pointerdown", "pointermove", "wheel", "focus"]) window.addEventListener(type, active, { passive: true });
  active();
}

function becameIdle() {
  if (!current || !store.socket) return;
  idle = true;
  setPresence({ idle: true }).catch(() => {});
}

export function stopPresence() {
  current = null;
  clearTimeout(idleTimer);
}
