// SPDX-License-Identifier: MIT
// Talking to the API of this same server: fetch JSON, turn a refusal (RFC 9457 problem+json) into
// a ProblemError, and say what went wrong in the page's language. The API's own words (English)
// are kept as secondary text, since they name the exact rule that refused the request.
import { t } from "./i18n.js";

// A refused or failed request: the HTTP status (0 when the server could not be reached), the
// problem's title and detail, and its field errors ([{field, message}]).
export class ProblemError extends Error {
  constructor({ status, title = null, detail = null, errors = [] }) {
    super(detail || title || (status ? `HTTP ${status}` : "network error"));
    this.name = "ProblemError";
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }
}

export async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, {
      ...options,
      headers: { Accept: "application/geo+json, application/json", ...(options.headers || {}) },
    });
  } catch (error) {
    throw new ProblemError({ status: 0, detail: error instanceof Error ? error.message : null });
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    throw new ProblemError({
      status: response.status,
      title: body?.title ?? null,
      detail: body?.detail ?? null,
      errors: Array.isArray(body?.errors) ? body.errors : [],
    });
  }
  return body;
}

export function postJson(path, payload) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });
}

// The statuses the page has words for; any other 4xx or 5xx falls back to its class.
const STATUS_KEYS = {
  0: "problem.network",
  400: "problem.400",
  401: "problem.auth",
  403: "problem.auth",
  404: "problem.404",
  409: "problem.409",
  413: "problem.413",
  422: "problem.422",
  429: "problem.429",
  503: "problem.503",
};

// The name of a refused field in the page's language ("count" → "nombre de sites"); a field the
// page does not know keeps the API's name.
function fieldName(field) {
  const last = String(field).split(".").at(-1);
  const key = `field.${last}`;
  const text = t(key);
  return text === key ? String(field) : text;
}

// What to tell the reader about an error: `message` in the page's language, `detail` in the
// API's words (or null). Errors that are not the API's (a bug in the page) keep their text.
export function describeProblem(error) {
  if (!(error instanceof ProblemError)) {
    return { message: t("problem.page"), detail: error instanceof Error ? error.message : String(error) };
  }
  const fields = [...new Set(error.errors.map((each) => fieldName(each.field)))];
  let key = STATUS_KEYS[error.status];
  if (!key) key = error.status >= 500 ? "problem.5xx" : "problem.4xx";
  if (key === "problem.422" && fields.length > 0) key = "problem.422.fields";
  const message = t(key, { fields: fields.join(", "), status: error.status });
  const parts = [error.detail || error.title, ...error.errors.map((e) => `${e.field}: ${e.message}`)];
  const detail = parts.filter(Boolean).join(" — ");
  return { message, detail: detail || null };
}
