// MediaWiki XML exports made to measure, for the import's integration, browser and security tests. Text and names
// go in as raw XML (the tests give entities and markup on purpose). Pure: usable from node:test and Playwright.

/** An export (schema `version`, 0.11 by default) of `pages`, from the wiki called `dbname`; `prolog` goes before it. */
export function mediawikiDump(pages: string, { dbname, version = "0.11", prolog = "" }: { dbname: string; version?: string; prolog?: string }): string {
  return `${prolog}<mediawiki xmlns="http://www.mediawiki.org/xml/export-${version}/" version="${version}" xml:lang="en">` +
    `<siteinfo><sitename>Test wiki</sitename><dbname>${dbname}</dbname><case>first-letter</case></siteinfo>${pages}</mediawiki>`;
}

/** A page of an export, with its revisions. */
export function mediawikiPage(title: string, id: number, revisions: string): string {
  return `<page><title>${title}</title><ns>0</ns><id>${id}</id>${revisions}</page>`;
}

/** A revision of a page: its summary is `r<id>` unless given; `who` is its contributor element's content. */
export function mediawikiRevision(id: number, at: string, text: string, who = "<username>Tester</username>", comment = `r${id}`): string {
  return `<revision><id>${id}</id><timestamp>${at}</timestamp><contributor>${who}</contributor><comment>${comment}</comment>` +
    `<model>wikitext</model><format>text/x-wiki</format><text xml:space="preserve">${text}</text></revision>`;
}
