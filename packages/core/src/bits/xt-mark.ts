import { constantWrite, shiftBy, sourcedWrite } from './algebra';
import type { MarkMatch, MarkSpace, MarkWrite } from './algebra-types';
import { InputError } from './errors';
import { hex, U32_MAX, u32 } from './u32';

// xt MARK / CONNMARK targets and mark / connmark matches, as libxtables parses and iptables-save prints them,
// and their meaning in the one mark algebra (kernel xt_mark.c mark_tg, xt_connmark.c connmark_tg_shift).

const DIGITS: Record<number, RegExp> = { 8: /^[0-7]+/, 10: /^[0-9]+/, 16: /^[0-9a-fA-F]+/ };

/**
 * Read an unsigned integer the way libxtables does (strtoumax with base 0): leading blanks and `+` are
 * skipped, `0x` is hex, a leading `0` is octal, a `-` anywhere is refused. Returns the value and the rest.
 */
export function scanXtUint(text: string, field: string, max = U32_MAX): { value: number; rest: string } {
  if (text.includes('-')) throw new InputError(field, text, 'must not be negative');
  let s = text.replace(/^[ \t\n\v\f\r]+/, '');
  if (s.startsWith('+')) s = s.slice(1);
  let base = 10;
  let body = s;
  if (/^0[xX][0-9a-fA-F]/.test(s)) {
    base = 16;
    body = s.slice(2);
  } else if (s.startsWith('0')) base = 8;
  const digits = DIGITS[base]!.exec(body)?.[0];
  if (digits === undefined) throw new InputError(field, text, 'is not a number (expected decimal or 0x-hex)');
  const value = Number.parseInt(digits, base);
  if (!Number.isSafeInteger(value) || value > max) {
    throw new InputError(field, text, `is out of range (0-${max})`);
  }
  return { value, rest: body.slice(digits.length) };
}

/** An unsigned integer with nothing after it (XTTYPE_UINT32 / UINT8). */
export function parseXtUint(text: string, field: string, max = U32_MAX): number {
  const { value, rest } = scanXtUint(text, field, max);
  if (rest !== '') throw new InputError(field, text, 'has trailing garbage after the value');
  return value;
}

/** `VALUE[/MASK]` (XTTYPE_MARKMASK32); the mask defaults to 0xffffffff. */
export function parseXtMarkMask(text: string, field: string): { value: number; mask: number } {
  const first = scanXtUint(text, field);
  if (first.rest === '') return { value: first.value, mask: U32_MAX };
  if (!first.rest.startsWith('/')) throw new InputError(field, text, 'has trailing garbage after the value');
  const mask = scanXtUint(first.rest.slice(1), field);
  if (mask.rest !== '') throw new InputError(field, text, 'has trailing garbage after the mask');
  return { value: first.value, mask: mask.value };
}

// ---- MARK target --------------------------------------------------------------------------------

/** `struct xt_mark_tginfo2`: `mark = (mark & ~mask) ^ value`. */
export interface XtMarkTargetInfo {
  readonly mark: number;
  readonly mask: number;
}

export type XtMarkOp = 'set-xmark' | 'set-mark' | 'and-mark' | 'or-mark' | 'xor-mark';
export const XT_MARK_OPS: readonly XtMarkOp[] = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'];

/** (mark, mask) of one MARK / CONNMARK operation (libxt_MARK.c mark_tg_parse, libxt_CONNMARK.c). */
export function xtMarkOpInfo(op: XtMarkOp, value: number, mask = U32_MAX): XtMarkTargetInfo {
  switch (op) {
    case 'set-xmark':
      return { mark: u32(value), mask: u32(mask) };
    case 'set-mark':
      return { mark: u32(value), mask: u32(value | mask) };
    case 'and-mark':
      return { mark: 0, mask: u32(~value) };
    case 'or-mark':
      return { mark: u32(value), mask: u32(value) };
    case 'xor-mark':
      return { mark: u32(value), mask: 0 };
  }
}

