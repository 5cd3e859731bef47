// Checks for extensions whose words we carry unchanged: the refusals iptables makes that decide whether a
// rule loads at all, so that normalize is not more lenient than the real tool for mark-relevant extensions.

function optionValue(words: readonly string[], name: string): string | undefined {
  const i = words.indexOf(name);
  return i === -1 ? undefined : words[i + 1];
}

/** Option spellings iptables-save prints under their long name. */
const TARGET_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  REDIRECT: { '--to-port': '--to-ports' },
  MASQUERADE: { '--to-port': '--to-ports' },
  DNAT: { '--to': '--to-destination' },
  SNAT: { '--to': '--to-source' },
};

/** The carried words as iptables-save prints them where the difference is only a spelling or a default. */
export function canonicalCarriedWords(name: string, words: readonly string[], isTarget: boolean): string[] {
  if (!isTarget) return [...words];
  const aliases = TARGET_ALIASES[name] ?? {};
  const out = words.map((w) => aliases[w] ?? w);
  if (name === 'NFQUEUE' && out.length === 0) return ['--queue-num', '0'];
  return out;
}

/** Why iptables would refuse these words for this extension, or null. */
export function checkCarriedModule(name: string, words: readonly string[], isTarget: boolean): string | null {
  if (isTarget && name === 'CT') {
    const zone = optionValue(words, '--zone');
    if (zone !== undefined && !(/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(zone) && Number(zone) <= 65535)) {
      return 'a CT --zone of 0-65535';
    }
  }
  if (isTarget && name === 'HMARK') {
    if (!words.includes('--hmark-mod')) return 'HMARK --hmark-mod (it is mandatory)';
    const portMasks = words.includes('--hmark-sport-mask') || words.includes('--hmark-dport-mask');
    if (portMasks && words.includes('--hmark-spi-mask')) {
      return 'either --hmark-spi-mask or --hmark-sport-mask/--hmark-dport-mask, not both';
    }
  }
  if (!isTarget && name === 'conntrack') {
    const i = words.indexOf('--ctdir');
    if (i > 0 && words[i - 1] === '!') return 'a --ctdir without "!" (it cannot be inverted)';
  }
  return null;
}
