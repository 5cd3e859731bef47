import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELPER_PATH, POLKIT_ACTION } from './privilege';

const repo = join(import.meta.dirname, '..', '..', '..', '..');
const policy = readFileSync(join(repo, 'packaging/polkit/org.markwright.policy'), 'utf8');
const wrapper = readFileSync(join(repo, 'packaging/deb/markwright-helper'), 'utf8');

describe('the shipped polkit action', () => {
  it('is one action, for the helper at its fixed path, kept for the session', () => {
    const actions = [...policy.matchAll(/<action id="([^"]+)">/g)].map((m) => m[1]);
    expect(actions).toEqual([POLKIT_ACTION]);
    const paths = [
      ...policy.matchAll(/<annotate key="org\.freedesktop\.policykit\.exec\.path">([^<]*)</g),
    ].map((m) => m[1]);
    // Not node, not a tool, not /usr/bin/markwright: exactly the helper the package installs.
    expect(paths).toEqual([HELPER_PATH]);
    expect(policy).toMatch(/<allow_active>auth_admin_keep<\/allow_active>/);
    expect(policy).not.toMatch(/<allow_(any|inactive|active)>yes</);
  });

  it('the helper entry point takes no arguments and runs node and the helper by absolute paths', () => {
    expect(wrapper).toMatch(/^#!\/bin\/sh\n/);
    expect(wrapper).toMatch(/if \[ "\$#" -ne 0 \]; then[\s\S]*exit 2/);
    expect(wrapper.trim().split('\n').pop()).toBe(
      'exec /usr/bin/node /usr/lib/markwright/cli/dist/helper.mjs',
    );
  });
});
