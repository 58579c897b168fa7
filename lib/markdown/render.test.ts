import { test } from "node:test";
import assert from "node:assert/strict";
import { renderMarkdown, escapeHtml, sanitize, nestingDepth, redirectTarget, MAX_NESTING } from "./render";

/** Known XSS payloads: raw HTML, Markdown links and images, encodings and parser tricks. */
const PAYLOADS = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
  "<img src=x onerror=alert(1)>",
  "<img src=\"x\" onerror=\"alert(1)\"/>",
  "<svg onload=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<iframe src=\"javascript:alert(1)\"></iframe>",
  "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
  "<object data=\"javascript:alert(1)\"></object>",
  "<embed src=\"javascript:alert(1)\">",
  "<a href=\"javascript:alert(1)\">x</a>",
  "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
  "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
  "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
  "<a href=\"javascript&colon;alert(1)\">x</a>",
  "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
  "<a href=\"vbscript:msgbox(1)\">x</a>",
  "[click](javascript:alert(1))",
  "[click](JAVASCRIPT:alert(1))",
  "[click](data:text/html,<script>alert(1)</script>)",
  "[click](<javascript:alert(1)>)",
  "![img](javascript:alert(1))",
  "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
  "[x](https://ok.example \"title\" onclick=\"alert(1)\")",
  "<div style=\"background:url(javascript:alert(1))\">x</div>",
  "<style>@import 'javascript:alert(1)';</style>",
  "<form action=\"javascript:alert(1)\"><button>x</button></form>",
  "<input onfocus=alert(1) autofocus>",
  "<details open ontoggle=alert(1)>",
  "<body onload=alert(1)>",
  "<base href=\"javascript:alert(1)//\">",
  "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
  "<link rel=stylesheet href=\"javascript:alert(1)\">",
  "<a href=\"//evil.example\">protocol-relative</a>",
  "<<script>script>alert(1)<</script>/script>",
  "<scr<script>ipt>alert(1)</script>",
  "<img src=`x` onerror=`alert(1)`>",
  "<a/href=\"javascript:alert(1)\">x</a>",
  "<table><td background=\"javascript:alert(1)\">x</td></table>",
  "```\n</code></pre><script>alert(1)</script>\n```",
  "# Heading <img src=x onerror=alert(1)>",
  "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
  "<template><script>alert(1)</script></template>",
  "<h2 id=\"x\" onclick=\"alert(1)\">clobber</h2>",
];

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);?/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&colon;/gi, ":")
    .replace(/&tab;/gi, "\t")
    .replace(/&newline;/gi, "\n")
    .replace(/&amp;/g, "&");
}

const SAFE_URL = /^(https?:\/\/|mailto:|#|\/(?!\/)|[^:/]*(\/|$)|[^:]*$)/i;

function assertSafe(html: string, payload: string) {
  const where = `payload ${JSON.stringify(payload)} gave ${JSON.stringify(html)}`;
  const tags = [...html.matchAll(/<\s*([a-z0-9-]+)([^>]*)>/gi)];
  const allowed = new Set([
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "b", "i",
    "del", "s", "ins", "sup", "sub", "kbd", "mark", "small", "abbr", "ul", "ol", "li", "dl", "dt", "dd", "a",
    "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "details", "summary", "span", "div",
    "input", "figure", "figcaption", "section",
  ]);
  for (const [, name, attrs] of tags) {
    assert.ok(allowed.has(name!.toLowerCase()), `tag <${name}> survived: ${where}`);
    assert.doesNotMatch(attrs!, /(^|\s)on[a-z]+\s*=/i, `event handler survived: ${where}`);
    assert.doesNotMatch(attrs!, /(^|\s)(style|srcdoc|formaction|background)\s*=/i, `dangerous attribute: ${where}`);
    for (const m of attrs!.matchAll(/(?:href|src|action|cite)\s*=\s*"([^"]*)"/gi)) {
      const url = decodeEntities(m[1]!).replace(/[\u0000-\u0020]/g, "");
      assert.match(url, SAFE_URL, `unsafe URL ${JSON.stringify(url)}: ${where}`);
    }
  }
  assert.doesNotMatch(html, /<\s*script/i, `script tag: ${where}`);
}

for (const [i, payload] of PAYLOADS.entries()) {
  test(`XSS payload ${i + 1} is neutralised: ${payload.slice(0, 50)}`, () => {
    assertSafe(renderMarkdown(payload).html, payload);
    assertSafe(sanitize(payload), payload);
  });
}

