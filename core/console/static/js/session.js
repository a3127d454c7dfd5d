// A signed-in session: load who we are, operators and channel limits, open the console socket,
// route events and signals into the store, and notify about appeals newly assigned to us.

import { allPages, get } from "./api.js";
import { lang, setLang, storedLang, t } from "./i18n.js";
import { beep, desktop, toast } from "./notify.js";
import { forgetRouting, queues } from "./routing.js";
import { ConsoleSocket, socketUrl } from "./socket.js";
import { applyEvent, applySignal, emit, reset, store } from "./store.js";
import { forgetWorkspace, startWorkspace } from "./workspace.js";

const CAUGHT_UP_WAIT = 5000;

export async function currentOperator() {
  try {
    return await get("/api/auth/me");
  } catch {
    return null;
  }
}

/** Everything a signed-in console needs before it draws. */
export async function begin(me) {
  reset();
  store.me = me;
  store.permissions = new Set(me.permissions || []);
  if (!storedLang() && me.locale && me.locale !== lang()) setLang(me.locale, false);
  await Promise.all([loadOperators(), loadChannels(), loadQueues(), startWorkspace()]);
  await connect();
}

async function loadQueues() {
  store.queues = await queues().catch(() => []);
}

export async function loadOperators() {
  try {
    const operators = await allPages("/api/operators/", { limit: 500, active: true }, 5);
    store.operators.clear();
    for (const o of operators) store.operators.set(o.id, o);
  } catch {
    /* observers may not list operators: names fall back to short ids */
  }
  emit("operators");
}

async function loadChannels() {
  try {
    for (const channel of await get("/api/channels")) store.channels.set(channel.name, channel.capabilities || {});
  } catch {
    /* without limits the reply box just counts */
  }
}

/** Open the socket; resolves once the replay is over (or after a few seconds regardless). */
function connect() {
  const socket = new ConsoleSocket(socketUrl(), lang());
  store.socket = socket;
  socket.addEventListener("event", (e) => {
    applyEvent(e.detail);
    if (!e.detail.replay) maybeNotify(e.detail);
  });
  socket.addEventListener("signal", (e) => applySignal(e.detail));
  socket.addEventListener("state", (e) => emit("connection", e.detail));
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, CAUGHT_UP_WAIT);
    socket.addEventListener("caught_up", done, { once: true });
    socket.start();
  });
}

export function end() {
  if (store.socket) store.socket.stop();
  store.socket = null;
  ConsoleSocket.forget();
  forgetRouting();
  forgetWorkspace();
  reset();
}

function maybeNotify(frame) {
  if (frame.event === "appeal.note_added") return mentioned(frame.data);
  if (frame.event !== "appeal.assigned") return;
  const data = frame.data;
  const me = store.me && store.me.id;
  if (data.assignee_id !== me || data.old_assignee_id === me) return;
  if (data.entry && data.entry.author_id === me) return; // we claimed it ourselves
  const number = data.appeal.number;
  const title = t("notify.assigned_title", { number });
  beep();
  toast(title);
  desktop(title, data.appeal.subject || "", () => {
    location.hash = `#/mine/${data.appeal_id}`;
  });
}

/** A colleague mentioned us in a note. */
function mentioned(data) {
  const me = store.me && store.me.id;
  if (!(data.mentions || []).includes(me) || (data.entry && data.entry.author_id === me)) return;
  const title = t("notify.mentioned_title", { number: data.appeal.number });
  beep();
  toast(title);
  desktop(title, data.preview || "", () => {
    location.hash = `#/-/${data.appeal_id}`;
  });
}
