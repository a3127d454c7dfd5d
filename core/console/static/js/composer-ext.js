// What plugins add to the reply box (consoleApi.composer, docs/console.md "Extending the
// console"): text put into an open appeal's reply, and entries of their own in its "/" list
// beside the canned responses (the knowledge base's articles). A source is a function
// (query, appeal) -> [{label, hint, insert}] answering at once from what it has; when more
// arrives it calls refresh() and an open list is drawn again with it.

const sources = [];

/** Add a source of "/" entries (the same function again: once). */
export function addSource(source) {
  if (typeof source !== "function") throw new Error("a composer source is a function (query, appeal) -> entries");
  if (!sources.includes(source)) sources.push(source);
}

/** Entries of every source for ``query``; a source that fails adds none. */
export function pluginOptions(query, appeal) {
  return sources.flatMap((source) => {
    try {
      const found = source(query, appeal);
      return Array.isArray(found) ? found.filter((x) => x && typeof x.insert === "string") : [];
    } catch (error) {
      console.error("composer source failed", error);
      return [];
    }
  });
}

/** Draw an open "/" list again (a source's answer arrived). */
export function refresh() {
  window.dispatchEvent(new CustomEvent("ul-canned"));
}

/** Put ``text`` into the reply box of appeal ``appealId`` (at the caret, or after the draft). */
export function insert(appealId, text) {
  window.dispatchEvent(new CustomEvent("ul-composer-insert", { detail: { appeal_id: String(appealId), text: String(text) } }));
}
