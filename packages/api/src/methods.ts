// The method names of MarkwrightApi, without any validation code, so the sandboxed preload stays tiny.

import type { MarkwrightApi } from './types';

export type ApiMethod = keyof MarkwrightApi;

const METHODS: Record<ApiMethod, true> = {
  listLayouts: true,
  getLayout: true,
  createLayout: true,
  saveLayout: true,
  renameLayout: true,
  duplicateLayout: true,
  deleteLayout: true,
  listVersions: true,
  getVersion: true,
  importDocument: true,
  exportDocument: true,
  checkDocument: true,
  simulate: true,
  lint: true,
  listTargets: true,
  probe: true,
  plan: true,
  apply: true,
  confirm: true,
  rollback: true,
  status: true,
  history: true,
  pendingDeployments: true,
  getLayoutTarget: true,
  setLayoutTarget: true,
  keepWrites: true,
  uninstall: true,
  impact: true,
  suggest: true,
  traceLive: true,
  listSshHosts: true,
  addSshHost: true,
  fetchSshHostKey: true,
  acceptSshHostKey: true,
  removeSshHost: true,
  audit: true,
};

/** Every method name, in a fixed order (the preload, the IPC channels and the HTTP routes are built from it). */
export const API_METHODS = Object.keys(METHODS) as ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.hasOwn(METHODS, name);
}

/** The IPC channel that carries one method. */
export function ipcChannel(method: ApiMethod): string {
  return `markwright:${method}`;
}
