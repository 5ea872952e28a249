// lossnotes: search result scores (Sphinx's html_search_scorer). Sphinx's defaults, except
// that an API entry (an object of the reference) ranks below the pages: a reader searching
// "vanishing" wants the chapter on vanishing gradients before a constant that mentions it.
var Scorer = {
  score: (result) => {
    const [, , , , score, , kind] = result;
    return kind === "object" ? score - 20 : score;
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
