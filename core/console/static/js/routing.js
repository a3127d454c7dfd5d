// The routing API (core/routing), when the app has it: presence, offers, queues and the
// supervisor stats. Each function answers null (or []) when the API is absent (404) or not
// allowed (403), so the console keeps working without routing.

import { ApiError, get, request } from "./api.js";
import { store } from "./store.js";

const missing = new Set(); // paths that answered 404/403: not asked again this session

async function optional(path, fallback = null) {
  if (missing.has(path)) return fallback;
  try {
    return await get(path);
  } catch (error) {
    if (error instanceof ApiError && [403, 404, 405].includes(error.status)) {
      missing.add(path);
      return fallback;
    }
    throw error;
  }
}

export function forgetRouting() {
  missing.clear();
}

/** Supervisor stats in the supervisor view's shape, or null without the routing API. */
export async function routingStats() {
  const stats = await optional("/api/routing/stats");
  if (!stats) return null;
  return {
    computed: false,
    operators: stats.operators.map((o) => ({
      id: o.operator_id,
      name: o.name || o.operator_id.slice(0, 8),
      presence: o.status,
      held: o.held || null,
      open: o.open_appeals,
      offers: o.pending_offers,
      capacity: o.capacity,
    })),
    queues: stats.queues.map((q) => ({
      id: q.queue_id,
      name: q.name,
      open_now: q.open_now,
      waiting: q.waiting,
      oldest_since: q.oldest_wait_seconds == null ? null : Date.now() - q.oldest_wait_seconds * 1000,
      avg_wait_ms: q.average_wait_seconds == null ? null : q.average_wait_seconds * 1000,
    })),
  };
}

/** The queues of the operator's organizations ([] without routing). */
export async function queues() {
  return (await optional("/api/routing/queues/", [])) || [];
}

/** {status, chosen, idle} of the signed-in operator, or null without routing. */
export async function myPresence() {
  return optional("/api/routing/presence/me");
}

/** Choose "online" or "away" (or report idleness); over the socket when it is up. */
export async function setPresence(args) {
  const socket = store.socket;
  if (socket && socket.connected) return socket.command("presence", args);
  return request("PUT", "/api/routing/presence/me", { body: args });
}

/** Appeals offered to the operator and not yet answered ([] without routing). */
export async function myOffers() {
  return (await optional("/api/routing/offers", [])) || [];
}

export async function answerOffer(offerId, accept) {
  const name = accept ? "accept_offer" : "decline_offer";
  const socket = store.socket;
  if (socket && socket.connected) return socket.command(name, { offer_id: offerId });
  return request("POST", `/api/routing/offers/${offerId}/${accept ? "accept" : "decline"}`, { body: {} });
}

/** Everyone's presence (operator id -> status), or an empty map without routing. */
export async function presenceOfAll() {
  const list = (await optional("/api/routing/presence/", [])) || [];
  return new Map(list.map((p) => [p.operator_id, p.status]));
}
