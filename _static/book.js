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
    markScrolling(box, wide, "This table is wider than the screen: scroll it sideways \u2192", "Table");
  }
}

// A box that scrolls sideways gets a cue before it, keyboard focus and a name; one that no
// longer needs to scroll loses them.
function markScrolling(box, wide, text, what) {
  const cue = box.previousElementSibling;
  const hasCue = cue && cue.classList.contains("scroll-cue");
  if (wide && !hasCue) {
    const note = document.createElement("p");
    note.className = "scroll-cue";
    note.textContent = text;
    box.before(note);
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", `${what}, scrolls sideways`);
  } else if (!wide && hasCue) {
    cue.remove();
    for (const name of ["tabindex", "role", "aria-label"]) box.removeAttribute(name);
  }
}
document.addEventListener("DOMContentLoaded", markScrollingTables);
window.addEventListener("resize", markScrollingTables);

// Figures. Each figure image links to its full-size file. A figure is drawn so that its smallest
// text (style.MIN_FONT = 12 pt at style.DPI = 110, i.e. 18.3 px at natural size) stays at least 80%
// of the body text however the image is scaled down; where the column is too narrow for that (a
// heatmap on a phone), the image keeps that minimum scale and its box scrolls sideways, with a cue.
const FIGURE_TEXT_PX = (12 * 110) / 72;
function fitFigure(img) {
  if (!img.naturalWidth) return;
  if (!img.closest("a")) {
    const link = document.createElement("a");
    link.href = img.currentSrc || img.src;
    link.className = "figure-full-size";
    link.title = "Open the figure at full size";
    img.before(link);
    link.append(img);
  }
  const box = img.closest("figure, div.cell_output .output") || img.parentElement;
  const body = parseFloat(getComputedStyle(document.querySelector("article.bd-article p") || document.body).fontSize);
  const minScale = (0.8 * body) / FIGURE_TEXT_PX;
  const needed = Math.ceil(img.naturalWidth * minScale);
  img.style.maxWidth = "";
  img.style.width = "";
  const style = getComputedStyle(box);
  const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const wide = needed > room;
  if (wide) {
    img.style.maxWidth = "none";
    img.style.width = `${needed}px`;
  }
  box.classList.toggle("figure-scrolls", wide);
  markScrolling(box, wide, "This figure is wider than the screen: scroll it sideways \u2192, or tap it for the full size",
                "Figure");
}
function fitFigures() {
  for (const img of document.querySelectorAll("article.bd-article figure img, article.bd-article div.cell_output img")) {
    if (img.complete) fitFigure(img);
    else img.addEventListener("load", () => fitFigure(img), { once: true });
  }
}
document.addEventListener("DOMContentLoaded", fitFigures);
window.addEventListener("resize", fitFigures);

// Search result snippets. Sphinx cuts each result's snippet from the text of the page's
// [role="main"], which in this theme begins with the header's download buttons (".ipynb",
// ".pdf") and the theme's indentation: a snippet could read "....ipynb" and nothing else. The
// snippet is read from the article alone, hidden code removed and white space folded.
(function snippetsFromTheArticle() {
  const install = () => {
    if (typeof Search === "undefined" || !Search.htmlToText || Search.htmlToText.fromArticle) return;
    const original = Search.htmlToText;
    const fromArticle = (htmlString, anchor) => {
      const page = new DOMParser().parseFromString(htmlString, "text/html");
      page.querySelectorAll(".headerlink, script, style, .cell_input, .tag_remove-input, .tag_remove-cell")
        .forEach((element) => element.remove());
      const article = page.querySelector("article.bd-article");
      if (!article) return original(htmlString, anchor);
      const scope = (anchor && article.querySelector(anchor)) || article;
      return scope.textContent.replace(/\s+/g, " ").trim();
    };
    fromArticle.fromArticle = true;
    Search.htmlToText = fromArticle;
  };
  install();
  document.addEventListener("DOMContentLoaded", install);
})();
