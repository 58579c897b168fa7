import { route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { assertAdmin } from "@/lib/auth/permissions";
import { retryMail } from "@/lib/mail/outbox";
import { wakeMailWorker } from "@/lib/mail/worker";
import { positiveIdParam } from "@/lib/wiki/schema";

/** POST /api/admin/outbox/{id}/retry: send a failed message again (admins). */
export const POST = route({ auth: true }, async ({ user, params }) => {
  assertAdmin(user);
  const id = positiveIdParam.safeParse(params.id);
  if (!id.success) throw new AppError("bad_request", "Message id must be a positive integer");
  if (!(await retryMail(id.data))) throw new AppError("not_found", "No failed message with that id");
  wakeMailWorker();
  return { retried: true };
});
