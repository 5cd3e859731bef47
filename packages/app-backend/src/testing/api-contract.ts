// One contract for MarkwrightApi, run against every transport: whatever the page calls, through whichever shell,
// it gets the same results and the same typed errors.

import { ApiError, type ApiErrorKind, type MarkwrightApi } from '@markwright/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeHost } from './fake-host';
import { sampleDocument } from './fake-tools';

export interface ContractSubject {
  readonly api: MarkwrightApi;
  readonly host: FakeHost;
  /** Rows in the layouts table, read behind the API's back. */
  readonly layoutRows: () => number;
  close(): Promise<void>;
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

async function expectApiError(
  promise: Promise<unknown>,
  kind: ApiErrorKind,
  message: RegExp,
  field?: string,
) {
  const error = await rejection(promise);
  expect({ kind: error.kind, field: error.field }).toEqual({ kind, field });
  expect(error.message).toMatch(message);
}

export function describeApiContract(transport: string, open: () => Promise<ContractSubject>): void {
  describe(`MarkwrightApi contract over ${transport}`, () => {
    let subject: ContractSubject;
    let api: MarkwrightApi;
    beforeEach(async () => {
      subject = await open();
      api = subject.api;
    });
    afterEach(() => subject.close());

    it('creates, saves versions, lists, renames, duplicates and deletes layouts', async () => {
      expect(await api.listLayouts()).toEqual([]);
      const created = await api.createLayout({
        name: 'edge',
        document: sampleDocument('edge'),
        note: 'first',
      });
      expect(created).toMatchObject({ name: 'edge', currentVersion: 1, fieldCount: 1 });
      const two = sampleDocument('edge', [
        { name: 'uplink', mask: 0x3 },
        { name: 'vip', mask: 0x4 },
      ]);
      expect(await api.saveLayout({ name: 'edge', document: two })).toMatchObject({
        currentVersion: 2,
        fieldCount: 2,
      });
      expect((await api.getLayout({ name: 'edge' })).document).toEqual(two);
      expect((await api.getVersion({ name: 'edge', version: 1 })).document).toEqual(sampleDocument('edge'));
      expect((await api.listVersions({ name: 'edge' })).map((v) => [v.version, v.note])).toEqual([
        [2, null],
        [1, 'first'],
      ]);
      await api.renameLayout({ from: 'edge', to: 'core' });
      await api.duplicateLayout({ from: 'core', to: 'core-2' });
      expect((await api.listLayouts()).map((l) => [l.name, l.currentVersion])).toEqual([
        ['core', 2],
        ['core-2', 1],
      ]);
      expect(await api.deleteLayout({ name: 'core' })).toBeNull();
      expect((await api.listLayouts()).map((l) => l.name)).toEqual(['core-2']);
      const actions = (await api.audit({ limit: 3 })).map((a) => a.action);
      expect(actions).toEqual(['layout.delete', 'layout.duplicate', 'layout.create']);
    });

    it('refuses an invalid document with the field, saving nothing', async () => {
      const overlapping = sampleDocument('bad', [
        { name: 'a', mask: 0x3 },
        { name: 'b', mask: 0x2 },
      ]);
      await expectApiError(
        api.createLayout({ name: 'bad', document: overlapping }),
        'invalid-input',
        /layout\.fields\[1\]\.mask: overlaps another field/,
        'document.layout.fields[1].mask',
      );
      expect(subject.layoutRows()).toBe(0);
    });

    it('validates every argument at the boundary, naming the field', async () => {
      await expectApiError(api.getLayout({ name: '' }), 'invalid-input', /name: must not be empty/, 'name');
      await expectApiError(
        api.getVersion({ name: 'x', version: 0 }),
        'invalid-input',
        /version: must be at least 1/,
        'version',
      );
      await expectApiError(
        api.getLayout({ name: 'a', extra: 1 } as unknown as { name: string }),
        'invalid-input',
        /extra/,
      );
      await expectApiError(
        api.plan({ name: 'edge', target: 'remote:host' }),
        'invalid-input',
        /target: must be `local`, `netns:NAME` or `ssh:\[user@\]host\[:port\]`/,
        'target',
      );
      await expectApiError(
        api.simulate({ packets: [{ saddr: '10.0.0.1', daddr: '10.0.0.2', proto: 'udp', dport: 70000 }] }),
        'invalid-input',
        /packets\[0\]\.dport/,
        'packets[0].dport',
      );
      expect(subject.host.calls).toEqual([]);
    });

    it('reports missing layouts and name clashes with their kinds', async () => {
      await expectApiError(api.getLayout({ name: 'nope' }), 'not-found', /no layout named "nope"/);
      await api.createLayout({ name: 'a', document: sampleDocument('a') });
      await api.createLayout({ name: 'b', document: sampleDocument('b') });
      await expectApiError(
        api.createLayout({ name: 'a', document: sampleDocument('a') }),
        'conflict',
        /"a" already/,
      );
      await expectApiError(api.renameLayout({ from: 'b', to: 'a' }), 'conflict', /"a" already exists/);
    });

    it('imports and exports documents, versioning an existing layout', async () => {
      const text = JSON.stringify(sampleDocument('imported'));
      expect(await api.importDocument({ text })).toMatchObject({ name: 'imported', currentVersion: 1 });
      expect(await api.importDocument({ text })).toMatchObject({ name: 'imported', currentVersion: 2 });
      expect(await api.importDocument({ text, name: 'renamed' })).toMatchObject({ name: 'renamed' });
      const exported = await api.exportDocument({ name: 'imported', version: 1 });
      expect(JSON.parse(exported.text)).toEqual(sampleDocument('imported'));
      await expectApiError(api.importDocument({ text: '{nope' }), 'invalid-input', /text: not JSON/, 'text');
      await expectApiError(
        api.importDocument({ text: JSON.stringify({ ...sampleDocument('x'), format: 'other' }) }),
        'invalid-input',
        /format/,
        'document.format',
      );
    });

    it('checks documents with known and host conflicts', async () => {
      const doc = sampleDocument('c', [{ name: 'ts', mask: 0xff00 }]);
      const report = await api.checkDocument({ document: doc });
      expect(report).toMatchObject({ valid: true, errors: [] });
      expect(report.conflicts.map((c) => [c.field, c.consumer, c.source])).toEqual([
        ['ts', 'tailscale', 'known'],
      ]);
      const withHost = await api.checkDocument({ document: doc, hostRules: ['*mangle\n-A PREROUTING'] });
      // Rules on the box are detected conflicts: listed before catalogue-only ones.
      expect(withHost.conflicts.map((c) => [c.source, c.presence])).toEqual([
        ['host', 'detected'],
        ['known', 'catalogue'],
      ]);
      const invalid = await api.checkDocument({ document: { format: 'x' } });
      expect(invalid.valid).toBe(false);
      expect(invalid.errors.length).toBeGreaterThan(0);
    });

    it('simulates packets through a document', async () => {
      const report = await api.simulate({
        document: sampleDocument('s'),
        packets: [{ saddr: '10.70.0.2', daddr: '203.0.113.7', proto: 'udp', dport: 53, mark: 5 }],
      });
      expect(report.packets).toHaveLength(1);
      await expectApiError(api.simulate({ packets: [] }), 'invalid-input', /at least one packet/, 'packets');
    });

    it('lints a document: findings with code, severity, message and document path', async () => {
      const report = await api.lint({ document: sampleDocument('lint') });
      // The sample's one field is neither set nor read by a rule or binding.
      expect(report.findings.map((f) => [f.code, f.path])).toEqual([
        ['field-never-read', 'layout.fields[0]'],
        ['field-never-set', 'layout.fields[0]'],
      ]);
      for (const f of report.findings) {
        expect(Object.keys(f).sort()).toEqual(['code', 'message', 'path', 'severity']);
        expect(f.path).toMatch(/^(layout|policy)\./);
      }
      await expectApiError(
        api.lint({ document: { format: 'x' } }),
        'invalid-input',
        /format/,
        'document.format',
      );
    });

    it('deploys through the host, mirrors history and carries host errors unchanged', async () => {
      await api.createLayout({ name: 'edge', document: sampleDocument('edge') });
      expect(await api.listTargets()).toEqual(['local', 'netns:lab']);
      expect((await api.probe({ target: 'netns:lab' })).bitsInUse.fwmark).toBe('0x4000');
      const plan = await api.plan({ name: 'edge', target: 'netns:lab' });
      expect(plan.document).toBe('edge');
      const applied = await api.apply({ name: 'edge', target: 'netns:lab', confirmTimeout: 30 });
      expect(applied.deployment.outcome).toBe('pending');
      expect((await api.status({ target: 'netns:lab' })).state).toBe('pending');
      expect((await api.confirm({ target: 'netns:lab' })).outcome).toBe('confirmed');
      await api.apply({ name: 'edge', target: 'netns:lab' });
      subject.host.expire('netns:lab');
      const history = await api.history({ target: 'netns:lab' });
      expect(history.map((r) => r.outcome)).toEqual(['confirmed', 'reverted']);
      const rolled = await api.rollback({ target: 'netns:lab', to: history[0]!.id });
      expect(rolled.outcome).toBe('confirmed');
      expect(await api.listTargets()).toEqual(['local', 'netns:lab']);
      const actions = (await api.audit({})).map((a) => a.action);
      expect(actions).toContain('deployment.reverted');
      expect(actions).toContain('deployment.confirmed');
      subject.host.failWith = new ApiError('environment', 'pkexec: authorisation refused');
      await expectApiError(api.status({ target: 'local' }), 'environment', /pkexec: authorisation refused/);
      await expectApiError(api.confirm({ target: 'netns:lab' }), 'environment', /authorisation refused/);
    });

    it('applies with the live check: the verified deployment and its check come back and are mirrored', async () => {
      await api.createLayout({ name: 'edge', document: sampleDocument('edge') });
      const applied = await api.apply({ name: 'edge', target: 'netns:lab', verify: true });
      expect(applied.deployment.outcome).toBe('verified');
      expect(applied.confirmDeadline).toBeNull();
      expect(applied.verification).toEqual({ ok: true, rules: [], disagreements: [], durationMs: 0 });
      expect((await api.history({ target: 'netns:lab' })).map((r) => r.outcome)).toEqual(['verified']);
      expect((await api.audit({})).map((a) => a.action)).toContain('deployment.verified');
      const untyped = api as unknown as { apply(input: unknown): Promise<unknown> };
      await expectApiError(
        untyped.apply({ name: 'edge', target: 'netns:lab', verify: 'yes' }),
        'invalid-input',
        /boolean/,
        'verify',
      );
    });

    it('accepts no argument for methods that take none', async () => {
      const untyped = api as unknown as Record<string, () => Promise<unknown>>;
      expect(await untyped.listLayouts!()).toEqual([]);
      expect(await untyped.audit!()).toEqual([]);
    });
  });
}
