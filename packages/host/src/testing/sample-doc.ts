/** A document that steers UDP port 6001 arriving on r0 to uplink2 (table 100), with a persisted field. */
export const SAMPLE_DOC = {
  format: 'markwright/1',
  name: 'uplink-steer',
  layout: {
    fields: [
      { name: 'uplink', kind: 'enum', offset: 8, width: 2, values: { one: 1, two: 2 }, persist: true },
    ],
  },
  policy: {
    rules: [{ name: 'video', match: { iif: 'r0', proto: 'udp', dport: 6001 }, set: { uplink: 'two' } }],
    routes: [{ when: { uplink: 'two' }, table: 100, priority: 10100, family: 4 }],
    classes: [],
  },
};
