/*
 * Unionline site appeal form. Embed with one tag:
 *
 *   <script src="https://<unionline>/widget/form.js" data-form-key="<form key>" data-lang="ru" async></script>
 *
 * The form renders right after the script tag, or into the element named by data-target
 * ("#id" or any selector), or into every <div data-unionline-form="<form key>"> on the page.
 * It lives in a Shadow DOM (the site's styles do not leak in or out), talks only to the
 * Unionline server the script came from, and needs no build step. Russian by default,
 * English with data-lang="en". See docs/channels/webform.md.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) return;
  var base = script.src.replace(/\/widget\/form\.js(?:[?#].*)?$/, "");

  var FALLBACK = {
    ru: {
      send: "Отправить",
      sending: "Отправляем…",
      loading: "Загружаем форму…",
      load_failed: "Не удалось загрузить форму. Обновите страницу.",
      network: "Не удалось отправить обращение: нет связи с сервером. Попробуйте ещё раз.",
      rate_limited: "Слишком много обращений с этого адреса. Попробуйте позже.",
      failed: "Не удалось отправить обращение. Попробуйте ещё раз.",
      fix: "Исправьте ошибки в форме.",
      required_mark: "обязательное поле",
      honeypot: "Не заполняйте это поле",
      another: "Отправить ещё одно обращение",
      no_file: "Файл не выбран",
    },
    en: {
      send: "Send",
      sending: "Sending…",
      loading: "Loading the form…",
      load_failed: "The form could not be loaded. Reload the page.",
      network: "The appeal could not be sent: no connection to the server. Please try again.",
      rate_limited: "Too many appeals from this address. Please try again later.",
      failed: "The appeal could not be sent. Please try again.",
      fix: "Please correct the errors in the form.",
      required_mark: "required",
      honeypot: "Do not fill in this field",
      another: "Send another appeal",
      no_file: "No file chosen",
    },
  };

  var STYLE = [
    ":host { display: block; font: inherit; color: inherit; max-width: 40rem; }",
    "form, .done { display: grid; gap: 0.9rem; }",
    "h2 { font-size: 1.3em; margin: 0 0 0.3rem; }",
    ".field { display: grid; gap: 0.25rem; }",
    "label { font-weight: 600; }",
    ".req { color: #b00020; margin-left: 0.2em; }",
    "input[type=text], input[type=tel], input[type=email], select, textarea {",
    "  font: inherit; padding: 0.5rem 0.6rem; border: 1px solid #8a8a8a; border-radius: 6px;",
    "  background: #fff; color: #111; width: 100%; box-sizing: border-box; }",
    "textarea { min-height: 8rem; resize: vertical; }",
    "input:focus-visible, select:focus-visible, textarea:focus-visible, button:focus-visible, a:focus-visible {",
    "  outline: 3px solid #1a5fb4; outline-offset: 2px; }",
    "[aria-invalid=true] { border-color: #b00020; border-width: 2px; }",
    ".error { color: #b00020; margin: 0; font-size: 0.95em; }",
    ".error:empty { display: none; }",
    ".consent { display: grid; grid-template-columns: auto 1fr; gap: 0.5rem; align-items: start; }",
    ".consent label { font-weight: normal; }",
    ".consent .error { grid-column: 1 / -1; }",
    ".trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }",
    "button { font: inherit; padding: 0.6rem 1.2rem; border-radius: 6px; border: 0;",
    "  background: #1a5fb4; color: #fff; cursor: pointer; justify-self: start; }",
    "button[disabled] { opacity: 0.6; cursor: progress; }",
    ".status { margin: 0; }",
    ".status.bad { color: #b00020; font-weight: 600; }",
    ".done p { font-size: 1.15em; font-weight: 600; margin: 0; }",
  ].join("\n");

  var counter = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function newSubmissionId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function UnionlineForm(host, formKey, lang) {
    this.host = host;
    this.formKey = formKey;
    this.lang = lang === "en" ? "en" : "ru";
    this.words = FALLBACK[this.lang];
    this.prefix = "ulf" + ++counter + "-";
    this.root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    this.root.appendChild(el("style", { text: STYLE }));
    this.body = el("div", { lang: this.lang });
    this.root.appendChild(this.body);
    this.body.appendChild(el("p", { class: "status", role: "status", text: this.words.loading }));
    this.submissionId = newSubmissionId();
    this.load();
  }

  UnionlineForm.prototype.url = function (tail) {
    return base + "/channels/webform/" + encodeURIComponent(this.formKey) + tail;
  };

  UnionlineForm.prototype.fetchDefinition = function () {
    return fetch(this.url("/form?lang=" + this.lang), { credentials: "omit", cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error("form " + r.status);
      return r.json();
    });
  };

  UnionlineForm.prototype.load = function () {
    var self = this;
    this.fetchDefinition().then(
      function (definition) { self.render(definition); },
      function () {
        self.body.textContent = "";
        self.body.appendChild(el("p", { class: "status bad", role: "alert", text: self.words.load_failed }));
      }
    );
  };

  UnionlineForm.prototype.id = function (name) {
    return this.prefix + name;
  };

  UnionlineForm.prototype.render = function (definition) {
    var self = this;
    this.definition = definition;
    this.token = definition.render_token;
    this.messages = definition.messages || {};
    this.body.textContent = "";
    var form = el("form", { novalidate: true, "aria-labelledby": this.id("title") });
    form.appendChild(el("h2", { id: this.id("title"), text: definition.title }));
    definition.fields.forEach(function (field) { form.appendChild(self.renderField(field)); });
    var trapId = this.id(definition.honeypot);
    form.appendChild(
      el("div", { class: "trap", "aria-hidden": "true" }, [
        el("label", { for: trapId, text: this.words.honeypot }),
        el("input", { type: "text", id: trapId, name: definition.honeypot, tabindex: "-1", autocomplete: "off" }),
      ])
    );
    this.status = el("p", { class: "status", role: "status", "aria-live": "polite", tabindex: "-1" });
    this.button = el("button", { type: "submit", text: this.words.send });
    form.appendChild(this.status);
    form.appendChild(this.button);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit();
    });
    this.form = form;
    this.body.appendChild(form);
  };

  UnionlineForm.prototype.renderField = function (field) {
    var id = this.id(field.name);
    var errorId = id + "-error";
    var attrs = {
      id: id,
      name: field.name,
      required: field.required,
      "aria-required": field.required ? "true" : null,
      "aria-describedby": errorId,
      maxlength: field.max_length || null,
    };
    var control;
    if (field.type === "textarea") {
      control = el("textarea", attrs);
    } else if (field.type === "select") {
      control = el("select", attrs, [el("option", { value: "", text: "—" })].concat(
        (field.options || []).map(function (o) { return el("option", { value: o.value, text: o.label }); })
      ));
    } else if (field.type === "file") {
      control = el("input", Object.assign(attrs, { type: "file" }));
    } else if (field.type === "checkbox") {
      control = el("input", Object.assign(attrs, { type: "checkbox", value: "true" }));
    } else {
      var autocomplete = { name: "name", phone: "tel", email: "email" }[field.name] || null;
      control = el("input", Object.assign(attrs, { type: field.type, autocomplete: autocomplete }));
    }
    var error = el("p", { class: "error", id: errorId });
    var mark = field.required
      ? el("span", { class: "req", "aria-hidden": "true", title: this.words.required_mark, text: "*" })
      : null;
    if (field.type === "checkbox") {
      var consent = (this.definition.consent || {});
      var words = [consent.text || field.label];
      if (consent.policy_url) {
        words.push(" ", el("a", { href: consent.policy_url, target: "_blank", rel: "noopener noreferrer", text: consent.policy_label }));
      }
      return el("div", { class: "field consent" }, [control, el("label", { for: id }, words.concat([mark])), error]);
    }
    return el("div", { class: "field" }, [el("label", { for: id }, [field.label, mark]), control, error]);
  };

  UnionlineForm.prototype.control = function (name) {
    return this.form.querySelector("#" + this.id(name));
  };

  UnionlineForm.prototype.clearErrors = function () {
    var self = this;
    this.definition.fields.forEach(function (field) { self.showError(field.name, ""); });
    this.setStatus("", false);
  };

  UnionlineForm.prototype.showError = function (name, message) {
    var control = this.control(name);
    if (!control) return false;
    var error = this.form.querySelector("#" + this.id(name) + "-error");
    error.textContent = message;
    if (message) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
    return true;
  };

  UnionlineForm.prototype.setStatus = function (message, bad) {
    this.status.textContent = message;
    this.status.className = bad ? "status bad" : "status";
    this.status.setAttribute("role", bad ? "alert" : "status");
  };

  /** Missing required values are named at once, without a round trip. */
  UnionlineForm.prototype.localErrors = function () {
    var self = this;
    var errors = {};
    this.definition.fields.forEach(function (field) {
      if (!field.required) return;
      var control = self.control(field.name);
      var empty = field.type === "checkbox" ? !control.checked
        : field.type === "file" ? !(control.files && control.files.length)
        : !control.value.trim();
      if (!empty) return;
      errors[field.name] = field.type === "checkbox" && self.messages.consent ? self.messages.consent : self.messages.required;
    });
    return errors;
  };

  UnionlineForm.prototype.showErrors = function (errors) {
    var self = this;
    var first = null;
    this.definition.fields.forEach(function (field) {
      if (errors[field.name] && self.showError(field.name, errors[field.name]) && !first) first = field.name;
    });
    // A name that is not a field of the form (submission_id, body) is the widget's fault, not
    // the member's: they get the general message in their language.
    var unplaced = Object.keys(errors).filter(function (name) { return !self.control(name); });
    this.setStatus(unplaced.length ? this.words.failed : this.words.fix, true);
    if (first) this.control(first).focus();
    else this.status.focus();
  };

  UnionlineForm.prototype.payload = function () {
    var data = new FormData(this.form);
    if (!data.get("consent")) data.delete("consent");
    var file = this.control("file");
    if (file && !(file.files && file.files.length)) data.delete("file");
    data.set("submission_id", this.submissionId);
    data.set("render_token", this.token);
    data.set("lang", this.lang);
    return data;
  };

  UnionlineForm.prototype.submit = function () {
    if (this.busy) return;
    this.clearErrors();
    var local = this.localErrors();
    if (Object.keys(local).length) {
      this.showErrors(local);
      return;
    }
    this.send(2);
  };

  UnionlineForm.prototype.send = function (retries) {
    var self = this;
    this.busy = true;
    this.button.disabled = true;
    this.button.textContent = this.words.sending;
    fetch(this.url("/submissions?lang=" + this.lang), {
      method: "POST",
      body: this.payload(),
      credentials: "omit",
    }).then(
      function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          self.answered(response, body, retries);
        });
      },
      function () { self.idle(); self.setStatus(self.words.network, true); }
    );
  };

  UnionlineForm.prototype.idle = function () {
    this.busy = false;
    this.button.disabled = false;
    this.button.textContent = this.words.send;
  };

  UnionlineForm.prototype.answered = function (response, body, retries) {
    var self = this;
    var error = (body && body.error) || {};
    if (response.status === 201) return this.done(body);
    if (retries > 0 && error.code === "too_fast") {
      var wait = ((error.extra && error.extra.retry_after) || 2) * 1000;
      setTimeout(function () { self.send(retries - 1); }, wait);
      return;
    }
    if (retries > 0 && error.field === "render_token") {
      // Out of date or unreadable: take a fresh token and send the same submission again.
      this.fetchDefinition().then(
        function (definition) { self.token = definition.render_token; self.send(retries - 1); },
        function () { self.idle(); self.setStatus(self.words.failed, true); }
      );
      return;
    }
    this.idle();
    if (response.status === 429) return this.setStatus(this.words.rate_limited, true);
    var fields = (error.extra && error.extra.fields) || {};
    if (!Object.keys(fields).length && error.field) fields[error.field] = error.message;
    if (Object.keys(fields).length) return this.showErrors(fields);
    this.setStatus(this.words.failed, true);
  };

  UnionlineForm.prototype.done = function (body) {
    var self = this;
    this.busy = false;
    var message = el("p", { tabindex: "-1", text: body.message || "" });
    var again = el("button", { type: "button", text: this.words.another });
    again.addEventListener("click", function () {
      self.submissionId = newSubmissionId();
      self.load();
    });
    this.body.textContent = "";
    this.body.appendChild(el("div", { class: "done", role: "status", "data-appeal-number": body.appeal_number || "" }, [message, again]));
    message.focus();
  };

  function mount(host, formKey, lang) {
    if (!formKey || host.unionlineForm) return;
    host.unionlineForm = new UnionlineForm(host, formKey, lang);
  }

  var key = script.getAttribute("data-form-key");
  var lang = script.getAttribute("data-lang") || "ru";
  var target = script.getAttribute("data-target");

  function start() {
    var containers = document.querySelectorAll("[data-unionline-form]");
    if (target) {
      var found = document.querySelector(target);
      if (found) mount(found, found.getAttribute("data-unionline-form") || key, found.getAttribute("data-lang") || lang);
    } else if (containers.length) {
      Array.prototype.forEach.call(containers, function (host) {
        mount(host, host.getAttribute("data-unionline-form") || key, host.getAttribute("data-lang") || lang);
      });
    } else if (key && script.parentNode) {
      var host = document.createElement("div");
      host.className = "unionline-form";
      script.parentNode.insertBefore(host, script.nextSibling);
      mount(host, key, lang);
    }
  }

  // An async script may run before the rest of the page is parsed: containers come later.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
