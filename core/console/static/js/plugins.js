// Plugins' console code (register_console_assets): each listed ES module is imported and,
// if it exports setup(consoleApi), called with what the console offers to extensions — the one
// way a plugin's code reaches the console (docs/console.md, "Extending the console").

import * as api from "./api.js";
import { perform } from "./actions.js";
import * as forms from "./admin-forms.js";
import { h, replace } from "./dom.js";
import { fullTime, time } from "./format.js";
import { smsCounter, smsLength, smsParts } from "./sms.js";
import { DICTIONARIES, lang, t } from "./i18n.js";
import { errorText, toast, toastError } from "./notify.js";
import { ACTIVE, DONE, PRIORITIES, STATUSES, can, on, store } from "./store.js";
import { addToSlot } from "../components/ul-slot.js";
import { addSource, insert, refresh } from "./composer-ext.js";
import { addEntryPart } from "../components/timeline.js";

/** Merge a plugin's translations: {ru: {key: text}, en: {...}}; keys should carry its prefix. */
function strings(dictionaries) {
  for (const [language, entries] of Object.entries(dictionaries || {})) {
    if (DICTIONARIES[language]) Object.assign(DICTIONARIES[language], entries);
  }
}

export const consoleApi = Object.freeze({
  api,
  t,
  lang,
  on,
  store,
  can,
  toast,
  toastError,
  errorText,
  perform,
  h,
  replace,
  strings,
  slot: addToSlot,
  composer: Object.freeze({ insert, addSource, refresh }),
  timeline: Object.freeze({ addPart: addEntryPart }),
  vocabulary: Object.freeze({ STATUSES, ACTIVE, DONE, PRIORITIES }),
  forms, // field, showError, clearErrors, errorText, schemaInputs, readSchemaInputs, confirmBox
  format: Object.freeze({ fullTime, time }),
  sms: Object.freeze({ counter: smsCounter, parts: smsParts, length: smsLength }),
});

export async function loadPlugins() {
  let assets = [];
  try {
    assets = await api.get("/console/plugins.json");
  } catch {
    return [];
  }
  const loaded = [];
  for (const asset of assets) {
    try {
      const module = await import(asset.url);
      if (typeof module.setup === "function") await module.setup(consoleApi);
      loaded.push(asset.plugin);
    } catch (error) {
      console.error(`console assets of plugin ${asset.plugin} failed`, error);
    }
  }
  return loaded;
}
