// Section progress on the lesson page: applies the progress that kernel.js reports after each
// run ("lesson:progress" events) and marks sections without code as read without a reload.
import { postForm } from "./csrf.js";

export function applyProgress(progress) {
  if (!progress || typeof progress !== "object") return;
  const lesson = document.querySelector("[data-lesson]");
  for (const element of document.querySelectorAll("[data-sections-done]")) {
    element.textContent = String(progress.done ?? 0);
  }
  for (const element of document.querySelectorAll("[data-sections-total]")) {
    element.textContent = String(progress.total ?? 0);
  }
  for (const [number, done] of Object.entries(progress.sections || {})) {
    const section = [...document.querySelectorAll("[data-section]")].find(
      (element) => element.dataset.section === number,
    );
    if (!section) continue;
    section.dataset.sectionDone = done ? "true" : "false";
    const label = section.querySelector("[data-section-tick] .visually-hidden");
    if (label) label.textContent = done ? "(done)" : "";
  }
  const finished = progress.total > 0 && progress.done === progress.total;
  const item = lesson && document.querySelector(`[data-part-item="${CSS.escape(lesson.dataset.part)}"]`);
  const tick = item?.querySelector("[data-part-tick]");
  if (item && tick) {
    item.classList.toggle("is-done", finished);
    tick.replaceChildren();
    if (finished) {
      const mark = document.createElement("span");
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = "✓";
      const words = document.createElement("span");
      words.className = "visually-hidden";
      words.textContent = " (finished)";
      tick.append(mark, words);
    }
  }
}

document.addEventListener("lesson:progress", (event) => applyProgress(event.detail));

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("[data-read-form]");
  if (!form) return;
  event.preventDefault();
  const button = form.querySelector("button");
  if (button) button.disabled = true;
  let answer;
  try {
    answer = await postForm(form.action, new FormData(form));
  } catch {
    form.submit(); // offline or blocked: let the browser post it the plain way
    return;
  }
  if (!answer.ok) {
    if (button) button.disabled = false;
    return;
  }
  applyProgress(answer.json.progress);
  const number = form.querySelector("input[name='section']")?.value ?? "";
  const done = document.createElement("p");
  done.className = "read-done";
  done.textContent = `Section ${number} read ✓`;
  button?.replaceWith(done);
});
