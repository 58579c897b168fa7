import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_RETURN_PATH, safeReturnPath } from "./redirects";

test("same-site paths are kept, with their query and fragment", () => {
  assert.equal(safeReturnPath("/wiki/Some_Page"), "/wiki/Some_Page");
  assert.equal(safeReturnPath("/edit/A%2FB?x=1#top"), "/edit/A%2FB?x=1#top");
});

test("anything that would leave the site goes to the main page instead", () => {
  const hostile = [
    "/%09/evil.example", "/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example", "\\/evil.example",
    "/\\/evil.example", "https://evil.example/", "javascript:alert(1)", "JaVaScRiPt:alert(1)", " /x", "", "evil.example",
    "/.//evil.example", "/%2e%2e//evil.example", "/\u0000/evil.example", "/\r\n/evil.example",
  ];
  for (const value of hostile) {
    const out = safeReturnPath(value);
    const landed = new URL(out, "http://vellum.invalid");
    assert.equal(landed.origin, "http://vellum.invalid", `${JSON.stringify(value)} -> ${out}`);
    assert.ok(!out.startsWith("//") && !out.startsWith("/\\"), `${JSON.stringify(value)} -> ${out}`);
  }
  assert.equal(safeReturnPath("/\t/evil.example"), DEFAULT_RETURN_PATH, "the decoded form of ?callbackUrl=/%09/evil.example");
  assert.equal(safeReturnPath(["/a"]), DEFAULT_RETURN_PATH);
});
