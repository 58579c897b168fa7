import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { openApiDocument } from "./openapi";

const API_DIR = path.resolve("app/api");

/** Every route file under app/api with the HTTP methods it exports, its path in OpenAPI form. */
function routeFiles(): { path: string; methods: string[]; catchAll: boolean }[] {
  const out: { path: string; methods: string[]; catchAll: boolean }[] = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name === "route.ts") {
        const source = readFileSync(p, "utf8");
        const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) =>
          new RegExp(`export (const|async function|function) ${m}\\b|export \\{[^}]*\\b(as )?${m}\\b[^}]*\\}`).test(source),
        );
        const segments = path.relative(API_DIR, dir).split(path.sep);
        const catchAll = segments.some((s) => s.startsWith("[..."));
        const openApiPath = "/api/" + segments.map((s) => s.replace(/^\[(?:\.\.\.)?(\w+)\]$/, "{$1}")).join("/");
        out.push({ path: openApiPath, methods, catchAll });
      }
    }
  };
  visit(API_DIR);
  return out;
}

test("the document is valid OpenAPI 3.1", async () => {
  const result = await new Validator().validate(openApiDocument("http://localhost:3000") as unknown as Parameters<Validator["validate"]>[0]);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  assert.equal(openApiDocument().openapi, "3.1.0");
});

test("every route under app/api, with each method it exports, is in the document", () => {
  const doc = openApiDocument();
  const files = routeFiles();
  assert.ok(files.length >= 20, `found ${files.length} route files`);
  for (const file of files) {
    assert.ok(file.methods.length > 0, `${file.path} exports no method`);
    for (const method of file.methods.map((m) => m.toLowerCase())) {
      // a catch-all also serves paths below it (a slug may hold `/`: /api/talk/{slug}/{id} is the talk route's
      // DELETE); next-auth's serves several endpoints, each one a client uses documented under its prefix
      const candidates = file.catchAll && file.path.startsWith("/api/auth/")
        ? Object.keys(doc.paths).filter((p) => p.startsWith("/api/auth/"))
        : file.catchAll
          ? Object.keys(doc.paths).filter((p) => p === file.path || p.startsWith(file.path + "/"))
          : [file.path];
      assert.ok(candidates.some((p) => doc.paths[p]?.[method]), `${method.toUpperCase()} ${file.path} is not documented`);
    }
  }
});

test("nothing is documented that does not exist", () => {
  const files = routeFiles();
  for (const [p, ops] of Object.entries(openApiDocument().paths)) {
    const file =
      files.find((f) => f.path === p) ??
      (p.startsWith("/api/auth/") ? files.find((f) => f.path.startsWith("/api/auth/")) : files.find((f) => f.catchAll && p.startsWith(f.path + "/")));
    assert.ok(file, `${p} has no route file`);
    for (const method of Object.keys(ops)) assert.ok(file.methods.includes(method.toUpperCase()), `${method.toUpperCase()} ${p} is not exported`);
  }
});

test("request bodies are the validating schemas: strict objects, with their limits", () => {
  const put = openApiDocument().paths["/api/pages/{slug}"]!.put as {
    requestBody: { content: { "application/json": { schema: { additionalProperties: boolean; required: string[] } } } };
  };
  const schema = put.requestBody.content["application/json"].schema;
  assert.equal(schema.additionalProperties, false, "unknown fields are refused, and the document says so");
  assert.deepEqual(schema.required.sort(), ["baseRevisionId", "markdown"]);
});
