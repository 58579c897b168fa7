// Pages with every construct Vellum's renderer knows, for the visual mode's round-trip promise (decision 0031):
// read and written back without an edit, each must come out byte for byte. Used by the integration test
// (lib/editor/visual.int.test.ts) and the browser test (e2e/editor.spec.ts).

/** One page per group of constructs, with the spacing people really type (and some they should not). */
export const EVERY_CONSTRUCT: Record<string, string> = {
  headings: "# One\n\nIntro.\n\n## Two ##\n\nSetext heading\n==============\n\nAnother\n-------\n\n###### Six\n",
  emphasis: "Some *em*, _em_, **strong**, __strong__, ***both***, ~~gone~~, `code`, ``co`de`` and a\\*literal\\* star.\n",
  wikiLinks: "See [[Main Page]], [[Main Page|the start]], [[Main Page#History]], [[Main Page#History|its history]], [[#Local]] and [[:File:X.png]].\n",
  embeds: "[[File:Cat.png]]\n\n[[File:Cat.png|200px|right|thumb|alt=A cat|link=Cats|Our cat]]\n\n![alt](File:Cat.png) and ![web](https://example.org/x.png \"t\")\n",
  math: "Inline $e^{i\\pi}+1=0$ and a price of $5.\n\n$$\n\\sum_{k=1}^n k = \\frac{n(n+1)}{2}\n$$\n",
  code: "```js\nconst x = 1; // *not* emphasis\n```\n\n~~~python title=\"x\"\nprint('hi')\n~~~\n\n    indented code\n    block\n\n````\n```\nnested fence\n```\n````\n",
  tables: "| Left | Centre | Right |\n|:-----|:------:|------:|\n| a | **b** | `c` |\n| [[Link]] | $x$ | 3 \\| 4 |\n\nno | leading | pipes\n--- | --- | ---\n1 | 2 | 3\n",
  footnotes: "A claim[^1] and another[^note].\n\n[^1]: The source.\n[^note]: A longer note\n    with a second line.\n",
  alerts: "> [!NOTE]\n> Useful information.\n\n> [!TIP]\n> A tip.\n\n> [!IMPORTANT]\n> Key.\n\n> [!WARNING]\n> Careful.\n\n> [!CAUTION]\n> Danger.\n",
  tasks: "- [ ] to do\n- [x] done\n  - [ ] nested\n* [X] star marker\n",
  lists: "- one\n- two\n  - nested\n    1. deep\n\n* star\n+ plus\n\n3. starts at three\n4. four\n\n1) paren\n2) style\n\n- loose\n\n- list\n",
  quotes: "> quoted *text*\n> on two lines\n>\n> > nested\n\n> - a list in a quote\n",
  entities: "AT&amp;T &copy; 2026 &#169; &#xA9; &nbsp;non-breaking &lt;tag&gt;\n",
  html: "<div align=\"center\">\n  <b>HTML</b> block\n</div>\n\nInline <kbd>Ctrl</kbd>+<kbd>S</kbd> and <br> break.\n\n<!-- a comment -->\n\n<details><summary>More</summary>\n\nHidden text.\n\n</details>\n",
  links: "[text](https://example.org), [with title](https://example.org \"Title\"), <https://auto.example>, https://bare.example and [ref][r].\n\n[r]: https://ref.example \"Ref\"\n",
  breaks: "hard  \nbreak and\\\nbackslash break\n\n---\n\n***\n\n___\n",
  redirect: "#REDIRECT [[Main Page]]\n",
  odd: "\n\n  Leading spaces and blank lines.\r\nWindows line ending.\n\n\n\nTrailing spaces   \n\n\t\ttabs\tinside\n",
  noFinalNewline: "The last line has no newline",
  unicode: "Café, naïve, 日本語, emoji 🎉, RTL עברית, zero\u200bwidth.\n",
};
