// The tutor panel: asks POST …/tutor with the question and the cell the learner last worked in,
// streams the answer (NDJSON) into the panel, then shows the sanitised answer, its sources and
// "Ask the forum". Without JavaScript the form posts and the page shows the answer on return.
import { csrfToken } from "./csrf.js";

const panel = document.querySelector("[data-tutor]");
const form = panel?.querySelector("[data-tutor-form]");
const out = panel?.querySelector("[data-tutor-answer]");
const cellSelect = panel?.querySelector("[data-tutor-cell]");

// The cell the learner last clicked or typed in becomes the question's cell.
document.addEventListener("focusin", (event) => {
  const cell = event.target.closest?.("[data-cell-id]");
  if (!cell || !cellSelect) return;
  const id = cell.dataset.cellId;
  if ([...cellSelect.options].some((option) => option.value === id)) cellSelect.value = id;
});

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function showMessage(text) {
  out.replaceChildren(element("p", text, "tutor-error"));
}

function showAnswer(answer) {
  const body = element("div", "", "tutor-reply");
  body.innerHTML = answer.answer; // sanitised by the server (agenticworks/markup.py)
  const parts = [];
  if (answer.notice) parts.push(element("p", answer.notice, "tutor-notice"));
  parts.push(body);
  if (answer.sources?.length) {
    const sources = element("p", "Sources: ", "tutor-sources");
    sources.dataset.tutorSources = "";
    answer.sources.forEach((source, index) => {
      const link = element("a", source.title);
      link.href = source.url;
      sources.append(link);
      if (index < answer.sources.length - 1) sources.append(", ");
    });
    parts.push(sources);
  }
  if (answer.forum_url) {
    const ask = element("p");
    const link = element("a", "Ask the forum");
    link.href = answer.forum_url;
    link.dataset.tutorForum = "";
    ask.append(link);
    parts.push(ask);
  }
  parts.push(element("p", `Answered by the ${answer.engine} tutor.`, "muted tutor-engine"));
  out.replaceChildren(...parts);
}

async function ask(question, cell) {
  const response = await fetch(form.action, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      Accept: "application/x-ndjson",
      "Content-Type": "application/json",
      "X-CSRFToken": csrfToken(),
    },
    body: JSON.stringify({ question, cell }),
  });
  if (!response.ok) {
    let message = "The tutor could not answer. Try again in a moment.";
    try {
      message = (await response.json()).message || message;
    } catch {
      // keep the general message
    }
    showMessage(message);
    return;
  }
  const draft = element("div", "", "tutor-draft");
  out.replaceChildren(draft);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (!line) continue;
      const event = JSON.parse(line);
      if (event.type === "delta") draft.textContent += event.text;
      else if (event.type === "answer") showAnswer(event);
    }
    if (done) break;
  }
}

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const question = form.querySelector("[data-tutor-question]").value.trim();
  if (!question) {
    showMessage("Type a question for the tutor.");
    return;
  }
  const button = form.querySelector("[data-tutor-submit]");
  button.disabled = true;
  out.replaceChildren(element("p", "Thinking…", "muted"));
  try {
    await ask(question, cellSelect?.value || "");
  } catch {
    showMessage("Could not reach the tutor. Check your connection and try again.");
  } finally {
    button.disabled = false;
  }
});
