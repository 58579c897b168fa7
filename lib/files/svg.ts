import "server-only";
import { createReadStream } from "node:fs";
import { SaxesParser } from "saxes";
import { AppError } from "@/lib/errors";

/**
 * An SVG is an XML document that can carry script. Vellum accepts only harmless ones and refuses the rest with a
 * 400 naming what was found (nothing is stored): read as a stream by saxes, which never expands entities or
 * fetches anything, and checked for scripts, event handlers, `<foreignObject>`, links that animate into script,
 * and every reference outside the document (links, images, fonts and styles from elsewhere). Served files carry a
 * sandboxing CSP as well, so a browser would not run script in one even if this check missed it.
 */

const FORBIDDEN_ELEMENTS = new Set(["script", "foreignobject", "iframe", "object", "embed", "handler", "listener", "audio", "video", "html", "body"]);
const ANIMATIONS = new Set(["set", "animate", "animatetransform", "animatemotion"]);
/** A reference inside the document, or an image embedded in it. */
const LOCAL_REFERENCE = /^\s*(?:#|data:image\/(?:png|jpeg|gif|webp);base64,)/i;
/** Styles that reach outside the document or run code. */
const UNSAFE_STYLE = /@import|url\s*\(\s*(?!['"]?\s*#)|expression\s*\(|javascript:|behavior\s*:|-moz-binding/i;

/** Why an SVG is refused, or null when it is harmless. Reads the file as a stream. */
export async function svgProblem(file: string): Promise<string | null> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  let problem: string | null = null;
  let depth = 0;
  let sawRoot = false;
  let inStyle = false;
  const refuse = (why: string) => {
    problem ??= why;
  };
  parser.on("doctype", (doctype) => {
    if (/\[|<!ENTITY|SYSTEM|PUBLIC/i.test(doctype)) refuse("a DOCTYPE with entities or external references");
  });
  parser.on("processinginstruction", (pi) => {
    if (pi.target.toLowerCase() !== "xml") refuse(`the processing instruction <?${pi.target}?>`);
  });
  parser.on("opentag", (tag) => {
    const local = tag.name.toLowerCase().replace(/^.*:/, "");
    if (depth === 0) {
      sawRoot = true;
      if (local !== "svg") refuse(`a root element <${tag.name}> (not <svg>)`);
    }
    depth++;
    if (FORBIDDEN_ELEMENTS.has(local)) refuse(`a <${tag.name}> element`);
    if (local === "style") inStyle = true;
    for (const [name, raw] of Object.entries(tag.attributes)) {
      const value = String(raw);
      const attr = name.toLowerCase().replace(/^.*:/, "");
      if (attr.startsWith("on")) refuse(`an event handler (${name})`);
      if ((attr === "href" || attr === "src") && !LOCAL_REFERENCE.test(value)) refuse(`a reference outside the file (${name}="${value.slice(0, 80)}")`);
      if (attr === "style" && UNSAFE_STYLE.test(value)) refuse("a style that reaches outside the file");
      if (ANIMATIONS.has(local) && attr === "attributename" && /^(?:.*:)?(?:href|src|on.*)$/i.test(value.trim())) refuse(`an animation of ${value}`);
      if (/^\s*(?:javascript|vbscript|data:text\/html)/i.test(value)) refuse(`a script address in ${name}`);
    }
  });
  parser.on("closetag", (tag) => {
    depth--;
    if (tag.name.toLowerCase().replace(/^.*:/, "") === "style") inStyle = false;
  });
  parser.on("text", (text) => {
    if (inStyle && UNSAFE_STYLE.test(text)) refuse("a style sheet that reaches outside the file");
  });
  parser.on("cdata", (text) => {
    if (inStyle && UNSAFE_STYLE.test(text)) refuse("a style sheet that reaches outside the file");
  });
  try {
    for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 64 * 1024 })) {
      parser.write(chunk as string);
      if (problem) return problem;
    }
    parser.close();
  } catch (e) {
    if (problem) return problem;
    return `XML that does not parse (${e instanceof Error ? e.message.split("\n")[0]!.slice(0, 120) : "unreadable"})`;
  }
  if (!sawRoot) return "no <svg> element";
  return problem;
}

/** Refuse a harmful SVG (400 naming what it holds). */
export async function assertHarmlessSvg(file: string): Promise<void> {
  const problem = await svgProblem(file);
  if (problem) throw new AppError("bad_request", `This SVG is refused: it contains ${problem}. Upload a plain drawing (no scripts, handlers or outside references), or a PNG`);
}
