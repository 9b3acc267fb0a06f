// Exercises on the lesson and lab pages (SPEC section 10): Check runs the learner's code and the
// exercise's hidden check in their kernel, Hint climbs the hint ladder, Show solution (after the
// last hint, with a confirmation) reveals the answer. Runs and checks share the kernel's queue,
// so they happen one after another. Feedback is text; hints are HTML the server sanitized.
import { OutputView, csrfToken } from "./kernel.js";

const LABELS = {
  untried: "not tried",
  failed: "failed",
  passed: "passed",
  solution: "passed with solution",
};

function url(lesson, exercise, action) {
  return `${lesson.dataset.exercisesUrl}${encodeURIComponent(exercise.dataset.exercise)}/${action}`;
}

async function post(address, body) {
  const options = {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
  };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  try {
    const response = await fetch(address, options);
    try {
      return { ok: response.ok, json: await response.json() };
    } catch {
      const expired = response.status === 403;
      const message = expired
        ? "Your session has expired. Reload the page and try again."
        : `The server answered ${response.status}; try again.`;
      return { ok: false, json: { status: "error", message } };
    }
  } catch {
    const message = "Could not reach the server. Check your connection and try again.";
    return { ok: false, json: { status: "error", message, kernel: { state: "unavailable" } } };
  }
}

function parts(exercise) {
  return {
    feedback: exercise.querySelector("[data-exercise-feedback]"),
    state: exercise.querySelector("[data-exercise-status]"),
    stateLabel: exercise.querySelector("[data-exercise-state-label]"),
    hints: exercise.querySelector("[data-exercise-hints]"),
    hintButton: exercise.querySelector("[data-exercise-action='hint']"),
    solutionButton: exercise.querySelector("[data-exercise-action='solution']"),
    solution: exercise.querySelector("[data-exercise-solution]"),
    solutionCode: exercise.querySelector("[data-exercise-solution-code]"),
  };
}

// Check messages quote code in `backticks`, as the lesson files do: show those as code (text
// nodes only, never HTML); an unpaired backtick leaves the message as it is.
function fill(node, text) {
  const pieces = String(text || "").split("`");
  if (pieces.length % 2 === 0) {
    node.textContent = text;
    return;
  }
  node.replaceChildren(
    ...pieces.map((piece, index) => {
      if (index % 2 === 0) return piece;
      const code = document.createElement("code");
      code.textContent = piece;
      return code;
    }),
  );
}

function say(exercise, text, kind) {
  const { feedback } = parts(exercise);
  if (!feedback) return;
  fill(feedback, text);
  feedback.dataset.status = kind || "";
  // What a failed check said stays on screen while the learner climbs the hint ladder.
  feedback.dataset.checkMessage = ["fail", "error", "limit"].includes(kind) ? text || "" : "";
}

function sayHint(exercise, text) {
  const { feedback } = parts(exercise);
  const kept = feedback?.dataset.checkMessage;
  if (kept) fill(feedback, `${kept} ${text}`);
  else say(exercise, text, "hint");
}

function setState(exercise, key) {
  const { state, stateLabel } = parts(exercise);
  if (!state || !(key in LABELS)) return;
  state.dataset.exerciseStatus = key;
  if (stateLabel) stateLabel.textContent = LABELS[key];
  exercise.dataset.exerciseState = key;
}

// After the last hint the hint button retires and the solution button appears.
function showLadder(exercise) {
  const { state, hintButton, solutionButton, solution } = parts(exercise);
  const used = Number(state?.dataset.hintsUsed || 0);
  const total = Number(exercise.dataset.hintsTotal || 0);
  const climbed = total > 0 && used >= total;
  if (hintButton) hintButton.disabled = climbed;
  if (solutionButton) solutionButton.hidden = !climbed || (solution && !solution.hidden);
}

function queued(lesson, task) {
  const kernel = lesson.kernel;
  if (!kernel) return task(null);
  const result = kernel.queue.then(() => task(kernel));
  kernel.queue = result.catch(() => {});
  return result;
}

