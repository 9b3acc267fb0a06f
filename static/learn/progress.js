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

async function markRead(form, how) {
  const button = form.querySelector("button");
  if (!button) return; // already read
  button.disabled = true;
  const data = new FormData(form);
  data.set("how", how);
  let answer;
  try {
    answer = await postForm(form.action, data);
  } catch {
    if (how === "button") form.submit(); // offline or blocked: let the browser post it
    else button.disabled = false;
    return;
  }
  if (!answer.ok) {
    button.disabled = false;
    return;
  }
  applyProgress(answer.json.progress);
  const number = form.querySelector("input[name='section']")?.value ?? "";
  const done = document.createElement("p");
  done.className = "read-done";
  done.textContent =
    how === "scrolled"
      ? `Section ${number} read ✓ (counted when you scrolled through it)`
      : `Section ${number} read ✓`;
  button.replaceWith(done);
  const status = document.querySelector("[data-kernel-message]");
  if (status && how === "scrolled") status.textContent = `Section ${number} counted as read.`;
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("[data-read-form]");
  if (!form) return;
  event.preventDefault();
  markRead(form, "button");
});

// A section without code counts as read once the learner has had it on screen for a while
// (longer for longer sections) and has seen its end: reading and running completes a part.
const WORDS_PER_SECOND = 8; // a skim; the button is there for faster readers

function dwellSeconds(section) {
  const words = (section.textContent || "").split(/\s+/).filter(Boolean).length;
  return Math.min(15, Math.max(3, words / WORDS_PER_SECOND));
}

function watchReading(section, form) {
  const needed = dwellSeconds(section) * 1000;
  let seen = 0;
  let since = null;
  let reachedEnd = false;
  const tick = () => {
    if (since !== null && !document.hidden) seen += performance.now() - since;
    since = since === null ? null : performance.now();
    if (seen >= needed && reachedEnd) {
      stop();
      markRead(form, "scrolled");
    }
  };
  const timer = setInterval(tick, 500);
  const onScreen = new IntersectionObserver(([entry]) => {
    tick();
    since = entry.isIntersecting ? performance.now() : null;
  });
  const end = new IntersectionObserver(([entry]) => {
    if (entry.isIntersecting) reachedEnd = true;
  });
  function stop() {
    clearInterval(timer);
    onScreen.disconnect();
    end.disconnect();
  }
  onScreen.observe(section);
  end.observe(form);
}

for (const form of document.querySelectorAll("[data-read-form]")) {
  const section = form.closest("[data-section]");
  if (section && form.querySelector("button") && "IntersectionObserver" in window) {
    watchReading(section, form);
  }
}
