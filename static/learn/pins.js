// Pinned output: "Pin" under a plot (kernel.js draws the button) keeps it in the right rail;
// "Unpin" removes it. Both work without a reload; unpinning also works without JavaScript.
import { postForm } from "./csrf.js";

function pinsBox() {
  return document.querySelector("[data-pins]");
}

function say(message) {
  const box = pinsBox();
  if (!box || !message) return;
  let status = box.parentElement.querySelector("[data-pin-message]");
  if (!status) {
    status = document.createElement("p");
    status.className = "muted";
    status.dataset.pinMessage = "";
    status.setAttribute("role", "status");
    box.before(status);
  }
  status.textContent = message;
}

function show(answer) {
  const box = pinsBox();
  if (box && typeof answer.json.html === "string") box.innerHTML = answer.json.html;
  say(answer.json.message);
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-figure-action='pin']");
  if (!button) return;
  const figure = button.closest("[data-figure-id]");
  const lesson = button.closest("[data-lesson]") || document.querySelector("[data-lesson]");
  if (!figure || !lesson?.dataset.pinUrl) return;
  const data = new FormData();
  data.append("figure_id", figure.dataset.figureId);
  button.disabled = true;
  try {
    const answer = await postForm(lesson.dataset.pinUrl, data);
    show(answer);
    if (answer.ok) button.textContent = "Pinned";
    else button.disabled = false;
  } catch {
    button.disabled = false;
    say("Could not reach the server to pin the plot. Try again.");
  }
});

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("[data-unpin-form]");
  if (!form) return;
  event.preventDefault();
  try {
    show(await postForm(form.action, new FormData(form)));
  } catch {
    form.submit();
  }
});
