/* lossnotes: figures follow the theme's colour toggle; wide equations fit the column.

   Each figure is a <picture> whose <source> offers the dark copy to a browser that
   prefers the dark scheme. When the reader picks a scheme with the theme's toggle (the
   theme sets <html data-theme="light|dark">), the source follows the page's scheme, so
   the browser fetches the copy shown and no other.

   A display equation wider than the column is scaled down to fit (to 45% at most);
   beyond that it scrolls inside its own box, never past the page's edge, and takes a tab
   stop so that a keyboard can scroll it too.

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

  // Reads and writes in batches: the page is laid out twice, not twice per equation.
  function fitEquations() {
    var maths = Array.prototype.slice.call(
      document.querySelectorAll('mjx-container[display="true"]')
    );
    maths.forEach(function (math) {
      math.style.fontSize = "";
      math.removeAttribute("tabindex");
    });
    var boxes = maths.map(function (math) {
      return {
        room: math.clientWidth,
        need: math.scrollWidth,
        size: parseFloat(getComputedStyle(math).fontSize),
      };
    });
    var scaled = maths.filter(function (math, i) {
      var box = boxes[i];
      if (box.room > 0 && box.need > box.room + 1) {
        var scale = Math.max(0.45, box.room / box.need);
        math.style.fontSize = Math.floor(scale * box.size * 100) / 100 + "px";
        return true;
      }
      return false;
    });
    scaled
      .filter(function (math) {
        return math.scrollWidth > math.clientWidth + 1;
      })
      .forEach(function (math) {
        math.setAttribute("tabindex", "0");
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

  // The formulas arrive typeset as SVG (no MathJax in the browser, no web font): fit them
  // once the page is parsed, and after each resize.
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(fitEquations, 150);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fitEquations);
  } else {
    fitEquations();
  }
})();
