// «Операторы» (#/admin/operators[/<operator id>]): the operators of the administrator's
// organizations. The list (search, deactivated ones on request, a new operator with a role over
// an organization, what each role may do in words); one operator: profile, roles over
// organization subtrees (grant, revoke), a new password, deactivation, API tokens (issued with
// chosen permissions and shown once, revoked). REST: /api/operators/, /api/roles/.

import { allPages, get, patch, post, request } from "/console/static/js/api.js";
import { clearErrors, confirmBox, errorText, field, showError } from "/console/static/js/admin-forms.js";
import { h, replace } from "/console/static/js/dom.js";
import { fullTime } from "/console/static/js/format.js";
import { t } from "/console/static/js/i18n.js";
import { toast } from "/console/static/js/notify.js";
import { store } from "/console/static/js/store.js";
import { ROLES, permissionText } from "./strings.js";

function explain(error) {
  if (error.field === "login" && error.code === "conflict") return t("admin.op.login_taken");
  if (error.field === "role" && error.code === "conflict") return t("admin.op.grant_exists");
  if (error.field === "operator_id" && error.code === "conflict") return t("admin.op.self");
  if (/password$/.test(error.field || "") && error.extra && error.extra.min_length) return t("admin.op.password_short", { n: error.extra.min_length });
  return undefined;
}

class UlAdminOperators extends HTMLElement {
  static get observedAttributes() {
    return ["path"];
  }

  connectedCallback() {
    this.classList.add("admin-page");
    this.query = "";
    this.showInactive = false;
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    this.load();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
  }

  attributeChangedCallback() {
    if (this.loaded) this.route();
  }

  async load() {
    try {
      const [organizations, roles, permissions] = await Promise.all([get("/api/organizations/"), get("/api/roles/"), get("/api/roles/permissions")]);
      this.organizations = organizations;
      this.orgNames = new Map(organizations.map((o) => [o.id, o.name]));
      this.roles = new Map(roles.map((r) => [r.role, r.permissions]));
      this.descriptions = new Map(permissions.map((p) => [p.code, p.description]));
      this.loaded = true;
    } catch (error) {
      return replace(this, h("p", { class: "page-missing", role: "alert" }, errorText(error)));
    }
    this.route();
  }

  get operatorId() {
    return (this.getAttribute("path") || "").split("/")[0];
  }

  route() {
    this.token = null;
    this.creating = false;
    if (this.operatorId) this.loadOne(this.operatorId);
    else this.loadList();
  }

  // -- words ---------------------------------------------------------------------------------

  orgName(id) {
    if (!id) return t("admin.whole_federation");
    return this.orgNames.get(id) || t("admin.out_of_scope");
  }

  grantText(grant) {
    return `${t(`admin.role.${grant.role}`)} — ${this.orgName(grant.organization_id)}`;
  }

  rolePermissions(role) {
    return (this.roles.get(role) || []).map((code) => permissionText(code, this.descriptions.get(code)));
  }

  roleExplainer(role) {
    return h(
      "div",
      { class: "role-explainer", dataset: { role } },
      h("p", {}, h("strong", {}, t("admin.op.may", { role: t(`admin.role.${role}`) })), " ", t(`admin.role.${role}.summary`)),
      h("ul", { class: "role-permissions" }, this.rolePermissions(role).map((text) => h("li", {}, text))),
    );
  }

  roleSelect(name, selected = "operator") {
    return h("select", { name }, ROLES.map((role) => h("option", { value: role, selected: role === selected }, t(`admin.role.${role}`))));
  }

  orgSelect(name, selected) {
    return h(
      "select",
      { name },
      this.organizations.map((o) => h("option", { value: o.id, selected: o.id === selected }, `${"· ".repeat(o.depth)}${o.name}`)),
      h("option", { value: "", selected: selected === "" }, t("admin.whole_federation")),
    );
  }

  // -- the list --------------------------------------------------------------------------------

