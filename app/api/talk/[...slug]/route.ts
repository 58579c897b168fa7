import type { NextRequest } from "next/server";
import { route, json, parseQuery, titleFromRequest } from "@/lib/http/route";
import { clientIp } from "@/lib/http/client-address";
import { AppError } from "@/lib/errors";
import { deleteComment, postComment } from "@/lib/talk/comments";
import { listComments } from "@/lib/talk/list-cache";
import { positiveIdParam } from "@/lib/wiki/schema";
import { commentSchema, talkQuerySchema } from "@/lib/talk/schema";
import { titleFromPath } from "@/lib/wiki/titles";

const PREFIX = "/api/talk/";

/** GET /api/talk/{slug}?limit=&before=: the talk page's comments, newest first (10 by default). */
export const GET = route({}, async ({ req, access }) => {
  const { comments, next } = await listComments(titleFromRequest(req, PREFIX), access, parseQuery(req, talkQuerySchema));
  return { comments, next };
});

/** POST /api/talk/{slug} {content}: comment (signed in, or anyone when ALLOW_ANONYMOUS_COMMENTS=on). */
export const POST = route({ optionalUser: true, body: commentSchema }, async ({ req, body, user, access }) => {
  const title = titleFromRequest(req, PREFIX);
  const comment = await postComment({ title, content: body.content, author: user, clientIp: clientIp(req.headers), access });
  return json({ comment }, { status: 201 });
});

/** DELETE /api/talk/{slug}/{id}: delete a comment (its author or an admin). The last path segment is the id. */
export const DELETE = route({ auth: true }, async ({ req, user, access }) => {
  const { title, id } = commentPath(req);
  await deleteComment({ title, id, actor: user, access });
  return { deleted: true, id };
});

function commentPath(req: NextRequest): { title: string; id: number } {
  const tail = req.nextUrl.pathname.slice(PREFIX.length);
  const cut = tail.lastIndexOf("/");
  if (cut <= 0) throw new AppError("bad_request", "Give the comment: /api/talk/{slug}/{id}");
  const id = positiveIdParam.safeParse(tail.slice(cut + 1));
  if (!id.success) throw new AppError("bad_request", "Invalid comment id");
  return { title: titleFromPath(tail.slice(0, cut)), id: id.data };
}
