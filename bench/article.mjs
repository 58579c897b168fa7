// A realistic ~20 KB wiki article in Markdown: headings, paragraphs with links and emphasis, lists, a table,
// code, a quotation. Deterministic, so runs compare.
const words = ("the wiki keeps every revision of every page so that readers can see how an article grew and " +
  "editors can compare versions revert mistakes and discuss changes with colleagues across many projects " +
  "history diff markdown cache memcached postgresql render sanitize page title link section").split(" ");

function sentence(seed, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(words[(seed * 7 + i * 13) % words.length]);
  const s = out.join(" ");
  return s[0].toUpperCase() + s.slice(1) + ".";
}

function paragraph(seed) {
  const parts = [];
  for (let i = 0; i < 5; i++) parts.push(sentence(seed + i, 14 + ((seed + i) % 9)));
  parts[1] = `${parts[1]} See [the manual](https://example.org/manual/${seed}) and **important ${seed}** _notes_.`;
  return parts.join(" ");
}

export function benchArticle(targetBytes = 20 * 1024) {
  let md = "# Benchmark article\n\nThis article is used by `npm run bench`.\n\n";
  let section = 0;
  while (Buffer.byteLength(md) < targetBytes) {
    section++;
    md += `## Section ${section}\n\n${paragraph(section)}\n\n${paragraph(section + 100)}\n\n`;
    if (section % 3 === 0) md += `- ${sentence(section, 8)}\n- ${sentence(section + 1, 9)}\n- [ ] ${sentence(section + 2, 6)}\n\n`;
    if (section % 4 === 0) md += `| Name | Value | Note |\n|---|---:|---|\n| alpha | ${section} | ${sentence(section, 4)} |\n| beta | ${section * 2} | ${sentence(section + 3, 4)} |\n\n`;
    if (section % 5 === 0) md += "```js\nfunction render(page) {\n  return cache.get(page.revision) ?? renderMarkdown(page.markdown);\n}\n```\n\n";
    if (section % 6 === 0) md += `> ${sentence(section + 9, 16)}\n\n### Subsection ${section}.1\n\n${paragraph(section + 200)}\n\n`;
  }
  return md;
}
