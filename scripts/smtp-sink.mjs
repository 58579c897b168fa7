// A real SMTP server for end-to-end tests: accepts every message and writes it, raw, to DIR/<n>.eml.
//   node scripts/smtp-sink.mjs <port> <dir> [address (default 127.0.0.1)]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SMTPServer } from "smtp-server";

const [port, dir, host] = [Number(process.argv[2]), path.resolve(process.argv[3]), process.argv[4] ?? "127.0.0.1"];
mkdirSync(dir, { recursive: true });
let n = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => {
      n++;
      writeFileSync(path.join(dir, `${Date.now()}-${String(n).padStart(5, "0")}.eml`), Buffer.concat(chunks));
      callback();
    });
  },
});
server.listen(port, host, () => process.stdout.write(`smtp sink on ${host}:${port}\n`));
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => server.close(() => process.exit(0)));
