// The REST API from the browser: the session cookie authenticates, and unsafe requests echo
// the CSRF cookie ("csrftoken") in the "x-csrftoken" header.

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || (status === 0 ? "network" : "http_error");
    this.field = error.field || null;
    this.extra = error.extra || {};
    this.headers = null;
  }
}

export function cookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value == null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function request(method, path, { body, query } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return exchange(method, withQuery(path, query), headers, body === undefined ? undefined : JSON.stringify(body));
}

/** Upload one file for a reply (the multipart part "file"); resolves with its AttachmentView.
 * A file the server refuses (type or size) rejects with an ApiError of status 422. */
export function upload(file) {
  const form = new FormData();
  form.append("file", file, file.name);
  // No Content-Type of our own: the browser writes it with the multipart boundary.
  return exchange("POST", "/api/attachments", { Accept: "application/json" }, form);
}

async function exchange(method, url, headers, body) {
  if (!SAFE.has(method)) {
    const token = cookie("csrftoken");
    if (token) headers["x-csrftoken"] = token;
  }
  let response;
  try {
    response = await fetch(url, { method, headers, credentials: "same-origin", body });
  } catch {
    throw new ApiError(0, null);
  }
  const text = await response.text();
  const data = text ? safeJson(text) : null;
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    error.headers = response.headers;
    if (response.status === 401) window.dispatchEvent(new CustomEvent("ul-unauthorized"));
    throw error;
  }
  return data;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const get = (path, query) => request("GET", path, { query });
export const post = (path, body) => request("POST", path, { body: body ?? {} });
export const patch = (path, body) => request("PATCH", path, { body });
export const del = (path) => request("DELETE", path);

/** Every page of a cursor-paginated list (``maxPages`` bounds the work). */
export async function allPages(path, query = {}, maxPages = 20) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page += 1) {
    const data = await get(path, { ...query, cursor });
    items.push(...data.items);
    cursor = data.next_cursor;
    if (!cursor) break;
  }
  return items;
}