test("ordinary Markdown survives: headings with anchors, lists, tables, code, links, images, task lists", () => {
  const { html, toc } = renderMarkdown(
    "# One\n\n## Two\n\n### Three\n\n- item\n- [x] done\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```js\nlet x = 1 < 2;\n```\n\n" +
      "[site](https://example.org) [rel](/wiki/Other) ![pic](https://example.org/a.png) <mailto:a@example.org>",
  );
  assert.match(html, /<h2 id="user-content-two"><a class="anchor" href="#user-content-two" aria-label="Link to the section “Two”">#<\/a>Two<\/h2>/);
  assert.doesNotMatch(html, /aria-hidden/, "no hidden yet focusable anchors");
  assert.match(html, /<table>/);
  assert.match(html, /<code class="hljs language-js"><span class="hljs-keyword">let<\/span> x = <span class="hljs-number">1<\/span> &lt; <span class="hljs-number">2<\/span>;/);
  assert.match(html, /<a href="https:\/\/example.org" rel="nofollow ugc noopener noreferrer">site<\/a>/);
  assert.match(html, /<a href="\/wiki\/Other">rel<\/a>/);
  assert.match(html, /<img src="https:\/\/example.org\/a.png" alt="pic" loading="lazy" \/>/);
  assert.match(html, /<input checked disabled type="checkbox" \/>/);
  assert.deepEqual(toc.map((h) => [h.level, h.id]), [[1, "user-content-one"], [2, "user-content-two"], [3, "user-content-three"]]);
});

test("duplicate headings get distinct anchors; short pages get no table of contents", () => {
  const { html, toc } = renderMarkdown("## Notes\n\n## Notes\n");
  assert.match(html, /id="user-content-notes"/);
  assert.match(html, /id="user-content-notes-1"/);
  assert.deepEqual(toc, []);
});

test("rendering is the same every time (no state leaks between pages)", () => {
  const a = renderMarkdown("# A\n\n## B\n\n## C\n");
  renderMarkdown("# Other\n\n## Headings\n\n### Here\n");
  assert.deepEqual(renderMarkdown("# A\n\n## B\n\n## C\n"), a);
});

test("escapeHtml escapes everything that matters in text and attributes", () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
});

test("ids in user HTML cannot clobber the page's own: raw ids are prefixed, and in-page links follow", () => {
  const { html } = renderMarkdown('<h2 id="__next_f">x</h2>\n\n<h3 id="user-content-ok">y</h3>\n\n[jump](#__next_f)');
  assert.match(html, /<h2 id="user-content-__next_f">/);
  assert.match(html, /<h3 id="user-content-ok">/, "an already prefixed id is kept as it is");
  assert.match(html, /<a href="#user-content-__next_f">jump<\/a>/);
  assert.doesNotMatch(html, /id="__next_f"/);
  assert.equal(sanitize('<a name="__next_f" id="x">a</a><p id="y">b</p>'), '<a id="user-content-x">a</a><p>b</p>', "a link's id is prefixed (footnotes), no other tag keeps id or name");
});

test("nesting depth counts block quotes and list markers on a line", () => {
  assert.equal(nestingDepth("plain\n> quote\n> > - 1. deep"), 4);
  assert.equal(nestingDepth("-not a list\n>"), 1);
  assert.equal(nestingDepth(">".repeat(2000)), MAX_NESTING + 1, "stops counting past the limit");
});

test("past the nesting limit the text is shown escaped instead of parsed", () => {
  const { html } = renderMarkdown("> ".repeat(MAX_NESTING + 1) + "<b>x</b>");
  assert.match(html, /too complex to format/);
  assert.ok(html.includes("&lt;b&gt;x&lt;/b&gt;"));
});

