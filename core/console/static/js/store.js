// The console's shared state: who is signed in, operators, channels, the appeals seen so far
// (from REST pages and from events), members, and the ephemeral viewing/typing signals.
// Components subscribe with on(type, fn); events: "appeals", "members", "event", "signal",
// "viewers", "typing", "operators", "presence".

import { get } from "./api.js";
import { t } from "./i18n.js";

// The vocabulary comes from the server (vocabulary.js); re-exported for the components.
export { ACTIVE, DONE, PRIORITIES, STATUSES, TRANSITIONS } from "./vocabulary.js";
const VIEWER_TTL = 50000; // a viewer repeats every 20 s; two misses and they are gone
const TYPING_TTL = 6000;

const bus = new EventTarget();
const scheduled = new Set();

export const store = {
  me: null,
  permissions: new Set(),
  operators: new Map(),
  channels: new Map(),
  appeals: new Map(),
  previews: new Map(),
  members: new Map(),
  viewers: new Map(), // appeal id -> Map(operator id -> {name, until})
  typing: new Map(), // appeal id -> Map(operator id -> {name, until})
  memberTyping: new Map(), // appeal id -> until: the member types in a channel that says so (web chat)
  presence: new Map(), // operator id -> online/away/offline (when routing provides it)
  uploads: new Map(), // attachment id -> {filename, size}: files uploaded from this page (a reply keeps only ids)
  queues: [], // routing queues of the operator's organizations ([] without routing)
  socket: null,
};

export function on(type, fn) {
  const listener = (event) => fn(event.detail);
  bus.addEventListener(type, listener);
  return () => bus.removeEventListener(type, listener);
}

export function emit(type, detail) {
  bus.dispatchEvent(new CustomEvent(type, { detail }));
}

/** Emit ``type`` once for a burst of changes (next microtask). */
function soon(type) {
  if (scheduled.has(type)) return;
  scheduled.add(type);
  queueMicrotask(() => {
    scheduled.delete(type);
    emit(type);
  });
}

export function can(permission) {
  return store.permissions.has(permission);
}

export function reset() {
  store.me = null;
  store.permissions = new Set();
  store.queues = [];
  for (const map of [store.operators, store.appeals, store.previews, store.members, store.viewers, store.typing, store.memberTyping, store.presence]) {
    map.clear();
  }
}

// -- appeals ---------------------------------------------------------------------------------

/** Keep the newest version of an appeal (REST answers and event summaries interleave). */
export function upsertAppeal(appeal) {
  if (!appeal || !appeal.id) return;
  const known = store.appeals.get(appeal.id);
  if (known && Date.parse(known.updated_at) > Date.parse(appeal.updated_at)) return;
  store.appeals.set(appeal.id, { ...known, ...appeal });
  soon("appeals");
}

export function applyEvent(frame) {
  const data = frame.data || {};
  if (data.appeal) upsertAppeal(data.appeal);
  // A member's name or contacts changed (a web visitor introduced themselves): refetch the
  // cached copy; lists and cards redraw on "members".
  if ((frame.event === "member.updated" || frame.event === "member.merged") && store.members.has(data.member_id || data.target_id)) {
    fetchMember(data.member_id || data.target_id);
  }
  if (data.preview && data.appeal_id && (frame.event === "appeal.message_in" || frame.event === "appeal.message_out")) {
    store.previews.set(data.appeal_id, { text: data.preview, kind: frame.event.slice(7) });
  }
  emit("event", frame);
}

// -- operators and members -------------------------------------------------------------------

export function operatorName(id) {
  if (!id) return "";
  const operator = store.operators.get(id);
  if (operator) return operator.name || operator.login;
  if (store.me && store.me.id === id) return store.me.name || store.me.login;
  return id.slice(0, 8);
}

const memberRequests = new Map();

/** The member if cached; otherwise fetched once in the background ("members" fires). */
export function member(id) {
  if (!id) return null;
  if (store.members.has(id)) return store.members.get(id);
  if (!memberRequests.has(id)) fetchMember(id);
  return null;
}

function fetchMember(id) {
  const request = get(`/api/members/${id}`)
    .then((found) => {
      store.members.set(id, found);
      soon("members");
      return found;
    })
    .catch(() => store.members.get(id) || null)
    .finally(() => {
      if (memberRequests.get(id) === request) memberRequests.delete(id);
    });
  memberRequests.set(id, request);
  return request;
}

/** The member, fetched again when ``fresh`` (the cached copy stays until the answer). */
export async function loadMember(id, fresh = false) {
  if (!fresh && store.members.has(id)) return store.members.get(id);
  return memberRequests.get(id) || fetchMember(id);
}

export function memberName(id) {
  const found = member(id);
  return found ? displayName(found) : "";
}

/** What to call a member: their name; until it is known, «Посетитель сайта» for a web chat
 * visitor, else their first contact point, else «Без имени». */
export function displayName(found) {
  if (!found) return "";
  if (found.full_name) return found.full_name;
  const contacts = found.contacts || [];
  if (contacts.some((c) => c.kind === "web")) return t("member.web_visitor");
  return contacts.length ? contacts[0].address : t("member.unnamed");
}

// -- ephemeral signals -----------------------------------------------------------------------

export function applySignal(frame) {
  const data = frame.data || {};
  const me = store.me && store.me.id;
  if (frame.signal === "viewing" || frame.signal === "typing") {
    if (!data.appeal_id || data.operator_id === me) return;
    const table = frame.signal === "viewing" ? store.viewers : store.typing;
    const ttl = frame.signal === "viewing" ? VIEWER_TTL : TYPING_TTL;
    const forAppeal = table.get(data.appeal_id) || new Map();
    const fresh = !forAppeal.has(data.operator_id);
    if (data.on === false) forAppeal.delete(data.operator_id);
    else forAppeal.set(data.operator_id, { name: data.name || operatorName(data.operator_id), until: Date.now() + ttl });
    table.set(data.appeal_id, forAppeal);
    emit(frame.signal === "viewing" ? "viewers" : "typing", { appealId: data.appeal_id, operatorId: data.operator_id, fresh, on: data.on !== false });
  } else if (frame.signal === "member_typing") {
    if (!data.appeal_id) return;
    if (data.on === false) store.memberTyping.delete(data.appeal_id);
    else store.memberTyping.set(data.appeal_id, Date.now() + TYPING_TTL);
    emit("typing", { appealId: data.appeal_id, member: true, on: data.on !== false });
  } else if (frame.signal === "presence") {
    if (data.operator_id) store.presence.set(data.operator_id, data.status || data.presence);
    emit("presence", data);
  }
  emit("signal", frame);
}

/** Names of the colleagues currently viewing / typing in ``appealId`` (expired ones dropped). */
export function active(table, appealId) {
  const forAppeal = table.get(appealId);
  if (!forAppeal) return [];
  const now = Date.now();
  for (const [id, entry] of forAppeal) if (entry.until < now) forAppeal.delete(id);
  return [...forAppeal.values()].map((entry) => entry.name);
}

/** Whether the member of ``appealId`` is typing (the signal expires unless repeated). */
export function memberTyping(appealId) {
  const until = store.memberTyping.get(appealId);
  if (until === undefined) return false;
  if (until >= Date.now()) return true;
  store.memberTyping.delete(appealId);
  return false;
}

setInterval(() => {
  if (store.viewers.size) emit("viewers", {});
  if (store.typing.size || store.memberTyping.size) emit("typing", {});
}, 5000);
