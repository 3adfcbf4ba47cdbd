// The book's own script. Jupyter Book includes every JS file in _static/ on every page.
//
// The menu buttons. pydata-sphinx-theme and sphinx-book-theme attach the sidebar handlers to
// the first ".primary-toggle" (and ".secondary-toggle") on the page, which is the theme's
// hidden navbar button; the button a reader sees, in the article header, got none, so on a
// phone the menu button did nothing. Each visible toggle now presses the wired one.
document.addEventListener("DOMContentLoaded", () => {
  for (const selector of [".primary-toggle", ".secondary-toggle"]) {
    const [wired, ...others] = document.querySelectorAll(selector);
    for (const button of others) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        wired.click();
      });
    }
  }
});