async function check(lesson, exercise) {
  const source = exercise.querySelector("[data-cell-source]");
  const output = exercise.querySelector("[data-cell-output]");
  say(exercise, "Checking…", "busy");
  await queued(lesson, async (kernel) => {
    const view = new OutputView(output, exercise.dataset.cellLabel, exercise.dataset.cellId);
    view.clear();
    output.setAttribute("aria-busy", "true");
    kernel?.setState("busy");
    kernel?.startClock();
    const { json } = await post(url(lesson, exercise, "check"), { code: source ? source.value : "" });
    kernel?.stopClock();
    output.removeAttribute("aria-busy");
    for (const item of json.outputs || []) view.add(item);
    kernel?.setState((json.kernel || {}).state || "ready");
    const status = json.status || "error";
    say(exercise, json.message || "", status);
    if (json.state) setState(exercise, json.state);
    exercise.dataset.cellStatus = status === "pass" ? "ok" : "error";
    if (json.progress) {
      document.dispatchEvent(new CustomEvent("lesson:progress", { detail: json.progress }));
    }
  });
}

async function hint(lesson, exercise) {
  const { hints, state } = parts(exercise);
  const { ok, json } = await post(url(lesson, exercise, "hint"));
  if (!ok) {
    say(exercise, json.message || "No hint this time; try again.", "error");
    return;
  }
  const item = document.createElement("li");
  item.className = "exercise-hint";
  const template = document.createElement("template");
  template.innerHTML = String(json.hint || ""); // sanitized on the server (agenticworks.markup)
  item.append(template.content);
  while (hints.children.length >= json.level) hints.lastElementChild.remove();
  hints.append(item);
  hints.hidden = false;
  if (state) state.dataset.hintsUsed = String(json.level);
  const total = exercise.dataset.hintsTotal;
  sayHint(exercise, `Hint ${json.level} of ${total}${json.last ? " (the last one)" : ""}.`);
  const { hintButton, solutionButton } = parts(exercise);
  const hadFocus = document.activeElement === hintButton;
  showLadder(exercise);
  // The last hint retires the focused Hint button: keep the keyboard on the ladder.
  if (hadFocus && hintButton.disabled && solutionButton && !solutionButton.hidden) {
    solutionButton.focus();
  }
}

function confirmSolution(lesson, exercise) {
  const { solutionButton } = parts(exercise);
  if (exercise.querySelector("[data-solution-confirm]")) return;
  const box = document.createElement("p");
  box.className = "exercise-confirm";
  box.dataset.solutionConfirm = "";
  box.textContent = "Show the solution? The exercise then counts as passed with the solution. ";
  const yes = document.createElement("button");
  yes.type = "button";
  yes.className = "button button-small button-danger";
  yes.dataset.exerciseAction = "solution-yes";
  yes.textContent = "Yes, show it";
  const no = document.createElement("button");
  no.type = "button";
  no.className = "button button-small";
  no.dataset.exerciseAction = "solution-no";
  no.textContent = "Not yet";
  box.append(yes, " ", no);
  solutionButton.closest(".cell-head").after(box);
  yes.focus();
}

async function solution(lesson, exercise) {
  exercise.querySelector("[data-solution-confirm]")?.remove();
  const { ok, json } = await post(url(lesson, exercise, "solution"));
  if (!ok) {
    say(exercise, json.message || "The solution is not available yet.", "error");
    return;
  }
  const found = parts(exercise);
  found.solutionCode.textContent = json.solution;
  found.solution.hidden = false;
  found.solutionButton.hidden = true;
  // "Yes, show it" is gone with its box: the keyboard lands on the solution it asked for.
  found.solution.tabIndex = -1;
  found.solution.focus();
  say(exercise, "Here is the solution. Type it in (or your own version) and press Check.", "hint");
}

function applyCounts(progress) {
  if (!progress || typeof progress !== "object") return;
  for (const node of document.querySelectorAll("[data-exercises-done]")) {
    node.textContent = String(progress.exercises_done ?? 0);
  }
}

function init(lesson) {
  if (!lesson.dataset.exercisesUrl) return;
  for (const exercise of lesson.querySelectorAll("[data-exercise]")) showLadder(exercise);
  lesson.addEventListener("click", (event) => {
    const button = event.target.closest("[data-exercise-action]");
    if (!button) return;
    const exercise = button.closest("[data-exercise]");
    if (!exercise) return;
    const action = button.dataset.exerciseAction;
    if (action === "check") check(lesson, exercise);
    else if (action === "hint") hint(lesson, exercise);
    else if (action === "solution") confirmSolution(lesson, exercise);
    else if (action === "solution-yes") solution(lesson, exercise);
    else if (action === "solution-no") {
      exercise.querySelector("[data-solution-confirm]")?.remove();
      parts(exercise).solutionButton?.focus();
    }
  });
}

document.addEventListener("lesson:progress", (event) => applyCounts(event.detail));
for (const lesson of document.querySelectorAll("[data-lesson]")) init(lesson);