  async loadList() {
    try {
      this.operators = await allPages("/api/operators/", { q: this.query || null, active: this.showInactive ? null : true, limit: 200 }, 5);
      this.renderList();
    } catch (error) {
      replace(this, h("p", { class: "page-missing", role: "alert" }, errorText(error)));
    }
  }

  render() {
    if (!this.loaded) return;
    if (this.operatorId) return this.detail ? this.renderOne() : null;
    if (this.operators) this.renderList();
  }

  renderList() {
    const search = h("input", {
      type: "search",
      class: "operator-search",
      value: this.query,
      placeholder: t("admin.op.search"),
      "aria-label": t("admin.op.search"),
      onchange: (e) => {
        this.query = e.target.value.trim();
        this.loadList();
      },
    });
    replace(
      this,
      h(
        "div",
        { class: "admin-head" },
        h("h2", {}, t("admin.op.title")),
        h("button", { type: "button", class: "primary new-operator", "aria-expanded": String(this.creating), onclick: () => this.toggleCreate() }, t("admin.op.new")),
      ),
      h("p", { class: "admin-intro" }, t("admin.op.intro")),
      this.creating ? this.createForm() : null,
      h(
        "div",
        { class: "operator-filters" },
        search,
        h(
          "label",
          { class: "check" },
          h("input", {
            type: "checkbox",
            class: "show-inactive",
            checked: this.showInactive,
            onchange: (e) => {
              this.showInactive = e.target.checked;
              this.loadList();
            },
          }),
          " ",
          t("admin.op.show_inactive"),
        ),
      ),
      this.operators.length ? h("ul", { class: "admin-cards operators" }, this.operators.map((o) => this.card(o))) : h("p", { class: "muted" }, t("admin.none_yet")),
      h("details", { class: "roles-help" }, h("summary", {}, t("admin.op.roles_help")), ROLES.map((role) => this.roleExplainer(role))),
    );
  }

  toggleCreate() {
    this.creating = !this.creating;
    this.renderList();
    if (this.creating) this.querySelector("form.operator-create input").focus();
  }

  card(operator) {
    return h(
      "li",
      { class: `admin-card operator ${operator.is_active ? "" : "archived"}`, dataset: { login: operator.login, operatorId: operator.id } },
      h(
        "div",
        { class: "card-title" },
        h("span", {}, operator.name || operator.login),
        h("span", { class: "muted" }, operator.login),
        operator.is_active ? null : h("span", { class: "chip off" }, t("admin.op.inactive")),
      ),
      h("div", { class: "card-meta" }, operator.grants.map((g) => h("span", { class: "grant" }, this.grantText(g)))),
      h("div", { class: "card-buttons" }, h("a", { class: "button open", href: `#/admin/operators/${operator.id}` }, t("admin.op.open"))),
    );
  }

  createForm() {
    const inputs = {
      login: h("input", { name: "login", required: true, autocomplete: "off", autocapitalize: "none", maxlength: 150 }),
      name: h("input", { name: "name", autocomplete: "off", maxlength: 200 }),
      email: h("input", { name: "email", type: "email", autocomplete: "off", maxlength: 254 }),
      password: h("input", { name: "password", type: "password", required: true, autocomplete: "new-password", minlength: 8 }),
      role: this.roleSelect("role"),
      organization: this.orgSelect("organization_id", this.organizations[0] ? this.organizations[0].id : ""),
    };
    const explainer = h("div", { class: "role-box" }, this.roleExplainer("operator"));
    inputs.role.addEventListener("change", () => replace(explainer, this.roleExplainer(inputs.role.value)));
    const form = h(
      "form",
      { class: "admin-form operator-create", novalidate: true, onsubmit: (e) => this.create(e, form, inputs) },
      field("login", t("admin.op.login"), inputs.login, { required: true, help: t("admin.op.login_help") }),
      field("name", t("admin.op.name"), inputs.name),
      field("email", t("admin.op.email"), inputs.email),
      field("password", t("admin.op.password"), inputs.password, { required: true, help: t("admin.op.password_help") }),
      field("grants[0].role", t("admin.op.role"), inputs.role),
      explainer,
      field("grants[0].organization_id", t("admin.op.organization"), inputs.organization),
      h("p", { class: "form-error", role: "alert" }),
      h(
        "div",
        { class: "form-buttons" },
        h("button", { type: "submit", class: "primary submit" }, t("admin.create")),
        h("button", { type: "button", class: "cancel", onclick: () => this.toggleCreate() }, t("admin.cancel")),
      ),
    );
    return form;
  }

