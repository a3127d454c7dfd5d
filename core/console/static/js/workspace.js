// The operator's own things kept by the server (core/workspace): the notifications inbox and
// saved list filters. Both load when the console starts; the inbox reloads when the server
// announces a notification for us ("workspace.notified"). Store events: "inbox", "filters".

import { del, get, post } from "./api.js";
import { emit, on, store } from "./store.js";

export const inbox = { items: [], unread: 0, cursor: null, loaded: false };
export let savedFilters = [];

export async function loadInbox() {
  try {
    const page = await get("/api/notifications/", { limit: 50 });
    Object.assign(inbox, { items: page.items, unread: page.unread, cursor: page.next_cursor, loaded: true });
  } catch {
    /* the inbox stays as it was; the next notice reloads it */
  }
  emit("inbox", inbox);
}

export async function moreInbox() {
  if (!inbox.cursor) return;
  const page = await get("/api/notifications/", { limit: 50, cursor: inbox.cursor });
  Object.assign(inbox, { items: [...inbox.items, ...page.items], unread: page.unread, cursor: page.next_cursor });
  emit("inbox", inbox);
}

/** Mark ``ids`` read (``"all"``: every one). */
export async function markRead(ids) {
  const body = ids === "all" ? { all: true } : { ids };
  const answer = await post("/api/notifications/read", body);
  const stamp = new Date().toISOString();
  for (const item of inbox.items) if (ids === "all" || ids.includes(item.id)) item.read_at = item.read_at || stamp;
  inbox.unread = answer.unread;
  emit("inbox", inbox);
}

export async function loadFilters() {
  try {
    savedFilters = await get("/api/saved-filters/");
  } catch {
    savedFilters = [];
  }
  emit("filters", savedFilters);
}

export async function saveFilter(name, query) {
  const saved = await post("/api/saved-filters/", { name, query });
  await loadFilters();
  return saved;
}

export async function deleteFilter(id) {
  await del(`/api/saved-filters/${id}`);
  await loadFilters();
}

export function savedFilter(id) {
  return savedFilters.find((f) => f.id === id) || null;
}

let listening = false;

/** Start with the session: load both; reload the inbox when a notice for us arrives. */
export async function startWorkspace() {
  if (!listening) {
    listening = true;
    on("event", (frame) => {
      if (frame.event === "workspace.notified" && frame.data && frame.data.operator_id === (store.me && store.me.id)) loadInbox();
    });
  }
  await Promise.all([loadInbox(), loadFilters()]);
}

export function forgetWorkspace() {
  Object.assign(inbox, { items: [], unread: 0, cursor: null, loaded: false });
  savedFilters = [];
}
