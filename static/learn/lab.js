// Full lab: scratch cells the learner adds, reorders and deletes, run in the part's kernel like
// the lesson's cells (ids "scratch-<n>"). A member's are saved on the server (PUT of the whole
// ordered list) so they follow them to any device; a visitor's stay in this browser's
// localStorage until they sign in, when the lab page moves them into the account.
import { enhanceCell } from "./editor.js";
import { csrfToken } from "./csrf.js";

const lesson = document.querySelector("[data-lesson][data-lab]");
const list = document.querySelector("[data-scratch-cells]");
const template = document.querySelector("template[data-scratch-template]");
const addButton = document.querySelector("[data-scratch-add]");
const statusLine = document.querySelector("[data-scratch-status]");
const storageKey = lesson ? `agw-lab:${lesson.dataset.track}/${lesson.dataset.part}` : "";
const serverUrl = lesson?.dataset.scratchUrl || "";
const SAVE_DELAY_MS = 700;

function validCells(items) {
  return Array.isArray(items)
    ? items.filter((item) => Number.isInteger(item?.n) && typeof item.code === "string")
    : [];
}

function loadLocal() {
  try {
    return validCells(JSON.parse(localStorage.getItem(storageKey) || "[]"));
  } catch {
    return [];
  }
}

function loadServer() {
  const data = document.getElementById("scratch-cells-data");
  try {
    return validCells(JSON.parse(data?.textContent || "[]"));
  } catch {
    return [];
  }
}

function currentCells() {
  return [...list.querySelectorAll("[data-cell]")].map((cell) => ({
    n: Number(cell.dataset.cellId.replace("scratch-", "")),
    code: cell.querySelector("[data-cell-source]").value,
  }));
}

function say(text) {
  if (statusLine) statusLine.textContent = text;
}

let saveTimer = null;

async function saveToServer() {
  saveTimer = null;
  let response;
  try {
    response = await fetch(serverUrl, {
      method: "PUT",
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify({ cells: currentCells() }),
    });
  } catch {
    say("Not saved: the server could not be reached. Your cells are still here; keep going.");
    return false;
  }
  if (response.ok) {
    say("Scratch cells saved to your account.");
    return true;
  }
  let message = "Not saved.";
  try {
    message = (await response.json()).message || message;
  } catch {
    // keep the plain message
  }
  say(message);
  return false;
}

function save() {
  if (!serverUrl) {
    try {
      localStorage.setItem(storageKey, JSON.stringify(currentCells()));
    } catch {
      // Storage full or disabled: scratch cells still work for this visit.
    }
    return;
  }
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveToServer, SAVE_DELAY_MS);
}

function nextNumber() {
  const used = currentCells().map((cell) => cell.n);
  return used.length ? Math.max(...used) + 1 : 1;
}

function addCell(n, code = "") {
  const cell = template.content.firstElementChild.cloneNode(true);
  const id = `scratch-${n}`;
  cell.id = `cell-${id}`;
  cell.dataset.cellId = id;
  cell.dataset.cellLabel = `scratch ${n}`;
  cell.querySelector("[data-scratch-label]").textContent = `scratch ${n}`;
  const textarea = cell.querySelector("[data-cell-source]");
  textarea.id = `source-${id}`;
  textarea.setAttribute("aria-label", `Code of scratch cell ${n}`);
  textarea.value = code;
  cell.querySelector("[data-cell-action='run']").setAttribute("aria-label", `Run scratch cell ${n}`);
  cell.querySelector("[data-scratch-delete]").setAttribute("aria-label", `Delete scratch cell ${n}`);
  cell.querySelector("[data-scratch-move='-1']").setAttribute("aria-label", `Move scratch cell ${n} up`);
  cell.querySelector("[data-scratch-move='1']").setAttribute("aria-label", `Move scratch cell ${n} down`);
  list.append(cell);
  enhanceCell(cell);
  return cell;
}

// Cells a learner made in this browser before signing in join their account's cells.
async function adoptLocalCells(serverCells) {
  const local = loadLocal();
  if (!serverUrl || !local.length) return;
  const known = new Set(serverCells.map((cell) => cell.code));
  let n = nextNumber();
  for (const item of local) {
    if (!known.has(item.code)) addCell(n++, item.code);
  }
  if (await saveToServer()) {
    localStorage.removeItem(storageKey);
    say("The scratch cells from this browser are now saved to your account.");
  }
}

function move(cell, step) {
  const sibling = step < 0 ? cell.previousElementSibling : cell.nextElementSibling;
  if (!sibling) return;
  if (step < 0) sibling.before(cell);
  else sibling.after(cell);
  cell.querySelector(`[data-scratch-move='${step}']`).focus();
  save();
  say(`Moved ${cell.dataset.cellLabel} ${step < 0 ? "up" : "down"}.`);
}

if (lesson && list && template && addButton) {
  const serverCells = serverUrl ? loadServer() : [];
  for (const item of serverUrl ? serverCells : loadLocal()) addCell(item.n, item.code);
  adoptLocalCells(serverCells);
  addButton.hidden = false;
  addButton.addEventListener("click", () => {
    const cell = addCell(nextNumber());
    save();
    cell.querySelector("[data-cell-source]").focus();
  });
  list.addEventListener("input", save);
  list.addEventListener("click", (event) => {
    const moveButton = event.target.closest("[data-scratch-move]");
    if (moveButton) {
      move(moveButton.closest("[data-cell]"), Number(moveButton.dataset.scratchMove));
      return;
    }
    const button = event.target.closest("[data-scratch-delete]");
    if (!button) return;
    button.closest("[data-cell]").remove();
    save();
    addButton.focus();
  });
  window.addEventListener("pagehide", () => {
    if (saveTimer) saveToServer(); // an edit made just before leaving is not lost
  });
}
