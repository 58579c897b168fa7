import "server-only";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import { getConfig } from "@/lib/config";

/** One message as the outbox hands it over. */
export type Mail = { id: number; to: string; subject: string; text: string };

export type Sender = (mail: Mail) => Promise<void>;

let sender: Sender | undefined;

/** The file a message is written to when there is no SMTP_URL. */
export function mailFileName(id: number): string {
  return `${String(id).padStart(8, "0")}.eml`;
}

/**
 * Send through SMTP_URL, or, without one, write each message to MAIL_DIR as <id>.eml, owner-only (so a fresh
 * `npm start` shows what would have been sent). nodemailer builds the headers: it encodes every value, so a title or summary
 * cannot add a header. The Message-ID is derived from the outbox row, so a receiver can recognise a resend.
 */
export function getSender(): Sender {
  if (sender) return sender;
  const config = getConfig();
  // deadlines well inside the outbox's claim (120 s): a message is never still being sent when another worker
  // may take it up again
  const transport = config.SMTP_URL
    ? nodemailer.createTransport({ url: config.SMTP_URL, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 })
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const host = config.NEXTAUTH_URL ? new URL(config.NEXTAUTH_URL).hostname : "localhost";
  sender = async (mail) => {
    const info = await transport.sendMail({
      from: config.MAIL_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: `<outbox-${mail.id}@${host}>`,
    });
    if (!config.SMTP_URL) {
      // messages hold sign-in links: readable by the wiki's own user only
      const dir = path.resolve(config.MAIL_DIR);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
      writeFileSync(path.join(dir, mailFileName(mail.id)), (info as unknown as { message: Buffer }).message, { mode: 0o600 });
    }
  };
  return sender;
}
