import { InputError } from '../bits/errors';
import type { BoxConfig, Ruleset } from '../ir/types';
import { iprouteLanguage } from './iproute/language';
import { iptablesLanguage } from './iptables/language';
import type { BoxPart, FileKind, LanguageName, ParseOptions, RuleLanguage } from './language';
import { nftLanguage } from './nft/language';
import { tcLanguage } from './tc/language';

/** Every language Markwright reads and writes. Adding one is a folder under lang/ and a line here. */
export const LANGUAGES: readonly RuleLanguage[] = [
  nftLanguage,
  iptablesLanguage,
  iprouteLanguage,
  tcLanguage,
];

export function language(name: LanguageName): RuleLanguage {
  return LANGUAGES.find((l) => l.name === name)!;
}

/** Every file kind, with the language that reads it. */
export const FILE_KINDS: readonly { readonly kind: FileKind; readonly language: RuleLanguage }[] =
  LANGUAGES.flatMap((l) => l.kinds.map((kind) => ({ kind, language: l })));

/** The file kind named as `--syntax` names it, or an InputError listing the names. */
export function fileKind(
  name: string,
  part?: BoxPart,
  field = 'syntax',
): { kind: FileKind; language: RuleLanguage } {
  const choices = FILE_KINDS.filter((k) => part === undefined || k.kind.part === part);
  const found = choices.find((k) => k.kind.name === name);
  if (!found)
    throw new InputError(field, name, `must be one of ${choices.map((k) => k.kind.name).join(', ')}`);
  return found;
}

/** The kind of file this is, by asking each language; null when none recognises it. */
export function detectFileKind(text: string): { kind: FileKind; language: RuleLanguage } | null {
  for (const l of LANGUAGES) {
    const kind = l.detect(text);
    if (kind) return { kind, language: l };
  }
  return null;
}

/** The kind a file of this part of a box is written in (detected when not given), or the error saying why none. */
export function resolveBoxFileKind(
  text: string,
  part: BoxPart,
  options: { readonly source?: string; readonly kind?: string } = {},
): { kind: FileKind; language: RuleLanguage } {
  if (text.trim() === '') throw new InputError(options.source ?? part, text, 'is empty');
  const kinds = FILE_KINDS.filter((k) => k.kind.part === part);
  let found = options.kind !== undefined ? fileKind(options.kind, part) : detectFileKind(text);
  // A part only one kind describes is read as that kind; its parser says what is wrong with the text.
  if (!found && kinds.length === 1) found = kinds[0]!;
  // An empty JSON listing (`[]`) names no keys: it is the JSON kind of the part asked for.
  if (!found && text.trimStart().startsWith('['))
    found = kinds.find((k) => k.kind.name.endsWith('-json')) ?? null;
  if (!found || found.kind.part !== part) {
    const wanted = kinds.map((k) => `${k.kind.name} (${k.kind.producedBy})`).join(' or ');
    const what = found
      ? `looks like ${found.kind.name} (${found.kind.producedBy})`
      : 'is in no syntax Markwright reads';
    throw new InputError(options.source ?? part, text.slice(0, 40), `${what}; expected ${wanted}`);
  }
  return found;
}

/** A file read into the part of a box it describes, in whichever kind it is written (detected when not given). */
export function parseBoxFile(
  text: string,
  part: BoxPart,
  options: ParseOptions & { readonly kind?: string } = {},
): { kind: FileKind; box: Partial<BoxConfig> } {
  const found = resolveBoxFileKind(text, part, options);
  return { kind: found.kind, box: found.language.parse(text, found.kind, options) };
}

/** A ruleset file as `nft -j list ruleset`, `nft list ruleset` or iptables-save prints it, detected. */
export function parseRulesetFile(
  text: string,
  options: ParseOptions & { readonly kind?: string } = {},
): {
  kind: FileKind;
  ruleset: Ruleset;
} {
  const { kind, box } = parseBoxFile(text, 'ruleset', options);
  return { kind, ruleset: box.ruleset! };
}

/** The language a `compile --to` name prints, and the family it picks. */
export function compileTarget(name: string): { language: RuleLanguage; family?: 4 | 6 } | null {
  for (const l of LANGUAGES) {
    const t = l.targets.find((x) => x.name === name);
    if (t) return { language: l, ...(t.family !== undefined && { family: t.family }) };
  }
  return null;
}

export const COMPILE_TARGETS: readonly string[] = LANGUAGES.flatMap((l) => l.targets.map((t) => t.name));
