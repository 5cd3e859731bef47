import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '@markwright/api';
import { HELPER_PATH, PKEXEC_PATH } from '@markwright/host';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store';
import { fakeTools } from '../testing/fake-tools';
import { createDispatcher } from './dispatch';
import { HelperHostBridge } from './helper-host-bridge';
import { MarkwrightService } from './service';

const node = (script: string) => [process.execPath, '-e', script];

/** A helper that records every request it gets and answers status with its pid. */
const RECORDING_HELPER = node(`
  process.stdout.write('{"hello":"markwright-helper","protocol":1}\\n');
  let buf = '';
  process.stdin.setEncoding('utf8').on('data', (c) => {
    buf += c;
    let i;
    while ((i = buf.indexOf('\\n')) >= 0) {
      const req = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      const result = req.verb === 'status'
        ? { target: req.target, state: 'none', pending: null, last: null, liveMatchesLast: true, pid: process.pid }
        : { request: req };
      process.stdout.write(JSON.stringify({ id: req.id, ok: true, result }) + '\\n');
    }
  });
`);

describe('the app reaches the kernel through one helper session', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mw-bridge-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the countdown polls status through the same helper process, never a new pkexec per second', async () => {
    const bridge = new HelperHostBridge({ argv: RECORDING_HELPER });
    try {
      const pids = new Set<number>();
      for (let i = 0; i < 10; i++)
        pids.add(((await bridge.status('netns:r1')) as unknown as { pid: number }).pid);
      expect(pids.size).toBe(1);
    } finally {
      await bridge.close();
    }
  });

  it('lists pending deployments of every target through that one helper, and names Keep’s files per target', async () => {
    const bridge = new HelperHostBridge({ argv: RECORDING_HELPER });
    const store = Store.open(':memory:');
    try {
      for (const target of ['local', 'netns:r1', 'netns:r2']) {
        store.recordDeployment({
          id: `d-${target}`,
          target,
          document: 'markwright-app',
          documentName: 'steer',
          appliedAt: '2026-01-01T00:00:00.000Z',
          outcome: 'confirmed',
          confirmedAt: '2026-01-01T00:00:00.000Z',
          endedAt: null,
          previousId: null,
          state: { nftScript: '', ipRules: { v4: [], v6: [] }, tcFilters: [] },
          message: null,
        });
      }
      const service = new MarkwrightService({ store, tools: fakeTools, host: bridge });
      for (let i = 0; i < 3; i++) expect(await service.pendingDeployments()).toEqual([]);
      const pids = new Set<number>();
      for (const target of ['local', 'netns:r1'])
        pids.add(((await bridge.status(target)) as unknown as { pid: number }).pid);
      expect(pids.size).toBe(1);
      const writes = new HelperHostBridge({ argv: RECORDING_HELPER, rootDir: '/srv/box' }).keepWrites(
        'netns:r1',
      );
      expect(writes.files).toContain('/srv/box/etc/markwright/targets/netns-r1/ruleset.json');
      expect(writes.enables).toBe(
        '/srv/box/etc/systemd/system/multi-user.target.wants/markwright-restore@netns-r1.service',
      );
    } finally {
      await bridge.close();
      store.close();
    }
  });

  it('sends the document as data with the target, never a file path or a command line', async () => {
    const bridge = new HelperHostBridge({ argv: RECORDING_HELPER });
    try {
      const echoed = (await bridge.apply('netns:r1', '{"format":"markwright/1"}', 30)) as unknown as {
        request: Record<string, unknown>;
      };
      expect(echoed.request).toEqual({
        id: 1,
        verb: 'apply',
        target: 'netns:r1',
        document: '{"format":"markwright/1"}',
        documentPath: 'markwright-app',
        confirmTimeout: 30,
      });
    } finally {
      await bridge.close();
    }
  });

  it('as root starts the bundled helper beside the CLI directly; not as root, pkexec on the fixed path', () => {
    const bridge = new HelperHostBridge({ cliPath: '/opt/mw/cli/dist/markwright.mjs', stateDir: '/s' });
    if (process.geteuid?.() === 0) {
      const { argv, env } = bridge.helperStart();
      expect(argv.slice(1)).toEqual(['/opt/mw/cli/dist/helper.mjs']);
      expect(env.MARKWRIGHT_STATE_DIR).toBe('/s');
    } else {
      expect(() => bridge.helperStart()).toThrow(/only be chosen when the app runs as root/);
      expect(() => new HelperHostBridge().helperStart()).toThrow(new RegExp(`${HELPER_PATH}|${PKEXEC_PATH}`));
    }
  });

  it('a refused authorisation reaches the UI as a typed "not-authorised" error, not an empty probe', async () => {
    mkdirSync(join(dir, 'db'));
    const store = Store.open(join(dir, 'db', 'markwright.db'));
    const host = new HelperHostBridge({
      argv: node(
        `process.stderr.write('Error executing command as another user: Not authorized\\n'); process.exit(127)`,
      ),
      viaPkexec: true,
    });
    try {
      const dispatch = createDispatcher(new MarkwrightService({ store, tools: fakeTools, host }));
      const envelope = await dispatch('probe', { target: 'local' });
      expect(envelope).toEqual({
        ok: false,
        error: {
          kind: 'not-authorised',
          message:
            'not authorised: polkit refused org.markwright.manage (Error executing command as another user: Not authorized)',
        },
      });
      const apply = await dispatch('status', { target: 'local' });
      expect(apply.ok).toBe(false);
      expect(new ApiError('not-authorised', 'x').kind).toBe('not-authorised');
    } finally {
      await host.close();
      store.close();
    }
  });
});
