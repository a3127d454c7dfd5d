// Appeal statuses, priorities and delivery statuses with their labels, as the server defines
// them (core/appeals/statuses.py, core/appeals/delivery_statuses.py, served at
// /console/vocabulary.json). The console keeps no copy: every module takes them from here, and
// the labels join the i18n dictionaries ("status.new", "priority.low", "delivery.sent").

import { DICTIONARIES } from "./i18n.js";

const response = await fetch("/console/vocabulary.json", { credentials: "same-origin" });
if (!response.ok) throw new Error(`/console/vocabulary.json: ${response.status}`);
const vocabulary = await response.json();

for (const [language, labels] of Object.entries(vocabulary.labels)) {
  if (DICTIONARIES[language]) Object.assign(DICTIONARIES[language], labels);
}

export const STATUSES = vocabulary.statuses;
export const ACTIVE = vocabulary.active; // being worked on
export const DONE = vocabulary.done; // resolved or closed
export const TRANSITIONS = vocabulary.transitions; // where an operator may move each status; the server decides anyway
export const PRIORITIES = vocabulary.priorities;
export const DELIVERY_STATUSES = vocabulary.delivery_statuses;
export const MAP_URL = vocabulary.map_url; // [channels] map_url: {lat} and {lon} to fill in
