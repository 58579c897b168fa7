// Part of bench/transfer.mjs, run with the database at DATABASE_URL: the cost of reading a blame beside the first
// page of history for pages of growing history, and of a save's blame step (nextOrigins) on long pages. Prints JSON.
import { readBlame } from "@/lib/wiki/blame";
import { listHistory } from "@/lib/wiki/revisions";
import { firstOrigins, nextOrigins } from "@/lib/wiki/blame-lines";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

const { titles } = JSON.parse(process.argv[2]!) as { titles: string[] };

async function median(fn: () => unknown, times = 41): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return Math.round(ms[Math.floor(ms.length / 2)]! * 100) / 100;
}

const rows = [];
for (const title of titles) {
  const history = await listHistory(title, { limit: 1 }, PUBLIC_ACCESS);
  rows.push({
    revisions: history.revisions[0]!.number,
    blameMs: await median(() => readBlame(title, null, PUBLIC_ACCESS)),
    historyMs: await median(() => listHistory(title, { limit: 50 }, PUBLIC_ACCESS)),
  });
}
const saves = [];
for (const lines of [100, 1000, 5000]) {
  const text = Array.from({ length: lines }, (_, i) => `Line ${i} of a long page, with some words.`).join("\n");
  const changed = text.replace(`Line ${Math.floor(lines / 2)} of`, "A changed line of");
  const origins = firstOrigins(text, 1);
  saves.push({ lines, ms: await median(() => nextOrigins(text, origins, changed, 2)) });
}
process.stdout.write(JSON.stringify({ rows, saves }));
process.exit(0);
