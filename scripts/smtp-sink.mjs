// A real SMTP server for end-to-end tests: accepts every message and writes it, raw, to DIR/<n>.eml.
//   node scripts/smtp-sink.mjs <port> <dir>
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SMTPServer } from "smtp-server";

const [port, dir] = [Number(process.argv[2]), path.resolve(process.argv[3])];
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
server.listen(port, "127.0.0.1", () => process.stdout.write(`smtp sink on ${port}\n`));
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => server.close(() => process.exit(0)));
