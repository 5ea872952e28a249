/* lossnotes: a link to a figure lands on the rendering the reader sees.
   Every figure comes in a light and a dark copy (figure classes only-light and only-dark);
   only the light copy carries the figure's name, and in dark mode the theme hides it, so
   the browser would not scroll to it. This scrolls to the visible copy of the pair. */
(function () {
  "use strict";
  var PAIR = "figure.only-light, figure.only-dark";

  function shown(element) {
    return element.getClientRects().length > 0;
  }

  function visibleCopy(figure) {
    var sides = ["previousElementSibling", "nextElementSibling"];
    for (var i = 0; i < sides.length; i++) {
      var other = figure[sides[i]];
      if (other && other.matches(PAIR) && shown(other)) {
        return other;
      }
    }
    return null;
  }

  function land() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var figure = target && target.closest(PAIR);
    if (!figure || shown(figure)) {
      return;
    }
    var copy = visibleCopy(figure);
    if (copy) {
      copy.scrollIntoView();
    }
  }

  window.addEventListener("hashchange", land);
  if (document.readyState === "complete") {
    land();
  } else {
    window.addEventListener("load", land);
  }
})();
