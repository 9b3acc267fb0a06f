// The CSRF token for fetch(): from the page's <meta name="csrf-token">, else the cookie.
export function csrfToken() {
  const meta = document.querySelector("meta[name='csrf-token']");
  if (meta?.content) return meta.content;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export async function postForm(url, data) {
  const response = await fetch(url, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
  });
  let json = {};
  try {
    json = await response.json();
  } catch {
    json = { message: "The server answered in an unexpected way. Reload the page and try again." };
  }
  return { ok: response.ok, status: response.status, json };
}
