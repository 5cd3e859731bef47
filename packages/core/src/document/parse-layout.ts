import { maskOf } from '../bits/u32';
import type { Field, FieldKind, FieldSpace, Layout } from '../layout/types';
import { layoutErrors, nameProblem } from '../layout/validate';
import { readSecmarks, SECMARK_KEY } from './parse-secmarks';
import type { Reader } from './reader';

const FIELD_KEYS = [
  'name',
  'space',
  'kind',
  'offset',
  'width',
  'mask',
  'values',
  'min',
  'max',
  'persist',
  'newOnly',
  'description',
] as const;
const KINDS: readonly FieldKind[] = ['flag', 'enum', 'int'];
const SPACES: readonly FieldSpace[] = ['fwmark', 'connmark'];
export const DESCRIPTION_MAX = 1000;

/** Bits needed to hold n (at least 1). */
const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

function readValues(r: Reader, raw: unknown, path: string): Record<string, number> | undefined {
  const obj = r.object(raw, path, Object.keys((raw as object) ?? {}));
  if (!obj) return undefined;
  const entries: [string, number][] = [];
  for (const [name, n] of Object.entries(obj)) {
    const value = r.integer(n, `${path}.${name}`, 0, 0xffffffff, 'a non-negative integer');
    if (value !== undefined) entries.push([name, value]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays a plain (and later refused) name.
  return Object.fromEntries(entries);
}

/** Width when the document gave only an offset: 1 for flags, enough bits for the largest enum value or int max. */
function defaultWidth(kind: FieldKind, values: Record<string, number> | undefined, max: number | undefined) {
  if (kind === 'flag') return 1;
  if (kind === 'enum' && values && Object.keys(values).length > 0)
    return bitsFor(Math.max(...Object.values(values)));
  if (kind === 'int' && max !== undefined) return bitsFor(max);
  return undefined;
}

interface Placement {
  readonly mask: number;
  readonly offset?: number;
  readonly width?: number;
}

function readPlacement(
  r: Reader,
  obj: Readonly<Record<string, unknown>>,
  path: string,
  kind: FieldKind,
  values: Record<string, number> | undefined,
): Placement | undefined {
  const hasMask = obj.mask !== undefined;
  const hasOffset = obj.offset !== undefined;
  if (hasMask && (hasOffset || obj.width !== undefined)) {
    return r.fail(`${path}.mask`, obj.mask, 'give either "offset" (+"width") or "mask", not both');
  }
  if (hasMask) {
    const mask = r.u32(obj.mask, `${path}.mask`);
    if (mask === 0) return r.fail(`${path}.mask`, obj.mask, 'must have at least one bit set');
    return mask === undefined ? undefined : { mask };
  }
  if (!hasOffset) {
    if (obj.width !== undefined) return r.fail(`${path}.width`, obj.width, '"width" needs an "offset"');
    return r.fail(path, obj.name ?? null, 'field needs a placement: "offset" (+"width") or "mask"');
  }
  const offset = r.integer(obj.offset, `${path}.offset`, 0, 31, 'a bit index');
  const max = typeof obj.max === 'number' ? obj.max : undefined;
  let width: number | undefined;
  if (obj.width === undefined) {
    width = defaultWidth(kind, values, max);
    if (width === undefined)
      return r.fail(`${path}.width`, obj.width, `a ${kind} field placed by offset needs "width"`);
  } else {
    width = r.integer(obj.width, `${path}.width`, 1, 32, 'a bit count');
    if (width !== undefined && kind === 'flag' && width !== 1) {
      return r.fail(`${path}.width`, obj.width, 'a flag field is 1 bit wide');
    }
  }
  if (offset === undefined || width === undefined) return undefined;
  if (offset + width > 32) {
    return r.fail(`${path}.width`, width, `offset ${offset} + width ${width} reaches past bit 31`);
  }
  return { mask: maskOf(offset, width), offset, width };
}

function readField(r: Reader, raw: unknown, path: string): Field | undefined {
  const obj = r.object(raw, path, FIELD_KEYS);
  if (!obj) return undefined;
  const name = r.string(obj.name, `${path}.name`, 200);
  const kind = r.oneOf(obj.kind, `${path}.kind`, KINDS);
  const space =
    obj.space === 'secmark'
      ? r.fail(`${path}.space`, obj.space, 'a security label is not a field: declare it in layout.secmarks')
      : obj.space === undefined
        ? 'fwmark'
        : r.oneOf(obj.space, `${path}.space`, SPACES);
  const values = obj.values === undefined ? undefined : readValues(r, obj.values, `${path}.values`);
  const min = obj.min === undefined ? undefined : r.integer(obj.min, `${path}.min`, 0, 0xffffffff);
  const max = obj.max === undefined ? undefined : r.integer(obj.max, `${path}.max`, 0, 0xffffffff);
  const persist = obj.persist === undefined ? false : r.boolean(obj.persist, `${path}.persist`);
  const newOnly = obj.newOnly === undefined ? false : r.boolean(obj.newOnly, `${path}.newOnly`);
  const description =
    obj.description === undefined
      ? undefined
      : r.string(obj.description, `${path}.description`, DESCRIPTION_MAX);
  const placement = kind === undefined ? undefined : readPlacement(r, obj, path, kind, values);
  if (kind === undefined || name === undefined || space === undefined || placement === undefined) {
    // The field cannot be built, so fieldErrors will not see it: report its name problem here.
    const issue = name === undefined ? null : nameProblem(name);
    if (issue) r.fail(`${path}.name`, name, `field name ${issue}`);
    return undefined;
  }
  if (persist === undefined || newOnly === undefined) return undefined;
  return {
    name,
    space,
    kind,
    ...placement,
    ...(values !== undefined && { values }),
    ...(min !== undefined && { min }),
    ...(max !== undefined && { max }),
    persist,
    newOnly,
    ...(description !== undefined && { description }),
  };
}

/** Read `layout` from a document, reporting every problem; fields that cannot be read are left out. */
export function readLayout(r: Reader, raw: unknown, path = 'layout'): Layout | undefined {
  const obj = r.object(raw, path, ['fields', 'secmarks']);
  if (!obj) return undefined;
  const list = r.array(obj.fields, `${path}.fields`);
  if (!list) return undefined;
  const fields: Field[] = [];
  const paths: string[] = [];
  list.forEach((item, i) => {
    const field = readField(r, item, `${path}.fields[${i}]`);
    if (field) {
      fields.push(field);
      paths.push(`${path}.fields[${i}]`);
    }
  });
  fields.forEach((field, i) => {
    if (field.name === SECMARK_KEY)
      r.fail(`${paths[i]}.name`, field.name, 'is reserved: policy rules write "secmark" to name a label');
  });
  const secmarks = obj.secmarks === undefined ? undefined : readSecmarks(r, obj.secmarks, fields);
  const layout: Layout = { fields, ...(secmarks !== undefined && { secmarks }) };
  r.errors.push(...layoutErrors(layout, (i) => paths[i]!));
  return layout;
}