  async create(event, form, inputs) {
    event.preventDefault();
    clearErrors(form);
    const body = {
      login: inputs.login.value.trim(),
      name: inputs.name.value.trim(),
      email: inputs.email.value.trim(),
      password: inputs.password.value,
      grants: [{ role: inputs.role.value, organization_id: inputs.organization.value || null }],
    };
    try {
      const created = await post("/api/operators/", body);
      toast(t("admin.op.created", { login: created.login }));
      location.hash = `#/admin/operators/${created.id}`;
    } catch (error) {
      showError(form, error, explain(error));
    }
  }

  // -- one operator ------------------------------------------------------------------------------

  async loadOne(id) {
    try {
      const [operator, tokens] = await Promise.all([get(`/api/operators/${id}`), get(`/api/operators/${id}/tokens`).catch(() => [])]);
      this.detail = operator;
      this.tokens = tokens;
    } catch {
      this.detail = null;
      return replace(this, this.backLink(), h("p", { class: "page-missing", role: "alert" }, t("admin.op.not_found")));
    }
    this.renderOne();
  }

  backLink() {
    return h("p", {}, h("a", { href: "#/admin/operators", class: "back" }, t("admin.back")));
  }

  renderOne() {
    const o = this.detail;
    const self = store.me && store.me.id === o.id;
    replace(
      this,
      this.backLink(),
      h(
        "div",
        { class: "admin-head operator-head" },
        h("h2", {}, o.name || o.login),
        h("span", { class: "muted" }, o.login),
        h("span", { class: `chip ${o.is_active ? "ok" : "off"}` }, t(o.is_active ? "admin.op.active" : "admin.op.inactive")),
      ),
      h("h3", {}, t("admin.op.access")),
      this.grantsBlock(o),
      h("h3", {}, t("admin.op.profile")),
      this.profileForm(o),
      self ? h("p", { class: "notice" }, t("admin.op.self")) : [h("h3", {}, t("admin.op.password_reset")), this.passwordForm(o), h("h3", {}, t("admin.op.account")), this.accountBlock(o)],
      h("h3", {}, t("admin.op.tokens")),
      this.tokensBlock(o),
    );
  }

  grantsBlock(o) {
    const list = o.grants.length
      ? h(
          "ul",
          { class: "admin-cards grants" },
          o.grants.map((g) =>
            h(
              "li",
              { class: "admin-card grant", dataset: { grantId: g.id, role: g.role } },
              h("div", { class: "card-title" }, this.grantText(g)),
              h("div", { class: "card-buttons" }, h("button", { type: "button", class: "revoke", onclick: () => this.revokeGrant(o, g) }, t("admin.op.revoke"))),
            ),
          ),
        )
      : h("p", { class: "muted" }, t("admin.op.no_grants"));
    const inputs = { role: this.roleSelect("role"), organization: this.orgSelect("organization_id", this.organizations[0] ? this.organizations[0].id : "") };
    const explainer = h("div", { class: "role-box" }, this.roleExplainer("operator"));
    inputs.role.addEventListener("change", () => replace(explainer, this.roleExplainer(inputs.role.value)));
    const form = h(
      "form",
      { class: "admin-form grant-form", novalidate: true, onsubmit: (e) => this.grant(e, form, o, inputs) },
      field("role", t("admin.op.role"), inputs.role),
      explainer,
      field("organization_id", t("admin.op.organization"), inputs.organization),
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary submit" }, t("admin.op.grant"))),
    );
    return [list, form];
  }

