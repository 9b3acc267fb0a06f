// Applies the reader's theme choice before the page paints. A classic (blocking) script in
// <head>, so there is no flash of the other theme; site.js draws the button that changes it.
(function () {
  try {
    var theme = localStorage.getItem("agw-theme");
    if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
  } catch (error) {
    // Storage disabled: follow the system setting.
  }
})();
