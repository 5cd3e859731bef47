import { maskOf } from '../bits/u32';
import type { MarkwrightDocument } from '../document/types';
import type { Field } from '../layout/types';

/** A field placed by offset and width, as the document reader builds it. */
export function field(
  name: string,
  offset: number,
  width: number,
  extra: Partial<Omit<Field, 'name' | 'mask' | 'offset' | 'width'>> = {},
): Field {
  return {
    name,
    space: 'fwmark',
    kind: width === 1 ? 'flag' : 'int',
    persist: false,
    newOnly: false,
    ...extra,
    mask: maskOf(offset, width),
    offset,
    width,
  };
}

/** The edge router of the foundation issue: two uplinks (persisted), a bulk flag, a connmark tenant field. */
export const EDGE: MarkwrightDocument = {
  format: 'markwright/1',
  name: 'edge',
  layout: {
    fields: [
      field('uplink', 24, 2, { kind: 'enum', values: { isp1: 1, isp2: 2 }, persist: true }),
      field('bulk', 26, 1),
      field('tenant', 8, 4, { space: 'connmark', newOnly: true }),
    ],
  },
  policy: {
    rules: [
      { name: 'voip via isp2', match: { proto: 'udp', dport: 5555 }, set: { uplink: 'isp2' } },
      {
        name: 'backups are bulk',
        match: { proto: 'tcp', dport: ['873', '9000-9100'], iif: 'lan0' },
        set: { bulk: 1, tenant: 3 },
      },
      {
        name: 'local ssh via isp1',
        hook: 'output',
        match: { proto: 'tcp', sport: 22 },
        set: { uplink: 'isp1' },
      },
    ],
    routes: [
      { when: { uplink: 'isp2' }, table: 100, priority: 10002 },
      { when: { uplink: 'isp1' }, table: 254, priority: 10001, family: 4 },
    ],
    classes: [{ when: { bulk: 1 }, dev: 'wan0', classid: '1:30', parent: '1:' }],
  },
};
