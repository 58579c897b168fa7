/**
 * One JSON request from the browser, the way every form and button here sends it; never throws. `message` is the
 * server's error message (the API's error body), null when it gave none; `status` is 0 when the server could not
 * be reached.
 */
export async function sendJson<T extends object = Record<string, unknown>>(
  method: "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  body?: unknown,
): Promise<{ ok: boolean; status: number; data: (Partial<T> & { error?: { message?: string } }) | null; message: string | null }> {
  const res = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch(() => null);
  const data = (await res?.json().catch(() => null)) as (Partial<T> & { error?: { message?: string } }) | null;
  return { ok: !!res?.ok, status: res?.status ?? 0, data, message: data?.error?.message ?? null };
}
