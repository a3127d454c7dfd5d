// Plugins' console code (register_console_assets): each listed ES module is imported and,
// if it exports setup(consoleApi), called with what the console offers to extensions.

import * as api from "./api.js";
import { t } from "./i18n.js";
import { on, store } from "./store.js";
import { toast } from "./notify.js";
import { perform } from "./actions.js";

export async function loadPlugins() {
  let assets = [];
  try {
    assets = await api.get("/console/plugins.json");
  } catch {
    return [];
  }
  const consoleApi = Object.freeze({ api, t, on, store, toast, perform });
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
