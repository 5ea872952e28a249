// Removes from a stylesheet every rule that matches nothing in an edition's pages and
// scripts (docs/_ext/lossnotes_styles.py runs it once per edition, after the pages are
// written). PurgeCSS, the npm package pinned in package-lock.json (installed by `npm ci`),
// is the tool Lighthouse's unused-CSS audit recommends.
//
// Standard input: one JSON object {"css": "...", "content": ["page.html", "script.js", ...]}.
// Standard output: the stylesheet without the unused rules.
//
// A selector is kept when every class, id, tag and attribute it names occurs as a word in
// some page or script, so a class that a script adds (Bootstrap's "show", the theme's
// "scrolled") is kept because the script names it. Bootstrap builds two names from parts
// ("bs-" + component + "-auto"), which no file spells out: SAFELIST keeps them.
"use strict";

const { PurgeCSS } = require("purgecss");

const SAFELIST = { standard: [/^bs-(tooltip|popover)-/], greedy: [/^bs-(tooltip|popover)-/] };

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const [result] = await new PurgeCSS().purge({
    content: request.content,
    css: [{ raw: request.css }],
    safelist: SAFELIST,
    // @font-face rules of fonts that no kept rule names (Font Awesome's, whose files the
    // site does not deploy: its icons are inline SVG).
    fontFace: true,
  });
  process.stdout.write(result.css);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
