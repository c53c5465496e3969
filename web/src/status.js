// SPDX-License-Identifier: MIT
// The status line under "Coverage": what the page is doing, or what went wrong (in the page's
// language, with the API's words below), and the count of requests running (tests wait for 0).
import { describeProblem } from "./api.js";
import { $, el } from "./dom.js";
import { t } from "./i18n.js";
import { beginWork, endWork, recordError, state } from "./state.js";

export function setStatus(key, values) {
  const status = $("#status");
  status.classList.remove("status--error");
  status.replaceChildren(t(key, values));
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
  const status = $("#status");
  status.replaceChildren(...problemNodes(error));
  status.classList.add("status--error");
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
