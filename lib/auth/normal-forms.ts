// The one normal form of a username and of an email address: how accounts are stored and looked up, how the
// sign-in limits count them, and what magic links are mailed to. Pure.

/**
 * A username's key: unique ignoring case (users.username_key). NFKC and trimmed, so that look-alike spellings
 * typed at sign-in meet the same key; bounded, so hostile input cannot make a long one. Valid usernames are ASCII
 * letters, digits, _ and -, for which this is their lower case.
 */
export function usernameKey(username: string): string {
  return username.normalize("NFKC").trim().toLowerCase().slice(0, 64);
}

const ADDRESS_PART = String.raw`[^@\s",;<>()[\]\\\u0000-\u001f\u007f]+`;
const ADDRESS = new RegExp(`^${ADDRESS_PART}@${ADDRESS_PART}\\.${ADDRESS_PART}$`);

/**
 * An email address in the one form every part of sign-in uses: NFKC, trimmed, lower case, exactly one @, a dotted
 * domain, and nothing a mailer might read as a second address or a display name (commas, quotes, angle brackets,
 * spaces, control characters). Null when the value is not such an address. Also next-auth's normalizeIdentifier,
 * so the address limited is the address mailed.
 */
export function normalizeEmail(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 254) return null;
  const email = value.normalize("NFKC").trim().toLowerCase();
  return ADDRESS.test(email) ? email : null;
}

/**
 * The address of an account the organisation gave none Vellum could use (decision 0030): unique, in the reserved
 * `.invalid` domain (RFC 2606), never verified, so never mailed.
 */
export function placeholderEmail(id: string, source: string): string {
  return `${id}@${source}.invalid`;
}

/** Is this such a made-up address? */
export function isPlaceholderEmail(email: string): boolean {
  return email.endsWith(".invalid");
}
