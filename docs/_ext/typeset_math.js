// Typesets the site's TeX with MathJax 3 while the site is built (docs/_ext/lossnotes_math.py
// starts this script once per edition and talks to it a line at a time).
//
// Each request is one line of JSON on standard input; each answer is one line on standard
// output:
//   {"tex": "...", "display": true}  ->  {"html": "<mjx-container ...>"}  or  {"error": "..."}
//   {"page": true}                   ->  {"css": "...", "glyphs": "<svg ...>"}
//   {"quit": true}                   ->  the script ends
// MathJax's SVG output, with its assistive MathML for screen readers. A display formula's
// <svg> carries a min-width of MIN_SCALE times its width: the site's stylesheet scales a
// formula wider than the column down to fit, to that scale at most. Each glyph's outline
// is written once per page: the formulas refer to it (<use>) in the hidden "glyphs" element
// that ends the page, which also starts the next page afresh. No web font is needed.
//
// mathjax-full is the npm package pinned in package-lock.json (installed by `npm ci`).
"use strict";

const readline = require("readline");
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { SVG } = require("mathjax-full/js/output/svg.js");
const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AssistiveMmlHandler } = require("mathjax-full/js/a11y/assistive-mml.js");
require("mathjax-full/js/input/tex/AllPackages.js");

// The TeX packages MathJax's browser component (tex-chtml.js) has, or loads on first use.
const PACKAGES = ["base", "ams", "newcommand", "configmacros", "boldsymbol"];
// A display formula is scaled down to the column's width, to 45% of its size at most; beyond
// that it scrolls inside its own box (lossnotes-pages.css).
const MIN_SCALE = 0.45;
const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));

function newPage() {
  const input = new TeX({
    packages: PACKAGES,
    // A TeX error fails the build (the Python side reports it where the formula is),
    // instead of showing red text to readers.
    formatError: (jax, error) => {
      throw error;
    },
  });
  const output = new SVG({ fontCache: "global" });
  return { output, document: mathjax.document("", { InputJax: input, OutputJax: output }) };
}

let page = newPage();

function answer(request) {
  if (request.page) {
    const css = adaptor.textContent(page.output.styleSheet(page.document));
    const defs = adaptor.outerHTML(page.output.fontCache.getCache());
    page = newPage();
    return {
      css: css,
      glyphs:
        '<svg id="MJX-SVG-global-cache" style="display: none" aria-hidden="true" ' +
        'xmlns="http://www.w3.org/2000/svg">' + defs + "</svg>",
    };
  }
  try {
    const node = page.document.convert(request.tex, { display: Boolean(request.display) });
    const svg = adaptor.firstChild(node);
    const width = /^([\d.]+)ex$/.exec(adaptor.getAttribute(svg, "width") || "");
    if (request.display && width) {
      adaptor.setStyle(svg, "min-width", (MIN_SCALE * Number(width[1])).toFixed(3) + "ex");
    }
    return { html: adaptor.outerHTML(node) };
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  const request = JSON.parse(line);
  if (request.quit) {
    process.exit(0);
  }
  process.stdout.write(JSON.stringify(answer(request)) + "\n");
});
