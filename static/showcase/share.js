// "Share to showcase" and "Share to forum" under a plot on a lesson page.
//
// The lesson page (see the lesson page contract) renders each output image as
// <figure data-figure-id="…"> with buttons data-figure-action="share-showcase" / "share-forum";
// the `.lesson` root carries the endpoints in data-share-showcase-url / data-share-forum-url.
// We submit a real POST form, so the browser follows the server's redirect (to the new draft,
// or to sign-in for a visitor) exactly as it would without JavaScript.

const ENDPOINTS = {
  "share-showcase": "shareShowcaseUrl",
  "share-forum": "shareForumUrl",
};

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) return meta.content;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function hiddenInput(name, value) {
  const input = document.createElement("input");
  input.type = "hidden";
  input.name = name;
  input.value = value;
  return input;
}

function share(button, url, figureId) {
  const cell = button.closest("[data-cell]");
  const back = window.location.pathname + (cell && cell.id ? `#${cell.id}` : "");
  const form = document.createElement("form");
  form.method = "post";
  form.action = url;
  form.hidden = true;
  form.append(
    hiddenInput("csrfmiddlewaretoken", csrfToken()),
    hiddenInput("figure_id", figureId),
    hiddenInput("next", back),
  );
  document.body.append(form);
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  form.submit();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-figure-action]");
  const key = button && ENDPOINTS[button.dataset.figureAction];
  if (!key) return;
  const figure = button.closest("[data-figure-id]");
  const root = button.closest("[data-lesson]") || document.querySelector("[data-lesson]");
  const url = root ? root.dataset[key] : "";
  event.preventDefault();
  if (!figure || !figure.dataset.figureId || !url) {
    button.disabled = true;
    button.title = "Sharing is not available on this page.";
    return;
  }
  share(button, url, figure.dataset.figureId);
});
