/**
 * Text from a contract as it may appear inside a message: control characters and bidirectional overrides (which
 * could make a message read differently from what it says) are shown as \u escapes, and long text is cut.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

export function shown(text: string, max = 80): string {
  const cut = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return cut.replace(HIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value quoted for a message: "text" with hidden characters escaped. */
export function quoted(text: string, max = 80): string {
  return `"${shown(text, max).replace(/"/g, '\\"')}"`;
}
