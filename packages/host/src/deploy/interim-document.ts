// Reads a markwright/1 document for deployment until core's parseDocument is exported; it checks only what
// deployment needs and names the field and value of every refusal.
import { DOCUMENT_FORMAT, type Field, InputError, type MarkwrightDocument, parseU32 } from '@markwright/core';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function num(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value;
  if (typeof value === 'string') return parseU32(value, field);
  throw new InputError(field, value, 'must be an integer 0..0xffffffff or a 0x-hex string');
}

function readField(raw: unknown, path: string): Field {
  if (!isObj(raw)) throw new InputError(path, raw, 'must be an object');
  if (typeof raw.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(raw.name)) {
    throw new InputError(`${path}.name`, raw.name, 'must be a name of letters, digits, _ and -');
  }
  const space = raw.space ?? 'fwmark';
  if (space !== 'fwmark' && space !== 'connmark')
    throw new InputError(`${path}.space`, space, 'must be fwmark or connmark');
  const kind = raw.kind ?? 'int';
  if (kind !== 'flag' && kind !== 'enum' && kind !== 'int')
    throw new InputError(`${path}.kind`, kind, 'must be flag, enum or int');
  let mask: number;
  if (raw.mask !== undefined) mask = num(raw.mask, `${path}.mask`);
  else {
    const offset = num(raw.offset, `${path}.offset`);
    const width = raw.width === undefined ? (kind === 'flag' ? 1 : NaN) : num(raw.width, `${path}.width`);
    if (!(width >= 1) || offset + width > 32)
      throw new InputError(`${path}.width`, raw.width, 'offset + width must fit 32 bits');
    mask = (width === 32 ? 0xffffffff : (2 ** width - 1) * 2 ** offset) >>> 0;
  }
  if (mask === 0) throw new InputError(`${path}.mask`, raw.mask, 'must have at least one bit');
  const values = raw.values;
  if (kind === 'enum' && !isObj(values))
    throw new InputError(`${path}.values`, values, 'an enum needs values');
  return {
    name: raw.name,
    space,
    kind,
    mask,
    values: isObj(values)
      ? Object.fromEntries(Object.entries(values).map(([k, v]) => [k, num(v, `${path}.values.${k}`)]))
      : undefined,
    persist: raw.persist === true,
    newOnly: raw.newOnly === true,
  };
}

/** Parse and check a document's JSON text; InputError names the first bad field. */
export function readDocumentForDeploy(text: string, source = 'document'): MarkwrightDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(source, text.slice(0, 40), `is not JSON: ${(error as Error).message}`);
  }
  if (!isObj(raw)) throw new InputError(source, raw, 'must be a JSON object');
  if (raw.format !== DOCUMENT_FORMAT)
    throw new InputError('format', raw.format, `must be "${DOCUMENT_FORMAT}"`);
  if (typeof raw.name !== 'string' || raw.name === '')
    throw new InputError('name', raw.name, 'must be a non-empty string');
  if (!isObj(raw.layout) || !Array.isArray(raw.layout.fields))
    throw new InputError('layout.fields', raw.layout, 'must be an array');
  const fields = raw.layout.fields.map((f, i) => readField(f, `layout.fields[${i}]`));
  const policy = isObj(raw.policy) ? raw.policy : {};
  const list = (key: string): Obj[] => {
    const v = policy[key] ?? [];
    if (!Array.isArray(v)) throw new InputError(`policy.${key}`, v, 'must be an array');
    v.forEach((item, i) => {
      if (!isObj(item)) throw new InputError(`policy.${key}[${i}]`, item, 'must be an object');
    });
    return v as Obj[];
  };
  return {
    format: DOCUMENT_FORMAT,
    name: raw.name,
    layout: { fields },
    policy: {
      rules: list('rules') as never,
      routes: list('routes') as never,
      classes: list('classes') as never,
    },
  };
}
