// Text echoed back to a terminal must not act on it: escape what would.

/** C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a terminal shows. */
function unprintable(code: number, keepLines: boolean): boolean {
  if (keepLines && (code === 0x0a || code === 0x09)) return false;
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/**
 * Text safe to echo to a terminal: control characters (escape sequences, carriage returns, bidi overrides)
 * in names, paths and values are shown as `\xNN` / `\uNNNN` instead of acting. `keepLines` leaves newlines
 * and tabs alone, for multi-line output.
 */
export function printable(text: string, keepLines = false): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (!unprintable(code, keepLines)) out += char;
    else
      out +=
        code <= 0xff
          ? `\\x${code.toString(16).padStart(2, '0')}`
          : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}
