// Full lab: scratch cells the learner adds and deletes, run in the part's kernel like the
// lesson's cells (ids "scratch-<n>"). Their code is kept in this browser's localStorage.
import { enhanceCell } from "./editor.js";

const lesson = document.querySelector("[data-lesson][data-lab]");
const list = document.querySelector("[data-scratch-cells]");
const template = document.querySelector("template[data-scratch-template]");
const addButton = document.querySelector("[data-scratch-add]");
const storageKey = lesson ? `agw-lab:${lesson.dataset.track}/${lesson.dataset.part}` : "";

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(storageKey) || "[]");
    return Array.isArray(saved) ? saved.filter((item) => Number.isInteger(item?.n)) : [];
  } catch {
    return [];
  }
}

function save() {
  const cells = [...list.querySelectorAll("[data-cell]")].map((cell) => ({
    n: Number(cell.dataset.cellId.replace("scratch-", "")),
    code: cell.querySelector("[data-cell-source]").value,
  }));
  try {
    localStorage.setItem(storageKey, JSON.stringify(cells));
  } catch {
    // Storage full or disabled: scratch cells still work for this visit.
  }
}

function nextNumber() {
  const used = [...list.querySelectorAll("[data-cell]")].map((cell) =>
    Number(cell.dataset.cellId.replace("scratch-", "")),
  );
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
  list.append(cell);
  enhanceCell(cell);
  return cell;
}

if (lesson && list && template && addButton) {
  for (const item of load()) addCell(item.n, typeof item.code === "string" ? item.code : "");
  addButton.hidden = false;
  addButton.addEventListener("click", () => {
    const cell = addCell(nextNumber());
    save();
    cell.querySelector("[data-cell-source]").focus();
  });
  list.addEventListener("input", save);
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-scratch-delete]");
    if (!button) return;
    button.closest("[data-cell]").remove();
    save();
    addButton.focus();
  });
}
