// An in-memory MarkwrightApi for component tests of the layout flows: layouts with immutable versions and
// core's document check; targets, probe, plan and simulate from memory-box; deploying from memory-deploy. A live
// trace is outside what these tests drive and says so.

import {
  ApiError,
  type DocumentJson,
  type LayoutSummary,
  type LayoutVersion,
  type MarkwrightApi,
} from '@markwright/api';
import { checkDocument } from '@markwright/core';
import { memoryBox } from './memory-box';
import { memoryDeploy } from './memory-deploy';
import { type MemorySsh, memorySsh } from './memory-ssh';

interface Stored {
  name: string;
  versions: LayoutVersion[];
}

export interface MemoryApi extends MarkwrightApi {
  /** Every call made, by method name, for assertions. */
  readonly calls: string[];
  /** The SSH host list and its boxes' keys. */
  readonly ssh: MemorySsh;
}

/** `now` drives the countdowns of pending deployments (tests move it on). */
export function createMemoryApi(clockNow: () => number = Date.now): MemoryApi {
  const layouts = new Map<string, Stored>();
  const calls: string[] = [];
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const now = () => {
    clock += 1000;
    return new Date(clock).toISOString();
  };
  const fieldCount = (doc: DocumentJson) =>
    ((doc.layout as { fields?: unknown[] } | undefined)?.fields ?? []).length;
  const summary = (s: Stored): LayoutSummary => {
    const last = s.versions[s.versions.length - 1]!;
    return {
      id: [...layouts.keys()].indexOf(s.name) + 1,
      name: s.name,
      currentVersion: last.version,
      updatedAt: last.createdAt,
      fieldCount: fieldCount(last.document),
    };
  };
  const find = (name: string): Stored => {
    const s = layouts.get(name);
    if (!s) throw new ApiError('not-found', `no layout is named "${name}"`, 'name');
    return s;
  };
  const validate = (document: DocumentJson) => {
    const { errors } = checkDocument(document);
    if (errors.length > 0) throw new ApiError('invalid-input', errors[0]!.message, errors[0]!.field);
  };
  const addVersion = (s: Stored, document: DocumentJson, note?: string) => {
    s.versions.push({
      name: s.name,
      version: s.versions.length + 1,
      note: note ?? null,
      createdAt: now(),
      document: { ...document, name: s.name },
    });
  };
  const deploy = memoryDeploy(
    calls,
    (name, version) => {
      const s = find(name);
      const v = version === undefined ? s.versions.at(-1) : s.versions[version - 1];
      if (!v) throw new ApiError('not-found', `${name} has no version ${version}`, 'version');
      return v;
    },
    clockNow,
  );
  const outside = (method: string) => async (): Promise<never> => {
    calls.push(method);
    throw new ApiError('environment', `${method} is not part of the in-memory backend`);
  };
  const ssh = memorySsh(calls);
  const box = memoryBox(calls, (name, version) => {
    const s = find(name);
    const v = version === undefined ? s.versions[s.versions.length - 1] : s.versions[version - 1];
    if (!v) throw new ApiError('not-found', `${name} has no version ${version}`, 'version');
    return v.document;
  });
  const api: MemoryApi = {
    calls,
    ssh,
    async listLayouts() {
      calls.push('listLayouts');
      return [...layouts.values()].map(summary);
    },
    async getLayout({ name }) {
      calls.push('getLayout');
      const s = find(name);
      return s.versions[s.versions.length - 1]!;
    },
    async createLayout({ name, document, note }) {
      calls.push('createLayout');
      if (layouts.has(name)) throw new ApiError('conflict', `a layout named "${name}" exists`, 'name');
      validate(document);
      const s: Stored = { name, versions: [] };
      layouts.set(name, s);
      addVersion(s, document, note);
      return summary(s);
    },
    async saveLayout({ name, document, note }) {
      calls.push('saveLayout');
      validate(document);
      const s = find(name);
      addVersion(s, document, note);
      return summary(s);
    },
    async renameLayout({ from, to }) {
      calls.push('renameLayout');
      const s = find(from);
      if (layouts.has(to)) throw new ApiError('conflict', `a layout named "${to}" exists`, 'to');
      layouts.delete(from);
      s.name = to;
      s.versions = s.versions.map((v) => ({ ...v, name: to }));
      layouts.set(to, s);
      return summary(s);
    },
    async duplicateLayout({ from, to }) {
      calls.push('duplicateLayout');
      const s = find(from);
      if (layouts.has(to)) throw new ApiError('conflict', `a layout named "${to}" exists`, 'to');
      const copy: Stored = { name: to, versions: [] };
      layouts.set(to, copy);
      addVersion(copy, s.versions[s.versions.length - 1]!.document, `copy of ${from}`);
      return summary(copy);
    },
    async deleteLayout({ name }) {
      calls.push('deleteLayout');
      find(name);
      const live = deploy.liveTargetsOf(name);
      if (live.length > 0)
        throw new ApiError('conflict', `layout "${name}" is live on ${live.join(', ')}`, 'name');
      layouts.delete(name);
      deploy.forget(name);
    },
    async listVersions({ name }) {
      calls.push('listVersions');
      return find(name).versions.map(({ version, note, createdAt }) => ({ version, note, createdAt }));
    },
    async getVersion({ name, version }) {
      calls.push('getVersion');
      const v = find(name).versions.find((x) => x.version === version);
      if (!v) throw new ApiError('not-found', `${name} has no version ${version}`, 'version');
      return v;
    },
    async importDocument({ text, name }) {
      calls.push('importDocument');
      let document: DocumentJson;
      try {
        document = JSON.parse(text) as DocumentJson;
      } catch {
        throw new ApiError('invalid-input', 'the text is not JSON', 'text');
      }
      validate(document);
      const target = name ?? String(document.name);
      const existing = layouts.get(target);
      if (existing) {
        addVersion(existing, document, 'imported');
        return summary(existing);
      }
      return api.createLayout({ name: target, document, note: 'imported' });
    },
    async exportDocument({ name, version }) {
      calls.push('exportDocument');
      const s = find(name);
      const v = version === undefined ? s.versions[s.versions.length - 1]! : s.versions[version - 1];
      if (!v) throw new ApiError('not-found', `${name} has no version ${version}`, 'version');
      return { text: JSON.stringify(v.document, null, 2) };
    },
    async checkDocument({ document }) {
      calls.push('checkDocument');
      const { errors } = checkDocument(document);
      return { valid: errors.length === 0, errors, conflicts: [] };
    },
    ...box,
    async listTargets() {
      return [...(await box.listTargets()), ...ssh.targets()];
    },
    ...deploy,
    ...ssh,
    traceLive: outside('traceLive'),
    audit: async () => [],
  };
  return api;
}
