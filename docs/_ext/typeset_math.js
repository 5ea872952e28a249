// Typesets the site's TeX with MathJax 3 while the site is built (docs/_ext/lossnotes_math.py
// starts this script once per edition and talks to it a line at a time).
//
// Each request is one line of JSON on standard input; each answer is one line on standard
// output:
//   {"tex": "...", "display": true}  ->  {"html": "<mjx-container ...>"}  or  {"error": "..."}
//   {"page": true}                   ->  {"css": "...", "glyphs": "<svg ...>"}
//   {"quit": true}                   ->  the script ends
// Required as a module (by the tests), it starts no loop and exports its functions.
// MathJax's SVG output, with its assistive MathML for screen readers. A display formula's
// <svg> carries a min-width of MIN_SCALE times its width: the site's stylesheet scales a
// formula wider than the column down to fit, to that scale at most. Each glyph's outline
// is written once per page: the formulas refer to it (<use>) in the hidden "glyphs" element
// that ends the page, which also starts the next page afresh. No web font is needed.
// MathJax nests a group (<g>) around each node of the formula's tree to place it; those
// groups are flattened away (flatten, below), so that a page has far fewer elements for the
// browser to style and lay out.
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

// Groups that MathJax's stylesheet selects (tables, errors, actions) and the groups directly
// inside them stay, as does any group that carries paint (colour, stroke) or other meaning.
const KEEP = new Set(["mtable", "merror", "maction"]);
// A group is only placement: where its contents go, and which MathML node they came from.
const PLACEMENT = new Set(["data-mml-node", "data-mjx-texclass", "transform"]);
// The elements that take a transform of their own in SVG 1.1 (a nested <svg> does not).
const TRANSFORMABLE = new Set(["g", "use", "rect", "path", "text", "line", "polygon"]);

// The transform list `list` ("translate(220,676) translate(566,0) scale(0.707)") as one
// translation and one scaling, which place a glyph as the list did; a list with any other
// kind of transform is returned as it is. Numbers keep three decimals (of MathJax's 1/1000
// of an em, so within a millionth of an em of the list's own placement).
function compose(list) {
  const parts = [...list.matchAll(/\s*(translate|scale)\(([^)]*)\)/g)];
  if (parts.map((part) => part[0]).join("") !== list.replace(/\s+$/, "")) {
    return list;
  }
  let [sx, sy, tx, ty] = [1, 1, 0, 0];
  for (const [, kind, args] of parts) {
    const [a, b] = args.split(/[\s,]+/).filter(Boolean).map(Number);
    if (kind === "translate") {
      [tx, ty] = [tx + sx * a, ty + sy * (b || 0)];
    } else {
      [sx, sy] = [sx * a, sy * (b === undefined ? a : b)];
    }
  }
  const number = (value) => String(Math.round(value * 1000) / 1000);
  const result = [];
  if (tx !== 0 || ty !== 0) {
    result.push(`translate(${number(tx)},${number(ty)})`);
  }
  if (sx !== 1 || sy !== 1) {
    result.push(sx === sy ? `scale(${number(sx)})` : `scale(${number(sx)},${number(sy)})`);
  }
  return result.join(" ");
}

// Replaces each placement-only group inside `node` by its children, each child taking the
// group's transform before its own ("T U" applies T to the child placed by U, as the group
// did), in the same order, so that they paint the same picture. A group with no children
// draws nothing and goes. On the site's pages this removes ~90% of the groups (Training:
// 838 -> 104).
function flatten(node) {
  // Only a group's children may be unwrapped, and not those of a group MathJax's CSS selects.
  const unwraps =
    adaptor.kind(node) === "g" && !KEEP.has(adaptor.getAttribute(node, "data-mml-node"));
  for (const child of adaptor.childNodes(node)) {
    if (adaptor.kind(child) === "#text") {
      continue;
    }
    flatten(child);
    if (!unwraps || adaptor.kind(child) !== "g") {
      continue;
    }
    const attributes = adaptor.allAttributes(child);
    if (attributes.some((attribute) => !PLACEMENT.has(attribute.name))) {
      continue;
    }
    if (KEEP.has(adaptor.getAttribute(child, "data-mml-node"))) {
      continue;
    }
    const transform = adaptor.getAttribute(child, "transform");
    const children = adaptor.childNodes(child);
    if (transform && children.some((kid) => !TRANSFORMABLE.has(adaptor.kind(kid)))) {
      continue;
    }
    for (const kid of children) {
      if (transform) {
        const own = adaptor.getAttribute(kid, "transform");
        adaptor.setAttribute(kid, "transform", compose(own ? `${transform} ${own}` : transform));
      }
      adaptor.insert(kid, child);
    }
    adaptor.remove(child);
  }
}

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

// MathJax's <mjx-container> for `tex`, as MathJax writes it (before flatten).
function convert(tex, display) {
  return page.document.convert(tex, { display: display });
}

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
    const node = convert(request.tex, Boolean(request.display));
    const svg = adaptor.firstChild(node);
    flatten(svg);
    const width = /^([\d.]+)ex$/.exec(adaptor.getAttribute(svg, "width") || "");
    if (request.display && width) {
      adaptor.setStyle(svg, "min-width", (MIN_SCALE * Number(width[1])).toFixed(3) + "ex");
    }
    return { html: adaptor.outerHTML(node) };
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
}

if (require.main === module) {
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  lines.on("line", (line) => {
    const request = JSON.parse(line);
    if (request.quit) {
      process.exit(0);
    }
    process.stdout.write(JSON.stringify(answer(request)) + "\n");
  });
} else {
  // For the tests, which compare a formula's placement before and after flatten.
  module.exports = { adaptor, convert, flatten };
}
