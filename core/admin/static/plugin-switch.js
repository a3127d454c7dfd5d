// The switch of an optional plugin, shared by «Плагины» and «Каналы»: on or off at the next
// start (PUT /api/plugins/<name>/enabled; shown when the server says ``may_switch``: a
// federation-wide administrator, plugins.manage), with
// the restart prompt while the running server still has the old list. A plugin the console may
// not switch says where it is decided instead.

import { get, request } from "/console/static/js/api.js";
import { errorText } from "/console/static/js/admin-forms.js";
import { h } from "/console/static/js/dom.js";
import { fullTime } from "/console/static/js/format.js";
import { DICTIONARIES, t } from "/console/static/js/i18n.js";
import { toast } from "/console/static/js/notify.js";

Object.assign(DICTIONARIES.ru, {
  "plugin_switch.label": "Включать при запуске сервера",
  "plugin_switch.checking": "Проверяем, что плагин загружается…",
  "plugin_switch.on": "«{name}» будет включён после перезапуска",
  "plugin_switch.off": "«{name}» будет выключен после перезапуска",
  "plugin_switch.back": "Изменение отменено: «{name}» работает как сейчас",
  "plugin_switch.pending": "Изменения вступят в силу после перезапуска. Перезапустите веб-сервер (unionline run) и обработчики фоновых задач (unionline worker), если они запущены отдельно: до перезапуска каждый процесс работает с прежним списком плагинов.",
  "plugin_switch.migrate": "База данных — PostgreSQL: перед перезапуском выполните unionline migrate, чтобы создать таблицы плагина.",
  "plugin_switch.pending_short": "ждёт перезапуска",
  "plugin_switch.behind": "Ещё работают с прежним списком плагинов:",
  "plugin_switch.process": "{kind} на {host} (процесс {pid}, запущен {started}) — {plugins}",
  "plugin_switch.kind.web": "веб-сервер",
  "plugin_switch.kind.worker": "обработчик фоновых задач",
  "plugin_switch.kind.command": "команда unionline",
  "plugin_switch.by_file": "Задано в файле настроек (unionline.toml): здесь не переключается.",
  "plugin_switch.ignored": "Сохранённый выбор не применяется: {reason}.",
  "plugin_switch.ignored.not installed": "плагин не установлен",
  "plugin_switch.ignored.not in plugins_allowed": "файл настроек не разрешает переключать этот плагин в консоли",
  "plugin_switch.fails": "Плагин не включён: сервер не смог бы его загрузить.",
  "plugin_switch.detail": "Причина (для администратора сервера): {detail}",
});
Object.assign(DICTIONARIES.en, {
  "plugin_switch.label": "Enable when the server starts",
  "plugin_switch.checking": "Checking that the plugin loads…",
  "plugin_switch.on": "“{name}” will be enabled after a restart",
  "plugin_switch.off": "“{name}” will be disabled after a restart",
  "plugin_switch.back": "Change undone: “{name}” runs as it does now",
  "plugin_switch.pending": "Changes take effect after a restart. Restart the web server (unionline run) and the background job workers (unionline worker) if they run separately: until then each process keeps its old list of plugins.",
  "plugin_switch.migrate": "The database is PostgreSQL: run unionline migrate before restarting, to create the plugin's tables.",
  "plugin_switch.pending_short": "waits for a restart",
  "plugin_switch.behind": "Still running the old list of plugins:",
  "plugin_switch.process": "{kind} on {host} (process {pid}, started {started}) — {plugins}",
  "plugin_switch.kind.web": "web server",
  "plugin_switch.kind.worker": "background job worker",
  "plugin_switch.kind.command": "unionline command",
  "plugin_switch.by_file": "Decided in the config file (unionline.toml): not switched here.",
  "plugin_switch.ignored": "The stored choice does not apply: {reason}.",
  "plugin_switch.ignored.not installed": "the plugin is not installed",
  "plugin_switch.ignored.not in plugins_allowed": "the config file does not let the console switch this plugin",
  "plugin_switch.fails": "Not enabled: the server could not load the plugin.",
  "plugin_switch.detail": "Reason (for the server's administrator): {detail}",
});