/** Only set-xmark and set-mark take `/MASK`. */
const takesMask = (op: XtMarkOp): boolean => op === 'set-xmark' || op === 'set-mark';

function parseOp(op: XtMarkOp, arg: string): XtMarkTargetInfo {
  const field = `--${op}`;
  if (takesMask(op)) {
    const mv = parseXtMarkMask(arg, field);
    return xtMarkOpInfo(op, mv.value, mv.mask);
  }
  return xtMarkOpInfo(op, parseXtUint(arg, field));
}

/** Option tokens after `-j MARK`, e.g. `['--set-mark', '0x10/0xff']`. */
export function parseMarkTargetOptions(tokens: readonly string[]): XtMarkTargetInfo {
  let info: XtMarkTargetInfo | null = null;
  let seen: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const opt = tokens[i]!;
    const op = opt.slice(2) as XtMarkOp;
    if (!opt.startsWith('--') || !XT_MARK_OPS.includes(op)) {
      throw new InputError(
        'MARK',
        opt,
        `unknown option (expected one of ${XT_MARK_OPS.map((o) => `--${o}`).join(', ')})`,
      );
    }
    if (seen) throw new InputError(opt, opt, `cannot be used together with "${seen}"`);
    const arg = tokens[++i];
    if (arg === undefined) throw new InputError(opt, null, 'needs a value');
    info = parseOp(op, arg);
    seen = opt;
  }
  if (!info)
    throw new InputError(
      'MARK',
      '',
      'needs one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark',
    );
  return info;
}

/** iptables-save form (mark_tg_save): always `--set-xmark 0xV/0xM`. */
export const formatMarkTarget = (info: XtMarkTargetInfo): string =>
  `--set-xmark ${hex(info.mark)}/${hex(info.mask)}`;

/** MARK on meta (or CONNMARK SET without shift on ct): `x' = (x & ~mask) ^ mark`. */
export const markTargetWrite = (info: XtMarkTargetInfo, dst: MarkSpace = 'meta'): MarkWrite =>
  constantWrite(dst, ~info.mask, info.mark);

// ---- CONNMARK target ----------------------------------------------------------------------------

/** `struct xt_connmark_tginfo2`. */
export interface XtConnmarkTargetInfo {
  readonly mode: 'set' | 'save' | 'restore';
  readonly ctmark: number;
  readonly ctmask: number;
  readonly nfmask: number;
  readonly shiftDir: 'left' | 'right';
  /** 0..31 (the kernel refuses 32 and more). */
  readonly shiftBits: number;
}

const CONNMARK_OPS = [...XT_MARK_OPS, 'save-mark', 'restore-mark'];
const CONNMARK_OPTIONS = [...CONNMARK_OPS, 'ctmask', 'nfmask', 'mask', 'left-shift-mark', 'right-shift-mark'];

/**
 * Option tokens after `-j CONNMARK`. Options apply in order, as libxtables does: `--or-mark 4 --mask 3` gives
 * ctmask 3; `--ctmask`/`--nfmask` exclude `--mask`; each option at most once; one operation is required.
 */
