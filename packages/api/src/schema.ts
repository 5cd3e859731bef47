// Runtime schemas for every MarkwrightApi argument. Both transports validate through these (the backend's
// dispatcher), and MarkwrightApi's argument types are derived from them, so the two cannot disagree.

import { isNetnsName, NAMED_PROTOCOLS, type PacketSpec, parseSshTarget } from '@markwright/core';
import { z } from 'zod';
import { LAYOUT_NAME_MAX, LAYOUT_NAME_MESSAGES, LAYOUT_NAME_PATTERN } from './names';

const MAX_TEXT = 4 * 1024 * 1024;

/** A layout name: what people type, shown in lists and used in file names on export. */
export const layoutName = z
  .string()
  .min(1, LAYOUT_NAME_MESSAGES.empty)
  .max(LAYOUT_NAME_MAX, LAYOUT_NAME_MESSAGES.long)
  .regex(LAYOUT_NAME_PATTERN, LAYOUT_NAME_MESSAGES.pattern);

function isSshTarget(text: string): boolean {
  try {
    parseSshTarget(text);
    return true;
  } catch {
    return false;
  }
}

/** An SSH host as every verb takes it: `ssh:[user@]host[:port]`. */
export const sshTarget = z
  .string()
  .max(300)
  .refine(isSshTarget, 'must be `ssh:[user@]host[:port]` (a host from the SSH host list)');

/** `local`, `netns:NAME` (a network namespace name as `ip netns` accepts it) or `ssh:[user@]host[:port]`. */
export const targetSpec = z
  .string()
  .max(300)
  .refine(
    (t) => t === 'local' || (t.startsWith('netns:') && isNetnsName(t.slice(6))) || isSshTarget(t),
    'must be `local`, `netns:NAME` or `ssh:[user@]host[:port]`',
  );

/** A host key fingerprint as `ssh-keygen -l` prints it. */
const fingerprint = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be a SHA256 fingerprint as ssh-keygen -l prints it');

const documentJson = z.record(z.string(), z.unknown());
const note = z.string().max(1000, 'must be at most 1000 characters');
const version = z.number().int('must be an integer').min(1, 'must be at least 1');
const u32 = z.number().int().min(0).max(0xffffffff);
const port = z.number().int().min(0).max(65535);

export const packetSpec = z.strictObject({
  iif: z.string().max(15).nullable().optional(),
  oif: z.string().max(15).nullable().optional(),
  saddr: z.string().min(1).max(64),
  daddr: z.string().min(1).max(64),
  proto: z.union([z.enum(NAMED_PROTOCOLS), z.number().int().min(0).max(255)]),
  sport: port.optional(),
  dport: port.optional(),
  mark: u32.optional(),
}) satisfies z.ZodType<PacketSpec>;

const none = z.undefined().or(z.null()).or(z.strictObject({}));
const byName = z.strictObject({ name: layoutName });
const saveInput = z.strictObject({ name: layoutName, document: documentJson, note: note.optional() });
const fromTo = z.strictObject({ from: layoutName, to: layoutName });
const onTarget = z.strictObject({ target: targetSpec });

/** One schema per API method: the single argument it takes (methods without one accept nothing or `{}`). */
export const methodSchemas = {
  listLayouts: none,
  getLayout: byName,
  createLayout: saveInput,
  saveLayout: saveInput,
  renameLayout: fromTo,
  duplicateLayout: fromTo,
  deleteLayout: byName,
  listVersions: byName,
  getVersion: z.strictObject({ name: layoutName, version }),
  importDocument: z.strictObject({ text: z.string().min(1).max(MAX_TEXT), name: layoutName.optional() }),
  exportDocument: z.strictObject({ name: layoutName, version: version.optional() }),
  checkDocument: z.strictObject({
    document: documentJson,
    hostRules: z.array(z.string().max(MAX_TEXT)).max(16).optional(),
  }),
  simulate: z
    .strictObject({
      document: documentJson.optional(),
      ruleset: z.string().max(MAX_TEXT).optional(),
      ipRules: z.string().max(MAX_TEXT).optional(),
      routes: z.string().max(MAX_TEXT).optional(),
      packets: z.array(packetSpec).min(1, 'needs at least one packet').max(64),
    })
    .refine((v) => v.document !== undefined || v.ruleset !== undefined, {
      message: 'needs a document or a ruleset',
      path: ['document'],
    }),
  lint: z.strictObject({
    document: documentJson,
    ipRules: z.string().max(MAX_TEXT).optional(),
    routes: z.string().max(MAX_TEXT).optional(),
  }),
  listTargets: none,
  probe: onTarget,
  plan: z.strictObject({ name: layoutName, version: version.optional(), target: targetSpec }),
  apply: z.strictObject({
    name: layoutName,
    version: version.optional(),
    target: targetSpec,
    confirmTimeout: z.number().int().min(0).max(3600).optional(),
    verify: z.boolean().optional(),
  }),
  confirm: onTarget,
  rollback: z.strictObject({
    target: targetSpec,
    /** With `to`: go back by applying that deployment's saved layout version with this countdown. */
    confirmTimeout: z.number().int().min(1).max(3600).optional(),
    to: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be a deployment id')
      .optional(),
    verify: z.boolean().optional(),
  }),
  status: onTarget,
  history: onTarget,
  pendingDeployments: none,
  getLayoutTarget: byName,
  setLayoutTarget: z.strictObject({ name: layoutName, target: targetSpec }),
  keepWrites: onTarget,
  uninstall: onTarget,
  impact: z.strictObject({ name: layoutName, version: version.optional(), target: targetSpec }),
  suggest: z.strictObject({
    target: targetSpec,
    width: z.number().int().min(1).max(32).optional(),
    band: z.number().int().min(1).max(1000).optional(),
    document: documentJson.optional(),
  }),
  traceLive: z.strictObject({
    target: targetSpec,
    packet: packetSpec,
    seconds: z.number().int().min(1).max(120).optional(),
    name: layoutName.optional(),
    version: version.optional(),
  }),
  listSshHosts: none,
  /** The address is checked (and named `address` when wrong) by the backend, which also reads the host's keys. */
  addSshHost: z.strictObject({ address: z.string().min(1, 'is empty').max(300) }),
  fetchSshHostKey: z.strictObject({ target: sshTarget }),
  acceptSshHostKey: z.strictObject({
    target: sshTarget,
    fingerprints: z.array(fingerprint).min(1, 'needs at least one fingerprint').max(16),
  }),
  removeSshHost: z.strictObject({ target: sshTarget }),
  audit: z
    .strictObject({ limit: z.number().int().min(1).max(10_000).optional() })
    .nullish()
    .transform((v) => v ?? {}),
};

type MethodSchemas = typeof methodSchemas;
/** What a caller passes to a method (before the schema's defaults and transforms). */
export type ApiInput<M extends keyof MethodSchemas> = z.input<MethodSchemas[M]>;
/** What the service receives once the argument passed its schema. */
export type ApiArgument<M extends keyof MethodSchemas> = z.output<MethodSchemas[M]>;
