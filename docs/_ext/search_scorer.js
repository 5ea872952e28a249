// lossnotes: search result scores (Sphinx's html_search_scorer). Sphinx's defaults, except
// that the API reference (its entries and its pages, api and api/*) ranks below the chapters:
// a reader searching "vanishing" wants the chapter on vanishing gradients before a constant
// that mentions the word.
var Scorer = {
  score: (result) => {
    const [docname, , , , score, , kind] = result;
    const reference = kind === "object" || docname === "api" || docname.startsWith("api/");
    return reference ? score - 100 : score;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: {0: 15, 1: 5, 2: -5},
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