export function parseConnmarkTargetOptions(tokens: readonly string[]): XtConnmarkTargetInfo {
  let info: {
    mode: XtConnmarkTargetInfo['mode'] | null;
    ctmark: number;
    ctmask: number;
    nfmask: number;
    shiftDir: 'left' | 'right';
    shiftBits: number;
  } = { mode: null, ctmark: 0, ctmask: U32_MAX, nfmask: U32_MAX, shiftDir: 'left', shiftBits: 0 };
  const seen = new Set<string>();
  let op: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const opt = tokens[i]!;
    const name = opt.slice(2);
    if (!opt.startsWith('--') || !CONNMARK_OPTIONS.includes(name)) {
      throw new InputError(
        'CONNMARK',
        opt,
        `unknown option (expected one of ${CONNMARK_OPTIONS.map((o) => `--${o}`).join(', ')})`,
      );
    }
    if (seen.has(name)) throw new InputError(opt, opt, 'can only be used once');
    if (CONNMARK_OPS.includes(name) && op)
      throw new InputError(opt, opt, `cannot be used together with "--${op}"`);
    if (name === 'mask' && (seen.has('ctmask') || seen.has('nfmask'))) {
      throw new InputError(opt, opt, 'cannot be used together with --ctmask/--nfmask');
    }
    if ((name === 'ctmask' || name === 'nfmask') && seen.has('mask')) {
      throw new InputError(opt, opt, 'cannot be used together with --mask');
    }
    seen.add(name);
    if (name === 'save-mark' || name === 'restore-mark') {
      op = name;
      info.mode = name === 'save-mark' ? 'save' : 'restore';
      continue;
    }
    const arg = tokens[++i];
    if (arg === undefined) throw new InputError(opt, null, 'needs a value');
    if (CONNMARK_OPS.includes(name)) {
      op = name;
      const mv = parseOp(name as XtMarkOp, arg);
      info = { ...info, mode: 'set', ctmark: mv.mark, ctmask: mv.mask };
    } else if (name === 'ctmask') info.ctmask = parseXtUint(arg, opt);
    else if (name === 'nfmask') info.nfmask = parseXtUint(arg, opt);
    else if (name === 'mask') {
      const m = parseXtUint(arg, opt);
      info = { ...info, ctmask: m, nfmask: m };
    } else {
      const bits = parseXtUint(arg, opt, 32);
      if (bits > 31)
        throw new InputError(opt, arg, 'is out of range: the kernel accepts shifts of 0-31 bits');
      info = { ...info, shiftDir: name === 'left-shift-mark' ? 'left' : 'right', shiftBits: bits };
    }
  }
  if (!info.mode)
    throw new InputError(
      'CONNMARK',
      '',
      'needs an operation (--set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark, --save-mark or --restore-mark)',
    );
  return { ...info, mode: info.mode };
}

/** iptables-save form (connmark_tg_save_v2). */
export function formatConnmarkTarget(info: XtConnmarkTargetInfo): string {
  const shift = info.shiftBits === 0 ? '' : ` --${info.shiftDir}-shift-mark ${info.shiftBits}`;
  if (info.mode === 'set') return `--set-xmark ${hex(info.ctmark)}/${hex(info.ctmask)}${shift}`;
  return `--${info.mode}-mark --nfmask ${hex(info.nfmask)} --ctmask ${hex(info.ctmask)}${shift}`;
}

// `0 - 0` would be -0, which compares unequal to 0 in deep equality.
const signedShift = (info: XtConnmarkTargetInfo): number =>
  info.shiftDir === 'left' || info.shiftBits === 0 ? info.shiftBits : -info.shiftBits;

/**
 * The CONNMARK operation as one MarkWrite (connmark_tg_shift):
 * SET `ct' = shift((ct & ~ctmask) ^ ctmark)` (the shift applies to the whole result, old bits too);
 * SAVE `ct' = (ct & ~ctmask) ^ shift(meta & nfmask)`; RESTORE `meta' = (meta & ~nfmask) ^ shift(ct & ctmask)`.
 */
export function connmarkTargetWrite(info: XtConnmarkTargetInfo): MarkWrite {
  const shift = signedShift(info);
  switch (info.mode) {
    case 'set':
      if (shift === 0) return constantWrite('ct', ~info.ctmask, info.ctmark);
      return sourcedWrite('ct', 0, { space: 'ct', take: ~info.ctmask, shift }, shiftBy(info.ctmark, shift));
    case 'save':
      return sourcedWrite('ct', ~info.ctmask, { space: 'meta', take: info.nfmask, shift });
    case 'restore':
      return sourcedWrite('meta', ~info.nfmask, { space: 'ct', take: info.ctmask, shift });
  }
}

/** A MarkWrite as xt MARK / CONNMARK target options, when one of them performs exactly this write. */
export type XtMarkTarget =
  | { readonly target: 'MARK'; readonly info: XtMarkTargetInfo }
  | { readonly target: 'CONNMARK'; readonly info: XtConnmarkTargetInfo };

const unshifted = { shiftDir: 'left', shiftBits: 0 } as const;

