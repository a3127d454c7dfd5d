// Files attached to a reply: the "Attach file" button (a real <input type=file multiple> behind
// it), immediate uploads to POST /api/attachments and removable chips. Attached files are kept
// per appeal while the page is open, like the reply's text; a file the server refuses (type,
// size) leaves no chip, only the server's reason in a toast. Every change fires "ul-reply-files"
// on window (detail: the appeal id): an upload may end after its composer was rebuilt.

import { upload } from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { fileSize } from "../js/format.js";
import { t } from "../js/i18n.js";
import { toast, toastError } from "../js/notify.js";
import { store } from "../js/store.js";

const drafts = new Map(); // appeal id -> [{key, name, size, id}]; id is null while uploading
let nextKey = 0;

export function filesOf(appealId) {
  return drafts.get(appealId) || [];
}

/** Files still on their way to the server (a reply waits for them). */
export function uploading(appealId) {
  return filesOf(appealId).some((file) => !file.id);
}

/** Forget the files a reply carried (files attached while it was being sent stay). */
export function forget(appealId, sent) {
  const left = filesOf(appealId).filter((file) => !sent.includes(file));
  if (left.length) drafts.set(appealId, left);
  else drafts.delete(appealId);
  changed(appealId);
}

function changed(appealId) {
  window.dispatchEvent(new CustomEvent("ul-reply-files", { detail: appealId }));
}

function remove(appealId, key) {
  forget(appealId, filesOf(appealId).filter((file) => file.key === key));
}

/** Upload each of ``files`` at once. */
export function attach(appealId, files) {
  for (const file of files) {
    const item = { key: (nextKey += 1), name: file.name, size: file.size, id: null };
    drafts.set(appealId, [...filesOf(appealId), item]);
    upload(file)
      .then((view) => {
        Object.assign(item, { id: String(view.id), name: view.filename, size: view.size });
        store.uploads.set(item.id, { filename: view.filename, size: view.size });
      })
      .catch((error) => {
        remove(appealId, item.key);
        if (error.status === 422) toast(t("composer.file_refused", { name: file.name, type: file.type || "?", size: fileSize(file.size) }), "error");
        else toastError(error);
      })
      .finally(() => changed(appealId));
  }
  changed(appealId);
}

/** The button with its file input; ``pick(files)`` gets what the operator chose. */
export function attachButton(pick) {
  const input = h("input", {
    type: "file",
    multiple: true,
    hidden: true,
    tabindex: "-1",
    class: "attach-input",
    "aria-label": t("composer.attach"),
    onchange: () => {
      const chosen = [...input.files];
      input.value = ""; // choosing the same file again still fires "change"
      if (chosen.length) pick(chosen);
    },
  });
  const button = h("button", { type: "button", class: "attach", onclick: () => input.click() }, t("composer.attach"));
  return { input, button };
}

/** The chips of the appeal's attached files into ``list``. */
export function drawChips(list, appealId) {
  const files = filesOf(appealId);
  list.hidden = !files.length;
  replace(
    list,
    files.map((file) =>
      h(
        "li",
        { class: "file-chip", dataset: { state: file.id ? "ready" : "uploading" }, "aria-busy": String(!file.id) },
        h("span", { class: "file-name" }, file.name),
        h("span", { class: "file-size" }, file.id ? fileSize(file.size) : t("composer.uploading")),
        h(
          "button",
          {
            type: "button",
            class: "file-remove",
            "aria-label": t("composer.file_remove", { name: file.name }),
            title: t("composer.file_remove", { name: file.name }),
            onclick: () => remove(appealId, file.key),
          },
          "×",
        ),
      ),
    ),
  );
}
