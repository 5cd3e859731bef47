import { hex } from '../bits/u32';
import type { Field } from '../layout/types';
import type { ClassBinding, MarkwrightDocument, PacketMatch, PolicyRule, RouteBinding } from './types';

type Json = Record<string, unknown>;

/** Keep keys in the given order and drop the absent ones, so output is stable and diffs stay small. */
function ordered(entries: [string, unknown][]): Json {
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

function serializeField(f: Field): Json {
  const placed = f.offset !== undefined;
  return ordered([
    ['name', f.name],
    ['space', f.space],
    ['kind', f.kind],
    ['offset', placed ? f.offset : undefined],
    ['width', placed && f.kind !== 'flag' ? f.width : undefined],
    ['mask', placed ? undefined : hex(f.mask)],
    ['values', f.values ? { ...f.values } : undefined],
    ['min', f.min],
    ['max', f.max],
    ['persist', f.persist || undefined],
    ['newOnly', f.newOnly || undefined],
    ['description', f.description],
  ]);
}

function serializeMatch(m: PacketMatch): Json {
  return ordered([
    ['iif', m.iif],
    ['oif', m.oif],
    ['proto', m.proto],
    ['saddr', m.saddr],
    ['daddr', m.daddr],
    ['sport', Array.isArray(m.sport) ? [...m.sport] : m.sport],
    ['dport', Array.isArray(m.dport) ? [...m.dport] : m.dport],
    ['fields', m.fields ? { ...m.fields } : undefined],
  ]);
}

const serializeRule = (r: PolicyRule): Json =>
  ordered([
    ['name', r.name],
    ['hook', r.hook],
    ['match', serializeMatch(r.match)],
    ['set', r.secmark === undefined ? { ...r.set } : { ...r.set, secmark: r.secmark }],
  ]);

const serializeOwns = (o: NonNullable<RouteBinding['owns']>): Json =>
  ordered([
    [
      'routes',
      o.routes.length === 0
        ? undefined
        : o.routes.map((t) =>
            ordered([
              ['to', t.to],
              ['via', t.via],
              ['dev', t.dev],
              ['type', t.type],
              ['metric', t.metric],
            ]),
          ),
    ],
    [
      'copy',
      o.copy.length === 0
        ? undefined
        : o.copy.map((c) =>
            ordered([
              ['dev', c.dev],
              ['connected', c.connected],
              ['local', c.local],
            ]),
          ),
    ],
  ]);

const serializeRoute = (r: RouteBinding): Json =>
  ordered([
    ['when', r.when ? { ...r.when } : undefined],
    ['iif', r.iif],
    ['oif', r.oif],
    ['from', r.from],
    ['to', r.to],
    ['not', r.not],
    ['suppress_prefixlength', r.suppressPrefixlength],
    ['table', r.table],
    ['priority', r.priority],
    ['family', r.family],
    ['owns', r.owns ? serializeOwns(r.owns) : undefined],
  ]);

const serializeClass = (c: ClassBinding): Json =>
  ordered([
    ['when', { ...c.when }],
    ['dev', c.dev],
    ['classid', c.classid],
    ['parent', c.parent],
    ['priority', c.priority],
  ]);

/**
 * The document as plain JSON in a readable, stable key order. Fields placed by offset are written back by
 * offset (flags without their implied width), others by a hex mask; parseDocument reads the result back equal.
 */
export function serializeDocument(doc: MarkwrightDocument): Record<string, unknown> {
  return ordered([
    ['format', doc.format],
    ['name', doc.name],
    ['description', doc.description],
    [
      'layout',
      ordered([
        ['fields', doc.layout.fields.map(serializeField)],
        [
          'secmarks',
          doc.layout.secmarks?.map((l) =>
            ordered([
              ['name', l.name],
              ['context', l.context],
              ['persist', l.persist || undefined],
            ]),
          ),
        ],
      ]),
    ],
    [
      'policy',
      {
        rules: doc.policy.rules.map(serializeRule),
        routes: doc.policy.routes.map(serializeRoute),
        classes: doc.policy.classes.map(serializeClass),
      },
    ],
    ['coexists', doc.coexists?.map((c) => ({ consumer: c.consumer, reason: c.reason }))],
  ]);
}