export function xtTargetForWrite(write: MarkWrite): XtMarkTarget | null {
  const { dst, keep, src, xor } = write;
  if (!src) {
    if (dst === 'meta') return { target: 'MARK', info: { mark: xor, mask: u32(~keep) } };
    return {
      target: 'CONNMARK',
      info: { mode: 'set', ctmark: xor, ctmask: u32(~keep), nfmask: U32_MAX, ...unshifted },
    };
  }
  if (Math.abs(src.shift) > 31) return null;
  const shiftDir = src.shift >= 0 ? 'left' : 'right';
  const shiftBits = Math.abs(src.shift);
  if (src.space !== dst && xor === 0) {
    // SAVE: ct from meta; RESTORE: meta from ct.
    return dst === 'ct'
      ? {
          target: 'CONNMARK',
          info: { mode: 'save', ctmark: 0, ctmask: u32(~keep), nfmask: src.take, shiftDir, shiftBits },
        }
      : {
          target: 'CONNMARK',
          info: { mode: 'restore', ctmark: 0, ctmask: src.take, nfmask: u32(~keep), shiftDir, shiftBits },
        };
  }
  if (dst === 'ct' && src.space === 'ct' && keep === 0 && src.shift !== 0) {
    // Shifted SET: xor must be shift(ctmark) for some ctmark.
    const ctmark = shiftBy(xor, -src.shift);
    if (shiftBy(ctmark, src.shift) !== xor) return null;
    return {
      target: 'CONNMARK',
      info: { mode: 'set', ctmark, ctmask: u32(~src.take), nfmask: U32_MAX, shiftDir, shiftBits },
    };
  }
  return null;
}

/** The iptables-save text of a target: `-j MARK --set-xmark ...` / `-j CONNMARK ...`. */
export const formatXtMarkTarget = (t: XtMarkTarget): string =>
  t.target === 'MARK' ? `-j MARK ${formatMarkTarget(t.info)}` : `-j CONNMARK ${formatConnmarkTarget(t.info)}`;

// ---- mark / connmark matches --------------------------------------------------------------------

export interface XtMarkMatchInfo {
  readonly mark: number;
  readonly mask: number;
  readonly invert: boolean;
}

/** Option tokens after `-m mark` / `-m connmark`: `[!] --mark V[/M]`, mandatory, once. */
export function parseMarkMatchOptions(tokens: readonly string[], name: 'mark' | 'connmark'): XtMarkMatchInfo {
  let info: XtMarkMatchInfo | null = null;
  for (let i = 0; i < tokens.length; i++) {
    let invert = false;
    if (tokens[i] === '!') {
      invert = true;
      i++;
    }
    const opt = tokens[i];
    if (opt !== '--mark')
      throw new InputError(name, opt ?? '!', 'unknown option (expected [!] --mark VALUE[/MASK])');
    if (info) throw new InputError('--mark', opt, 'can only be used once');
    const arg = tokens[++i];
    if (arg === undefined) throw new InputError('--mark', null, 'needs a value');
    const mv = parseXtMarkMask(arg, '--mark');
    info = { mark: mv.value, mask: mv.mask, invert };
  }
  if (!info) throw new InputError(name, '', '"--mark" must be specified');
  return info;
}

/** iptables-save form: `[! ]--mark 0xV[/0xM]` (the mask only when it is not 0xffffffff). */
export function formatMarkMatch(info: XtMarkMatchInfo): string {
  const mv = info.mask === U32_MAX ? hex(info.mark) : `${hex(info.mark)}/${hex(info.mask)}`;
  return `${info.invert ? '! ' : ''}--mark ${mv}`;
}

export const markMatchOf = (info: XtMarkMatchInfo, space: MarkSpace): MarkMatch => ({
  space,
  mask: info.mask,
  value: info.mark,
  invert: info.invert,
});

export const xtMarkMatchInfo = (m: MarkMatch): XtMarkMatchInfo => ({
  mark: u32(m.value),
  mask: u32(m.mask),
  invert: m.invert,
});