  async grant(event, form, o, inputs) {
    event.preventDefault();
    clearErrors(form);
    try {
      await post(`/api/operators/${o.id}/grants`, { role: inputs.role.value, organization_id: inputs.organization.value || null });
      toast(t("admin.op.granted"));
    } catch (error) {
      return showError(form, error, explain(error));
    }
    this.loadOne(o.id);
  }

  async revokeGrant(o, g) {
    try {
      await request("DELETE", `/api/operators/${o.id}/grants/${g.id}`);
      toast(t("admin.op.revoked"));
    } catch (error) {
      toast(errorText(error), "error");
    }
    this.loadOne(o.id);
  }

  profileForm(o) {
    const inputs = {
      name: h("input", { name: "name", value: o.name, maxlength: 200 }),
      email: h("input", { name: "email", type: "email", value: o.email, maxlength: 254 }),
      capacity: h("input", { name: "capacity", type: "number", inputmode: "numeric", min: 0, max: 1000, value: o.capacity }),
      skills: h("input", { name: "skills", value: o.skills.join(", ") }),
    };
    const form = h(
      "form",
      {
        class: "admin-form profile-form",
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          clearErrors(form);
          const body = {
            name: inputs.name.value.trim(),
            email: inputs.email.value.trim(),
            capacity: Number(inputs.capacity.value || 0),
            skills: inputs.skills.value.split(",").map((s) => s.trim()).filter(Boolean),
          };
          try {
            this.detail = await patch(`/api/operators/${o.id}`, body);
            toast(t("admin.saved"));
          } catch (error) {
            showError(form, error);
          }
        },
      },
      field("name", t("admin.op.name"), inputs.name),
      field("email", t("admin.op.email"), inputs.email),
      field("capacity", t("admin.op.capacity"), inputs.capacity, { help: t("admin.op.capacity_help") }),
      field("skills", t("admin.op.skills"), inputs.skills, { help: t("admin.op.skills_help") }),
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary submit" }, t("admin.save"))),
    );
    return form;
  }

  passwordForm(o) {
    const input = h("input", { name: "new_password", type: "password", autocomplete: "new-password", minlength: 8 });
    const form = h(
      "form",
      {
        class: "admin-form password-form",
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          clearErrors(form);
          try {
            await post(`/api/operators/${o.id}/password`, { new_password: input.value });
            input.value = "";
            toast(t("admin.op.password_set"));
            this.loadOne(o.id);
          } catch (error) {
            showError(form, error, explain(error));
          }
        },
      },
      field("new_password", t("admin.op.password_reset"), input, { help: t("admin.op.password_reset_help") }),
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "submit" }, t("admin.op.set_password"))),
    );
    return form;
  }

  accountBlock(o) {
    const box = h("div", { class: "account" });
    const buttons = () =>
      replace(
        box,
        o.is_active
          ? h("button", { type: "button", class: "deactivate", onclick: () => replace(box, confirmBox(t("admin.op.deactivate_confirm", { login: o.login }), t("admin.op.deactivate"), () => this.setActive(o, false), buttons)) }, t("admin.op.deactivate"))
          : h("button", { type: "button", class: "activate", onclick: () => this.setActive(o, true) }, t("admin.op.activate")),
      );
    buttons();
    return box;
  }

  async setActive(o, active) {
    try {
      this.detail = await post(`/api/operators/${o.id}/${active ? "activate" : "deactivate"}`);
      toast(t(active ? "admin.op.activated" : "admin.op.deactivated", { login: o.login }));
    } catch (error) {
      toast(explain(error) || errorText(error), "error");
    }
    this.renderOne();
  }

  // -- API tokens ----------------------------------------------------------------------------

  /** What the operator holds: the permissions of the roles of its grants (tokens narrow it). */
  heldPermissions(o) {
    const codes = new Set(o.grants.flatMap((g) => this.roles.get(g.role) || []));
    return [...codes].sort();
  }

  tokensBlock(o) {
    const list = this.tokens.length
      ? h(
          "ul",
          { class: "admin-cards tokens" },
          this.tokens.map((tok) =>
            h(
              "li",
              { class: `admin-card token ${tok.revoked ? "archived" : ""}`, dataset: { tokenId: tok.id, name: tok.name } },
              h("div", { class: "card-title" }, tok.name, tok.revoked ? h("span", { class: "chip off" }, t("admin.op.token_is_revoked")) : null),
              h(
                "div",
                { class: "card-meta" },
                h("span", {}, t("admin.op.token_created_at", { time: fullTime(tok.created_at) })),
                h("span", {}, tok.last_used_at ? t("admin.op.token_used", { time: fullTime(tok.last_used_at) }) : t("admin.op.token_never")),
              ),
              h("ul", { class: "token-scopes muted" }, tok.scopes.map((code) => h("li", {}, permissionText(code, this.descriptions.get(code))))),
              tok.revoked ? null : h("div", { class: "card-buttons" }, h("button", { type: "button", class: "revoke-token", onclick: () => this.revokeToken(o, tok) }, t("admin.op.revoke"))),
            ),
          ),
        )
      : h("p", { class: "muted" }, t("admin.op.no_tokens"));
    const shown = this.token
      ? h(
          "div",
          { class: "notice token-once", role: "status" },
          h("p", {}, t("admin.op.token_shown_once")),
          h("p", { class: "notice secret" }, h("code", { class: "token-value" }, this.token)),
          h("button", { type: "button", class: "copy-token", onclick: () => this.copyToken() }, t("admin.op.token_copy")),
        )
      : null;
    if (!o.is_active) return [shown, list];
    const name = h("input", { name: "name", maxlength: 200, autocomplete: "off" });
    const scopes = h(
      "fieldset",
      { class: "token-scope-choice" },
      h("legend", {}, t("admin.op.token_scopes")),
      this.heldPermissions(o).map((code) =>
        h("label", { class: "check" }, h("input", { type: "checkbox", value: code, dataset: { scope: code } }), " ", permissionText(code, this.descriptions.get(code))),
      ),
    );
    const form = h(
      "form",
      { class: "admin-form token-form", novalidate: true, onsubmit: (e) => this.issueToken(e, form, o, name, scopes) },
      h("p", { class: "muted" }, t("admin.op.tokens_help")),
      field("name", t("admin.op.token_name"), name, { required: true }),
      h("div", { class: "field", dataset: { field: "scopes" } }, scopes, h("span", { class: "field-error", role: "alert" })),
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary submit" }, t("admin.op.token_create"))),
    );
    return [shown, list, form];
  }

  async issueToken(event, form, o, name, scopes) {
    event.preventDefault();
    clearErrors(form);
    const chosen = [...scopes.querySelectorAll("input:checked")].map((i) => i.value);
    if (!name.value.trim()) return showError(form, { field: "name", code: "invalid" }, t("admin.error.missing"));
    if (!chosen.length) return showError(form, { field: "scopes", code: "invalid" }, t("admin.op.scopes_required"));
    try {
      const created = await post(`/api/operators/${o.id}/tokens`, { name: name.value.trim(), scopes: chosen });
      this.token = created.token;
      this.tokens = [...this.tokens, created.details];
    } catch (error) {
      return showError(form, error);
    }
    this.renderOne();
    this.querySelector(".token-once").scrollIntoView({ block: "nearest" });
  }

  async copyToken() {
    try {
      await navigator.clipboard.writeText(this.token);
      toast(t("admin.op.token_copied"));
    } catch {
      const code = this.querySelector(".token-value");
      const range = document.createRange();
      range.selectNodeContents(code);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    }
  }

  async revokeToken(o, tok) {
    try {
      await request("DELETE", `/api/operators/${o.id}/tokens/${tok.id}`);
      toast(t("admin.op.token_revoked"));
    } catch (error) {
      toast(errorText(error), "error");
    }
    this.token = null;
    this.loadOne(o.id);
  }
}

customElements.define("ul-admin-operators", UlAdminOperators);
