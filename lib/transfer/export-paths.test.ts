import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesPath, markdownPath } from "./export-paths";

test("ordinary titles keep the README's layout: <slug>.md, subpages in folders, File:<name> for bytes", () => {
  assert.equal(markdownPath("Main Page"), "Main_Page.md");
  assert.equal(markdownPath("Guide/Install notes"), "Guide/Install_notes.md");
  assert.equal(markdownPath("Version 1.2"), "Version_1.2.md");
  assert.equal(markdownPath("File:Map.png"), "File:Map.png.md");
  assert.equal(bytesPath("File:Map.png"), "File:Map.png");
  assert.equal(bytesPath("Map.png"), null, "only File: titles have bytes in an export");
});

test("no path is hidden, climbs out, or enters .git, whatever the title", () => {
  for (const title of [".git/config", ".git", ".GIT/hooks/pre-commit", "A/.git/config", "git~1/config", ".gitmodules", "A/.hidden", "File:.git/config", "File:../x"]) {
    for (const p of [markdownPath(title), bytesPath(title)]) {
      if (p === null) continue;
      for (const segment of p.split("/")) {
        assert.ok(!segment.startsWith("."), `${title} → ${p}`);
        assert.ok(!/^git~/i.test(segment), `${title} → ${p}`);
      }
    }
  }
});

test("no two titles, pages or bytes, share a path, and no path is a folder of another", () => {
  const titles = [
    "X Clash", "X Clash.md/Child", "X Clash.md", "File:X Note", "File:X Note.md", "X Plain", "X Plain.md",
    "File:A", "File:A/B", "A%2Emd", "A.md", "A~1", "A%7E1", "Ünïcödé", "a/b/c", "a/b", "a",
    "长".repeat(200), "长".repeat(199) + "短", "x".repeat(200), "x".repeat(199) + "y", "A.MD/x", "A.MD",
  ];
  const paths = new Map<string, string>();
  for (const t of titles) {
    for (const p of [markdownPath(t), bytesPath(t)]) {
      if (p === null) continue;
      assert.equal(paths.get(p), undefined, `${t} and ${paths.get(p)} share ${p}`);
      paths.set(p, t);
      for (const segment of p.split("/")) assert.ok(Buffer.byteLength(segment) <= 255, `${p} has a segment a file system refuses`);
    }
  }
  for (const p of paths.keys()) {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join("/");
      assert.equal(paths.get(folder), undefined, `${p} needs a folder where ${paths.get(folder)} is a file`);
    }
  }
});
