// Articles in the reply box's "/" list, after the canned responses (one insertion UI for
// both): "/отпуск" searches the base as seen from the appeal's organization. Answers at once
// from what it fetched; a search still on its way redraws the open list when it lands.

import { ui } from "./ui.js";

const MIN = 3; // letters before the base is asked
const found = new Map(); // `${organization}:${query}` -> items
const asking = new Set();

async function ask(key, query, organizationId) {
  asking.add(key);
  try {
    const page = await ui.api.get("/api/knowledge/articles", { q: query, organization_id: organizationId, limit: 5, full: true });
    found.set(key, page.items || []);
    ui.composer.refresh();
  } catch {
    found.set(key, []);
  } finally {
    asking.delete(key);
  }
}

/** The composer's source: (query, appeal) -> entries. */
export function slashSource(query, appeal) {
  const q = (query || "").trim();
  if (q.length < MIN || !appeal) return [];
  const key = `${appeal.organization_id}:${q.toLowerCase()}`;
  if (!found.has(key) && !asking.has(key)) ask(key, q, appeal.organization_id);
  return (found.get(key) || []).map((item) => ({ label: `📄 ${item.title}`, hint: ui.t("kb.slash_hint"), insert: item.link ? `${item.text}\n\n${item.link}` : item.text }));
}
