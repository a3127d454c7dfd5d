// What an operator does to an appeal. Commands go over the console socket (the same services
// as REST); while the socket is down the REST API does the same, so nothing waits on it.

import { patch, post } from "./api.js";
import { store, upsertAppeal } from "./store.js";

const REST = {
  claim: (a) => post(`/api/appeals/${a.appeal_id}/claim`),
  release: (a) => post(`/api/appeals/${a.appeal_id}/release`),
  // REST takes attachments as objects; only their ids matter to the server.
  reply: (a) => post(`/api/appeals/${a.appeal_id}/replies`, { text: a.text, attachments: (a.attachments || []).map((id) => ({ id })) }),
  note: (a) => post(`/api/appeals/${a.appeal_id}/notes`, { text: a.text, mentions: a.mentions || [] }),
  transfer: (a) => post(`/api/appeals/${a.appeal_id}/assign`, { operator_id: a.operator_id }),
  set_status: (a) => post(`/api/appeals/${a.appeal_id}/status`, { status: a.status }),
  set_priority: (a) => patch(`/api/appeals/${a.appeal_id}`, { priority: a.priority }),
  set_tags: (a) => patch(`/api/appeals/${a.appeal_id}`, { tags: a.tags }),
};

/** Run ``name`` with ``args``; resolves with the result, rejects with {code, message, field}. */
export async function perform(name, args) {
  const socket = store.socket;
  let result;
  if (socket && socket.connected) {
    result = await socket.command(name, args);
  } else {
    const call = REST[name];
    if (!call) throw Object.assign(new Error("not connected"), { code: "network" });
    result = await call(args);
  }
  // Appeal views come back from most commands: show them before the event arrives.
  if (result && result.id && result.updated_at && result.number) upsertAppeal(result);
  return result;
}

/** Ephemeral signals: only over the socket (they mean nothing later). */
export function signal(name, args) {
  const socket = store.socket;
  if (socket && socket.connected) socket.command(name, args).catch(() => {});
}
