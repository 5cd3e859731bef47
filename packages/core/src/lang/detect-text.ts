// Small readers shared by the languages' `detect`: they look at the start of a file only, so detecting a
// large listing costs nothing.

/** The first line that is neither blank nor a `#` comment, trimmed ('' when there is none). */
export function firstMeaningfulLine(text: string): string {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    if (line && !line.startsWith('#')) return line;
    start = end + 1;
  }
  return '';
}

/** The text without a byte order mark and leading white space. */
export const bodyOf = (text: string): string => text.replace(/^\uFEFF/, '').trimStart();

/** The keys of the first object in a JSON array listing (`[{"priority": 0, ...}, ...]`), read from its start. */
export function firstListedKeys(text: string): Set<string> | null {
  const m = /^\[\s*\{([^{}[\]]*)/.exec(bodyOf(text).slice(0, 2000));
  if (!m) return null;
  return new Set([...m[1]!.matchAll(/"([^"\\]+)"\s*:/g)].map((k) => k[1]!));
}

/** An `ip rule show` line: `10000:	from all fwmark 0x1 lookup 100`. */
export const IP_RULE_LINE = /^\d+:\s+(not\s+)?from\s/;
/**
 * An `ip route show` line: an optional route type, then `default` or an address (dotted or with colons, so an
 * nft command such as `add table ...` is not one), then route keywords.
 */
export const IP_ROUTE_LINE =
  /^(?:(?:unicast|local|broadcast|blackhole|unreachable|prohibit|throw|multicast|anycast|nat)\s+)?(?:default|\d+(?:\.\d+){0,3}(?:\/\d+)?|[0-9a-fA-F]*:[0-9a-fA-F:.]*(?:\/\d+)?)(?:\s+(?:via|dev|table|proto|scope|metric|src)\s|\s*$)/;
