// Live preview of a post while typing. An enhancement: the Preview button works without it.

const DELAY_MS = 700;

function csrfToken(form) {
  return form.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

function enhance(form) {
  const body = form.querySelector("textarea[name=body]");
  const target = form.querySelector("[data-preview-target]");
  const url = form.dataset.previewUrl;
  if (!body || !target || !url) return;
  let timer = null;
  let last = "";

  async function refresh() {
    const text = body.value;
    if (text === last) return;
    last = text;
    if (!text.trim()) {
      target.hidden = true;
      return;
    }
    const data = new FormData();
    data.append("body", text);
    try {
      const response = await fetch(url, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken(form) },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      // The endpoint returns HTML already sanitized on the server (nh3 allow-list).
      target.innerHTML = await response.text();
      target.hidden = false;
    } catch {
      // Offline or the server is busy: the Preview button still works.
    }
  }

  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, DELAY_MS);
  });
}

for (const form of document.querySelectorAll("form[data-preview-form]")) enhance(form);
