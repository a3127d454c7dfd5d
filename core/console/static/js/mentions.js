// @mentions in notes: one pattern for typing, sending and showing them. Logins and names may be
// Cyrillic ("@Борис"), so the patterns use Unicode letter classes (the "u" flag): "\w" is only
// A-Z, a-z, 0-9 and "_", and matched nothing after "@" in "@Борис".

import { store } from "./store.js";

const CHARS = "[\\p{L}\\p{M}\\p{N}_.@-]";
/** "@…" being typed at the caret: group 2 is the query. */
export const TYPING = new RegExp(`(^|\\s)@(${CHARS}*)$`, "u");
/** Every "@…" of a text (for splitting, the whole mention is one captured group). */
export const MENTION = new RegExp(`(@${CHARS}+)`, "gu");

const fold = (s) => (s || "").toLocaleLowerCase("ru-RU");

/** The operator a mention names: its login (any case), else the one operator with a name word
 * equal to it ("@Борис" for Борис Ким). A trailing dot is the sentence's, not the login's. */
export function mentioned(token) {
  const word = fold(token.replace(/^@/, "").replace(/\.+$/, ""));
  if (!word) return null;
  const operators = [...store.operators.values()];
  const byLogin = operators.find((o) => fold(o.login) === word);
  if (byLogin) return byLogin;
  const byName = operators.filter((o) => fold(o.name).split(/\s+/u).includes(word));
  return byName.length === 1 ? byName[0] : null;
}

/** Ids of the operators mentioned in ``text``, each once, in order. */
export function mentionIds(text) {
  const ids = [];
  for (const [token] of text.matchAll(MENTION)) {
    const operator = mentioned(token);
    if (operator && !ids.includes(operator.id)) ids.push(operator.id);
  }
  return ids;
}

/** Colleagues for the popup: login or any name word starting with the query (any case). */
export function candidates(query, exceptId) {
  const q = fold(query);
  return [...store.operators.values()]
    .filter((o) => o.id !== exceptId && o.is_active !== false)
    .filter((o) => fold(o.login).startsWith(q) || fold(o.name).split(/\s+/u).some((w) => w.startsWith(q)) || fold(o.name).includes(q));
}
