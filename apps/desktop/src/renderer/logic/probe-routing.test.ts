import { parseIpRoutesJson } from '@markwright/core/lang';
import { describe, expect, it } from 'vitest';
import { routesToIpJson } from './probe-routing';

describe('probed routes as ip -j route text', () => {
  it('parses back to the same routes', () => {
    const text = JSON.stringify([
      { dst: 'default', gateway: '198.51.100.2', dev: 'r2', table: '100' },
      { dst: 'default', gateway: '192.0.2.2', dev: 'r1' },
      { dst: '10.70.0.0/24', dev: 'r0', protocol: 'kernel', scope: 'link', prefsrc: '10.70.0.1' },
      {
        type: 'local',
        dst: '10.70.0.1',
        dev: 'r0',
        table: 'local',
        protocol: 'kernel',
        scope: 'host',
        prefsrc: '10.70.0.1',
      },
      { type: 'blackhole', dst: 'default', table: '300' },
    ]);
    const routes = parseIpRoutesJson(text);
    expect(parseIpRoutesJson(routesToIpJson(routes))).toEqual(routes);
  });
});
