/* lossnotes: search result snippets from the page's own text.
   Sphinx builds a result's snippet from the fetched page's [role="main"] element, which
   in this theme also holds the article's header buttons and the footer, and whose
   formulas are still TeX source in the fetched HTML. The snippet comes from the article
   alone, with formulas, code cells and header links left out. */
(function () {
  "use strict";
  if (typeof Search === "undefined" || !Search.htmlToText) {
    return;
  }
  var LEFT_OUT = ".headerlink, script, style, .math, .cell_input, .lossnotes-icon, .caption-number";
  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(LEFT_OUT).forEach(function (element) {
      element.remove();
    });
    var article = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
    if (!article) {
      return "";
    }
    if (anchor) {
      var part = doc.getElementById(decodeURIComponent(anchor.slice(1)));
      if (part && article.contains(part)) {
        return part.textContent.replace(/\s+/g, " ");
      }
    }
    return article.textContent.replace(/\s+/g, " ");
  };
})();