test("wiki links: [[Title]], labels, sections, this page's sections; never inside code; bad titles stay text", () => {
  const { html, links } = renderMarkdown(
    "[[Main Page]] [[main_page|the main]] [[Foo#Some Section|x]] [[#Local part]] `[[code]]` [[a<b]] [[ [[x]]\n\n```\n[[block]]\n```\n",
  );
  assert.deepEqual(links, [
    { title: "Main Page", fragment: "" },
    { title: "main page", fragment: "" },
    { title: "Foo", fragment: "some-section" },
    { title: "x", fragment: "" },
  ]);
  assert.match(html, /<a data-wl="0">Main Page<\/a> <a data-wl="1">the main<\/a> <a data-wl="2">x<\/a>/);
  assert.match(html, /<a href="#user-content-local-part">#Local part<\/a>/);
  assert.match(html, /<code>\[\[code\]\]<\/code>/);
  assert.match(html, /\[\[a&lt;b\]\]/, "an invalid title is shown as typed, escaped");
  assert.match(html, /\[\[block\]\]/);
});

test("wiki-link markers cannot be forged from a page's own HTML; labels are text", () => {
  const { html, links } = renderMarkdown('<a data-wl="0" href="/x">forged</a> [[Real|<img src=x onerror=alert(1)>]]');
  assert.equal(links.length, 1);
  assert.equal(html.match(/data-wl=/g)?.length, 1, "only the real link carries a marker");
  assert.match(html, /<a href="\/x">forged<\/a>/);
  assert.match(html, /<a data-wl="0">&lt;img src=x onerror=alert\(1\)&gt;<\/a>/);
});

test("a redirect is #REDIRECT [[Title]] at the start of the text, in any case", () => {
  assert.equal(redirectTarget("#REDIRECT [[New_title]]"), "New title");
  assert.equal(redirectTarget("  #redirect: [[New title#Part|label]]\nmore"), "New title");
  assert.equal(redirectTarget("text\n#REDIRECT [[Elsewhere]]"), null);
  assert.equal(redirectTarget("#REDIRECT [[bad|]]"), "bad");
  assert.equal(redirectTarget("#REDIRECT [[a<b]]"), null);
});

test("fenced code in a known language is highlighted at render time; unknown or none stays plain, escaped", () => {
  const { html } = renderMarkdown("```python\ndef f(): return '<b>'\n```\n\n```nosuchlang\n<i>x</i>\n```\n\n```\nplain <x>\n```");
  assert.match(html, /<code class="hljs language-python"><span class="hljs-keyword">def<\/span>/);
  assert.match(html, /&#x27;&lt;b&gt;&#x27;|'&lt;b&gt;'/);
  assert.match(html, /<code class="language-nosuchlang">&lt;i&gt;x&lt;\/i&gt;<\/code>/);
  assert.match(html, /<pre><code>plain &lt;x&gt;<\/code><\/pre>/);
  assert.doesNotMatch(html, /<b>|<i>/);
});

test("$...$ and $$...$$ are typeset by KaTeX at render time; prices and code stay text; nothing of the writer runs", () => {
  const inline = renderMarkdown("Euler: $e^{i\\pi}+1=0$. It costs $5 and $10. `$x$` stays code.").html;
  assert.match(inline, /<span class="katex">.*<annotation encoding="application\/x-tex">e\^\{i\\pi\}\+1=0<\/annotation>/s);
  assert.match(inline, /costs \$5 and \$10\./);
  assert.match(inline, /<code>\$x\$<\/code>/);
  const display = renderMarkdown("$$\n\\sum_{k=1}^n k = \\frac{n(n+1)}{2}\n$$").html;
  assert.match(display, /<div class="math-display"><span class="katex-display">/);
  const hostile = renderMarkdown('$\\href{javascript:alert(1)}{x}$ $\\htmlClass{evil}{x}$ <span data-math="0">forged</span>').html;
  assert.doesNotMatch(hostile, /href="javascript:|class="evil"|data-math/);
  assert.doesNotMatch(renderMarkdown("$\\def\\a{\\a\\a}\\a$").html, /data-math/, "a runaway macro gives up, bounded");
});

test("file embeds are markers with their alt text in the link list; [[:File:...]] is a plain link", () => {
  const { html, links } = renderMarkdown("[[File:A b.png|A <cap>]] ![alt](File:A_b.png) ![web](https://example.org/x.png) [[:File:A b.png]]");
  assert.deepEqual(links, [
    { title: "File:A b.png", fragment: "", embed: { alt: "A <cap>", caption: "A <cap>" } },
    { title: "File:A b.png", fragment: "", embed: { alt: "alt", caption: "" } },
    { title: "File:A b.png", fragment: "" },
  ]);
  assert.match(html, /<a data-wl="0">A &lt;cap&gt;<\/a>/);
  assert.match(html, /<img src="https:\/\/example\.org\/x\.png" alt="web" loading="lazy"/);
});

test("MediaWiki's image options: width, alignment, frame, alt= and link=; the last plain part is the caption", () => {
  const { links } = renderMarkdown("[[File:X.png|200px|right|thumb|alt=A cat|link=Cats|Our cat]] [[File:X.png|120x80px|centre|frameless|link=]] [[File:X.png|99999px|Plain]]");
  assert.deepEqual(links.map((l) => l.embed), [
    { alt: "A cat", caption: "Our cat", width: 200, align: "right", frame: "thumb", link: "Cats" },
    { alt: "", caption: "", width: 120, align: "center", frame: "frameless", link: "" },
    { alt: "Plain", caption: "Plain", width: 4000 },
  ]);
});

test("GitHub's alerts, footnotes and task lists render at save, with ids no page can clash with", () => {
  const { html } = renderMarkdown("Fact[^1].\n\n> [!WARNING]\n> Mind the step.\n\n- [ ] open\n- [x] done\n\n[^1]: Source *here*.\n");
  assert.match(html, /<div class="markdown-alert markdown-alert-warning">\s*<p class="markdown-alert-title">Warning<\/p>\s*<p>Mind the step\.<\/p>/);
  assert.match(html, /<sup><a id="user-content-fn-ref-1" href="#user-content-fn-1">1<\/a><\/sup>/);
  assert.match(html, /<section class="footnotes">[\s\S]*<li id="user-content-fn-1">[\s\S]*Source <em>here<\/em>\. <a href="#user-content-fn-ref-1" aria-label="Back to reference 1">/);
  assert.match(html, /<li><input disabled type="checkbox" \/> open<\/li>\s*<li><input checked disabled type="checkbox" \/> done<\/li>/);
  assert.doesNotMatch(html, /<svg/, "the alert's icon is the stylesheet's, never markup");
  assert.doesNotMatch(renderMarkdown("> [!BOGUS]\n> x").html, /markdown-alert/, "only the five kinds");
});
