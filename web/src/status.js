// SPDX-License-Identifier: MIT
// The status line under "Coverage": what the page is doing, or what went wrong (in the page's
// language, with the API's words below), and the count of requests running (tests wait for 0).
import { describeProblem } from "./api.js";
import { $, el } from "./dom.js";
import { t } from "./i18n.js";
import { answers, beginWork, endWork, recordError, setStatusLine, state } from "./state.js";

export function setStatus(key, values) {
  setStatusLine({ key, values });
  renderStatus();
}

// The error as the reader sees it: a sentence in the page's language, then the API's detail.
export function problemNodes(error) {
  const { message, detail } = describeProblem(error);
  return [
    el("span", { class: "problem__message" }, message),
    detail ? el("span", { class: "problem__detail", lang: "en" }, detail) : null,
  ];
}

export function showError(error) {
  const { message, detail } = describeProblem(error);
  recordError(detail ? `${message} (${detail})` : message);
  setStatusLine({ error });
  renderStatus();
}

// Write the status line in the page's language (again, after a language switch).
export function renderStatus() {
  const line = answers.status;
  if (!line) return;
  const status = $("#status");
  if (line.error) {
    status.replaceChildren(...problemNodes(line.error).filter(Boolean));
    status.classList.add("status--error");
  } else {
    status.replaceChildren(t(line.key, line.values));
    status.classList.remove("status--error");
  }
}

// Run an operation while counting it in `state.pending`; an error is shown, not thrown.
export async function track(operation) {
  beginWork();
  document.body.setAttribute("aria-busy", "true");
  try {
    return await operation();
  } catch (error) {
    showError(error);
    return undefined;
  } finally {
    endWork();
    if (state.pending === 0) document.body.removeAttribute("aria-busy");
  }
}