/** The running processes (GET /api/plugins/processes), for a caller who may switch one of
 * ``views`` (a federation-wide administrator); none for anyone else, without asking. */
export async function loadProcesses(views) {
  if (!views.some((v) => v && v.may_switch)) return [];
  try {
    return await get("/api/plugins/processes");
  } catch {
    return [];
  }
}

/** The restart prompt while ``views`` (PluginChoiceView) wait for a restart of the process that
 * answered, or ``processes`` still run an old list (each named, with what it runs differently). */
export function restartNote(views, processes = []) {
  const waiting = views.filter((v) => v && v.pending_restart);
  const behind = processes.filter((p) => p.behind.length);
  if (!waiting.length && !behind.length) return null;
  return h(
    "div",
    { class: "notice warn restart-note", role: "status", dataset: { pending: waiting.map((v) => v.name).join(" ") } },
    h("p", {}, t("plugin_switch.pending")),
    waiting.some((v) => v.migrate_first) ? h("p", {}, t("plugin_switch.migrate")) : null,
    behind.length ? h("p", {}, t("plugin_switch.behind")) : null,
    behind.length
      ? h(
          "ul",
          { class: "behind-processes" },
          behind.map((p) =>
            h(
              "li",
              { dataset: { kind: p.kind, pid: String(p.pid) } },
              t("plugin_switch.process", { kind: t(`plugin_switch.kind.${p.kind}`), host: p.host, pid: p.pid, started: fullTime(p.started_at), plugins: p.behind.join(", ") }),
            ),
          ),
        )
      : null,
  );
}

/** The switch of one plugin; ``changed(view)`` runs after the server stored a choice. */
export function pluginSwitch(view, changed) {
  if (!view) return null;
  const notes = [];
  if (view.ignored) notes.push(h("p", { class: "muted small" }, t("plugin_switch.ignored", { reason: t(`plugin_switch.ignored.${view.ignored}`) })));
  if (!view.switchable) return [h("p", { class: "muted small switch-by-file" }, t("plugin_switch.by_file")), notes];
  if (!view.may_switch) return notes; // only a federation-wide administrator switches
  const input = h("input", { type: "checkbox", role: "switch", name: "plugin-enabled", checked: view.next_start, dataset: { plugin: view.name } });
  const status = h("p", { class: "muted small switch-status", role: "status" });
  input.addEventListener("change", () => send(view, input, status, changed));
  return h(
    "div",
    { class: "plugin-switch", dataset: { plugin: view.name } },
    h("label", { class: "switch-label" }, input, " ", t("plugin_switch.label")),
    view.pending_restart ? h("span", { class: "chip warn" }, t("plugin_switch.pending_short")) : null,
    status,
    notes,
  );
}

async function send(view, input, status, changed) {
  const enabled = input.checked;
  input.disabled = true;
  status.textContent = enabled ? t("plugin_switch.checking") : "";
  try {
    const saved = await request("PUT", `/api/plugins/${encodeURIComponent(view.name)}/enabled`, { body: { enabled } });
    toast(t(saved.pending_restart ? (enabled ? "plugin_switch.on" : "plugin_switch.off") : "plugin_switch.back", { name: view.name }));
    changed(saved);
  } catch (error) {
    input.checked = !enabled;
    input.disabled = false;
    const problem = error.extra && error.extra.problem;
    const why = h("span", { role: "alert" }, problem === "fails_to_load" ? t("plugin_switch.fails") : errorText(error));
    const detail = problem === "fails_to_load" && error.extra.detail ? h("span", { class: "switch-detail" }, " ", t("plugin_switch.detail", { detail: error.extra.detail })) : "";
    status.replaceChildren(why, detail);
  }
}
