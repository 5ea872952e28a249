/* lossnotes: the language switcher keeps the section the reader is in.
   Section ids are the same in both editions, so the same page of the other edition
   has the same #anchor. The switcher's links (docs/_templates/language-switcher.html)
   name the same page of the other edition; this adds the current #anchor to them, and
   keeps it up to date as the reader follows links within the page. */
(function () {
  "use strict";

  function follow() {
    var links = document.querySelectorAll(
      'a.lossnotes-language-switch[data-same-page="true"]'
    );
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      var page = link.getAttribute("data-page") || link.getAttribute("href").split("#")[0];
      link.setAttribute("data-page", page);
      link.setAttribute("href", page + window.location.hash);
    }
  }

  window.addEventListener("hashchange", follow);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", follow);
  } else {
    follow();
  }
})();
