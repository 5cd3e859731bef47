// Checks for extensions whose words we carry unchanged: the refusals iptables makes that decide whether a
// rule loads at all, so that normalize is not more lenient than the real tool for mark-relevant extensions.

function optionValue(words: readonly string[], name: string): string | undefined {
  const i = words.indexOf(name);
  return i === -1 ? undefined : words[i + 1];
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
  return null;
}
