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

// Wide tables. A table wider than its box scrolls inside it; the box gets the class "scrolls"
// (edge shadows, see book.css), keyboard focus (so it can be scrolled without a mouse) and a
// caption before it that says it scrolls. Checked again when the window is resized.
function markScrollingTables() {
  const boxes = document.querySelectorAll(
    ".bd-content div.cell_output .output.text_html, .bd-content .pst-scrollable-table-container");
  for (const box of boxes) {
    if (!box.querySelector("table")) continue;
    const wide = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("scrolls", wide);
    const cue = box.previousElementSibling;
    const hasCue = cue && cue.classList.contains("scroll-cue");
    if (wide && !hasCue) {
      const note = document.createElement("p");
      note.className = "scroll-cue";
      note.textContent = "This table is wider than the screen: scroll it sideways \u2192";
      box.before(note);
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "Table, scrolls sideways");
    } else if (!wide && hasCue) {
      cue.remove();
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
}
document.addEventListener("DOMContentLoaded", markScrollingTables);
window.addEventListener("resize", markScrollingTables);
