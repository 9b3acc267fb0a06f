// Site-wide behaviour. Everything here is an enhancement: pages work without JavaScript.

// Close open menus (<details data-menu>) on Escape or a click elsewhere.
function closeMenus(except) {
  for (const menu of document.querySelectorAll("details[data-menu][open]")) {
    if (menu !== except) menu.removeAttribute("open");
  }
}

document.addEventListener("click", (event) => {
  closeMenus(event.target.closest("details[data-menu]"));
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = document.querySelector("details[data-menu][open]");
  if (open) {
    open.removeAttribute("open");
    open.querySelector("summary")?.focus();
  }
});

// Theme: follow the system, or the reader's choice (light / dark), kept in localStorage.
const THEMES = ["auto", "light", "dark"];
const THEME_WORDS = { auto: "Theme: system", light: "Theme: light", dark: "Theme: dark" };

function applyTheme(theme) {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  try {
    if (theme === "auto") localStorage.removeItem("agw-theme");
    else localStorage.setItem("agw-theme", theme);
  } catch {
    // Storage disabled: the choice lasts for this page.
  }
}

const themeButton = document.querySelector("[data-theme-toggle]");
if (themeButton) {
  const current = () => document.documentElement.dataset.theme || "auto";
  const label = () => {
    themeButton.textContent = THEME_WORDS[current()];
    themeButton.setAttribute("aria-label", `${THEME_WORDS[current()]}. Change the colour theme`);
  };
  label();
  themeButton.hidden = false;
  themeButton.addEventListener("click", () => {
    applyTheme(THEMES[(THEMES.indexOf(current()) + 1) % THEMES.length]);
    label();
  });
}
