/* lossnotes: figures follow the theme's colour toggle; wide equations fit the column.

   Each figure is a <picture> whose <source> offers the dark copy to a browser that
   prefers the dark scheme. When the reader picks a scheme with the theme's toggle (the
   theme sets <html data-theme="light|dark">), the source follows the page's scheme, so
   the browser fetches the copy shown and no other.

   A display equation wider than the column is scaled down to fit by the stylesheet (to
   45% at most); beyond that it scrolls inside its own box, never past the page's edge, and
   takes a tab stop here so that a keyboard can scroll it too.

   The solutions' toggle buttons get their label in the edition's language. */
(function () {
  "use strict";

  function followScheme() {
    var theme = document.documentElement.dataset.theme;
    if (theme !== "light" && theme !== "dark") {
      return;
    }
    var media = theme === "dark" ? "all" : "not all";
    document.querySelectorAll("source[data-lossnotes-scheme]").forEach(function (source) {
      if (source.media !== media) {
        source.media = media;
      }
    });
  }

  // An equation that scrolls in its box takes a tab stop, so that a keyboard can scroll it.
  function focusScrollingEquations() {
    var maths = document.querySelectorAll('mjx-container[display="true"]');
    var scrolls = Array.prototype.map.call(maths, function (math) {
      return math.scrollWidth > math.clientWidth + 1;
    });
    Array.prototype.forEach.call(maths, function (math, i) {
      if (scrolls[i]) {
        math.setAttribute("tabindex", "0");
      } else {
        math.removeAttribute("tabindex");
      }
    });
  }

  // sphinx-togglebutton labels its buttons in English; the page carries the edition's words.
  function labelToggles() {
    var article = document.querySelector("article[data-toggle-label]");
    if (!article) {
      return;
    }
    document.querySelectorAll(".toggle-button").forEach(function (button) {
      button.setAttribute("aria-label", article.dataset.toggleLabel);
    });
  }
  document.addEventListener("DOMContentLoaded", labelToggles);
  window.addEventListener("load", labelToggles);

  new MutationObserver(followScheme).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-theme", "data-mode"],
  });
  followScheme();

  // The stylesheet fits the equations to the column; after the page has been laid out, and
  // after each resize, the ones that still scroll become focusable.
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(focusScrollingEquations, 150);
  });
  if (document.readyState === "complete") {
    focusScrollingEquations();
  } else {
    window.addEventListener("load", focusScrollingEquations);
  }
})();
