/* lossnotes: how the Chinese edition's search page splits a query into words.
   Loaded on that page only (docs/_ext/lossnotes_search.py), before Sphinx's searchtools.js,
   which then keeps this splitQuery instead of its own.

   Splits a query like Sphinx's default splitter, then cuts every run of Han characters into
   the longest words the search index holds (forward maximum matching), so that a query such
   as "损失函数的梯度" written without spaces finds the pages whose index holds its words. An
   unknown run of two or more characters is kept (it matches nothing, as it should); an
   unknown single character is dropped, as the index drops single characters. */
var splitQuery = (query) => {
  const index = typeof Search !== "undefined" ? Search._index : null;
  const known = (word) =>
    index !== null &&
    (Object.hasOwn(index.terms, word) || Object.hasOwn(index.titleterms, word));
  const han = /^\p{Script=Han}+$/u;
  const terms = [];
  query
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter((term) => term)
    .forEach((term) => {
      term.split(/(\p{Script=Han}+)/u).filter((part) => part).forEach((part) => {
        if (!han.test(part)) {
          terms.push(part);
          return;
        }
        let unknown = "";
        let start = 0;
        while (start < part.length) {
          let word = "";
          for (let end = Math.min(part.length, start + 12); end > start + 1; end--) {
            if (known(part.slice(start, end))) {
              word = part.slice(start, end);
              break;
            }
          }
          if (word) {
            if (unknown.length > 1) terms.push(unknown);
            unknown = "";
            terms.push(word);
            start += word.length;
          } else {
            unknown += part[start];
            start += 1;
          }
        }
        if (unknown.length > 1) terms.push(unknown);
      });
    });
  return terms;
};
