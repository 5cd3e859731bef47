import { afterEach, describe, expect, it, vi } from 'vitest';
import { newField } from '../logic/draft';
import { createMemoryApi } from '../testing/memory-api';
import { AppData } from './app-data';

afterEach(() => {
  vi.useRealTimers();
});

async function dataWithLayout() {
  const api = createMemoryApi();
  await api.createLayout({
    name: 'edge',
    document: {
      format: 'markwright/1',
      name: 'edge',
      layout: { fields: [] },
      policy: { rules: [], routes: [], classes: [] },
    },
  });
  const data = new AppData(api);
  await data.start();
  return { api, data, store: data.draft };
}

describe('the open layout', () => {
  it('opens the first layout clean and tracks unsaved edits', async () => {
    const { store } = await dataWithLayout();
    expect(store.openLayout).toEqual({ name: 'edge', version: 1 });
    expect(store.dirty).toBe(false);
    store.addField('fwmark', 0xf);
    expect(store.dirty).toBe(true);
    expect(store.draft?.fields.map((f) => f.name)).toEqual(['field1']);
    expect(store.selectedFieldId).toBe(store.draft?.fields[0]?.id);
    expect(store.problems).toEqual({});
    expect(store.saveState).toEqual({ tone: 'unsaved', text: 'Unsaved changes' });
  });

  it('never sends an invalid draft to the backend', async () => {
    const { api, data, store } = await dataWithLayout();
    store.edit((d) => {
      d.fields.push(newField('fwmark', 0xf, 'a'));
      d.fields.push(newField('fwmark', 0x18, 'b'));
    });
    expect(store.canSave).toBe(false);
    expect(store.saveState.tone).toBe('invalid');
    expect(await store.save()).toBe(false);
    expect(data.activity.status?.text).toBe('Not saved: fix the errors shown next to the fields first');
    expect(api.calls.filter((c) => c === 'saveLayout' || c === 'createLayout')).toEqual(['createLayout']);
    expect((await api.listVersions({ name: 'edge' })).length).toBe(1);
  });

  it('saves a valid draft as a new version', async () => {
    const { api, store } = await dataWithLayout();
    store.edit((d) => d.fields.push(newField('fwmark', 0xf, 'zone')));
    expect(await store.save('zone field')).toBe(true);
    expect(store.dirty).toBe(false);
    expect(store.openLayout).toEqual({ name: 'edge', version: 2 });
    expect(await api.listVersions({ name: 'edge' })).toMatchObject([
      { version: 1 },
      { version: 2, note: 'zone field' },
    ]);
  });

  it('runs the server check once typing pauses, and only for the latest draft', async () => {
    vi.useFakeTimers();
    const { api, store } = await dataWithLayout();
    api.calls.length = 0;
    store.edit((d) => d.fields.push(newField('fwmark', 0x1, 'a')));
    store.edit((d) => d.fields.push(newField('fwmark', 0x2, 'b')));
    expect(api.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(300);
    expect(api.calls).toEqual(['checkDocument']);
    expect(store.check).toEqual({ valid: true, errors: [], conflicts: [] });
  });

  it('edits policy items through intents, with core defaults the check accepts', async () => {
    const { store } = await dataWithLayout();
    store.addField('fwmark', 0x3);
    store.addPolicyItem('routes');
    expect(store.problems).toEqual({ 'routes.0.when': 'must name at least one field (got {})' });
    store.patchPolicyItem('routes', 0, { when: { field1: '1' } });
    expect(store.problems).toEqual({});
    store.removePolicyItem('routes', 0);
    expect(store.draft?.routes).toEqual([]);
  });

  it('turns a failed call into the status line', async () => {
    const { data, store } = await dataWithLayout();
    expect(await store.open('missing')).toBe(false);
    expect(data.activity.status).toEqual({
      tone: 'error',
      text: 'Opening missing: name: no layout is named "missing"',
    });
  });
});

describe('state that views show, kept while they come and go', () => {
  it('keeps the target, the probe, the plan and the simulator inputs and result in the data modules', async () => {
    const { data, store } = await dataWithLayout();
    store.edit((d) => d.fields.push(newField('fwmark', 0x3, 'zone')));
    await store.save();
    await data.deploy.show();
    expect(data.deploy.targets).toEqual(['local', 'netns:lab']);
    await data.deploy.chooseTarget('netns:lab');
    await data.deploy.probeTarget();
    await data.deploy.makePlan();
    data.simulation.choosePreset('forward-tcp');
    data.simulation.setInput('dport', '8443');
    data.simulation.useProbedRoutes();
    expect(data.simulation.routesText).toContain('"dev":"wan2"');
    data.simulation.setRouting('routes', '');
    await data.simulation.run();

    // Showing the deploy view again refreshes the history and keeps everything else.
    await data.deploy.show();
    expect(data.deploy.target).toBe('netns:lab');
    expect(data.deploy.targetProbe?.target).toBe('netns:lab');
    expect(data.deploy.plan).toMatchObject({ target: 'netns:lab', document: 'edge' });
    expect(data.simulation.form).toMatchObject({ proto: 'tcp', dport: '8443' });
    expect(data.simulation.report?.packets).toHaveLength(1);
  });

  it('keeps the version note typed in the designer until the save that takes it', async () => {
    const { api, store } = await dataWithLayout();
    store.setNote(' first zone ');
    store.addField('fwmark', 0xf);
    expect(store.note).toBe(' first zone ');
    expect(await store.save()).toBe(true);
    expect(store.note).toBe('');
    expect((await api.listVersions({ name: 'edge' }))[1]).toMatchObject({ note: 'first zone' });
  });

  it('blocks planning while the layout has errors or unsaved changes', async () => {
    const { data, store } = await dataWithLayout();
    await data.deploy.show();
    expect(data.deploy.blockedReason).toBe('Choose a target first.');
    await data.deploy.chooseTarget('netns:lab');
    expect(data.deploy.blockedReason).toBeNull();
    store.addField('fwmark', 0x1);
    expect(data.deploy.blockedReason).toBe('The layout has unsaved changes: save it first.');
    store.patchField(store.draft!.fields[0]!.id, { name: 'Bad' });
    expect(data.deploy.blockedReason).toBe('The layout has errors: fix them in the designer first.');
    data.deploy.setTimeoutText('0');
    expect(data.deploy.timeoutProblem).toBe('"0" is not 1 to 3600 seconds');
  });
});
