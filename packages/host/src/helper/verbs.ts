// The deploy verbs as data in, JSON out: what the helper runs for a request, and what the command line runs
// in-process when it is root already. One implementation, so both print the same reports.

import { basename } from 'node:path';
import { InputError, type MarkwrightDocument } from '@markwright/core';
import { compileOwned } from '@markwright/core/compile';
import { checkLive } from '../confirm/live-check';
import { kernelCapabilities } from '../deploy/capabilities';
import type { DeployContext } from '../deploy/context';
import {
  apply as applyDeployment,
  confirm as confirmDeployment,
  status as deployStatus,
  history as listHistory,
  uninstall as uninstallAll,
} from '../deploy/operations';
import { copiesRoutes, ownedStateFromDocument, readDocument } from '../deploy/owned-from-document';
import { readCopySources } from '../deploy/owned-routes';
import { DEFAULT_OWNERSHIP, type Ownership } from '../deploy/ownership';
import { plan as planDeployment } from '../deploy/plan';
import { rollback as rollbackDeployment } from '../deploy/rollback';
import { assertOwnedTablesDeployable } from '../deploy/route-checks';
import { assertSecmarksDeployable } from '../deploy/secmark-support';
import { CorruptStateError } from '../deploy/state-errors';
import { openRunner } from '../exec/open';
import type { Runner } from '../exec/runner';
import { parseTarget } from '../exec/target';
import { liveImpact } from '../observe/impact';
import { liveTrace } from '../observe/trace';
import { probe } from '../probe/probe';
import type { Target } from '../types';
import type { HelperRequest } from './protocol';

/**
 * Opens the deploy context of a target (state store, runner, watchdog) with the caller's fixed folders and the
 * ownership the request names.
 */
export type SessionOpener = (target: Target, ownership: Ownership) => Promise<DeployContext>;

/** `LO-HI`: the ip rule priorities Markwright owns (default 10000-10999); a document's rules must sit inside. */
export function ownershipFor(text: string | undefined, field = 'rulePriorities'): Ownership {
  if (text === undefined) return DEFAULT_OWNERSHIP;
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || lo < 1 || hi > 32765 || lo > hi) {
    throw new InputError(field, text, 'must be LO-HI with 1 <= LO <= HI <= 32765');
  }
  return { ...DEFAULT_OWNERSHIP, ipRulePriorities: [lo, hi] };
}

/** The request's document, read and checked before anything else is opened. */
function documentOf(request: HelperRequest) {
  const source = request.documentPath ?? 'document';
  const doc = readDocument(request.document ?? '', source);
  return { doc, name: doc.name || basename(source), ownership: ownershipFor(request.rulePriorities) };
}

/**
 * What Markwright will own for the document on this box: the compiled parts, and the routes its tables copy from
 * the box's interfaces as they are now (read only when the document copies any).
 */
async function wantedOf(doc: MarkwrightDocument, ownership: Ownership, runner: Runner) {
  const sources = copiesRoutes(doc) ? await readCopySources(runner) : [];
  return { wanted: ownedStateFromDocument(doc, ownership, sources), box: compileOwned(doc, ownership).box };
}

/** The last deployment's state, only to show plan lines as they were loaded: a plan needs no record. */
function knownState(ctx: DeployContext) {
  try {
    return ctx.store.current()?.state ?? null;
  } catch (error) {
    if (error instanceof CorruptStateError) return null;
    throw error;
  }
}

/**
 * Run one validated request; the result is the JSON the command line prints with --json. `warn` hears of state
 * files a verb skipped (history lists the records it can trust and names the others).
 */
export async function runVerb(
  request: HelperRequest,
  openSession: SessionOpener,
  warn: (problem: string) => void = () => {},
  /** The persistence root the box's files are read under (probe's hazards: networkd, nftables.conf). */
  rootDir = '/',
): Promise<unknown> {
  const target = parseTarget(request.target);
  const document = request.documentPath ?? 'document';
  const ownership = ownershipFor(request.rulePriorities);
  const open = (t: Target) => openSession(t, ownership);
  switch (request.verb) {
    case 'probe':
      return probe(await openRunner(target), DEFAULT_OWNERSHIP, { rootDir });
    case 'plan': {
      const { doc } = documentOf(request);
      // The whole document is checked (priorities in range, tables, ...) before the target is even opened.
      compileOwned(doc, ownership);
      const ctx = await open(target);
      const { wanted, box } = await wantedOf(doc, ctx.ownership, ctx.runner);
      return planDeployment(ctx.runner, ctx.ownership, {
        wanted,
        document,
        known: knownState(ctx),
        subject: { doc, box, capabilities: await kernelCapabilities(ctx.store.dir) },
      });
    }
    case 'apply': {
      const { doc, name } = documentOf(request);
      compileOwned(doc, ownership);
      const ctx = await open(target);
      const { wanted } = await wantedOf(doc, ctx.ownership, ctx.runner);
      await assertSecmarksDeployable(ctx.runner, doc);
      await assertOwnedTablesDeployable(ctx.runner, doc, ctx.ownership);
      return applyDeployment(ctx, {
        wanted,
        document,
        documentName: name,
        documentText: request.document ?? '',
        confirmTimeout: request.confirmTimeout ?? 60,
        ...(request.verify ? { verify: () => checkLive(ctx.runner, doc, ownership) } : {}),
      });
    }
    case 'confirm':
      return confirmDeployment(await open(target));
    case 'rollback': {
      const ctx = await open(target);
      // The restored deployment's own document, read again as untrusted text from the state folder.
      const checkFor = (text: string) => () =>
        checkLive(ctx.runner, readDocument(text, 'the restored deployment'), ctx.ownership);
      return rollbackDeployment(ctx, request.to, request.verify ? checkFor : undefined);
    }
    case 'status':
      return deployStatus(await open(target));
    case 'history': {
      const ctx = await open(target);
      const records = listHistory(ctx);
      for (const problem of ctx.store.unreadable) warn(problem);
      return records;
    }
    case 'uninstall':
      await uninstallAll(await open(target));
      return { removed: true };
    case 'impact': {
      const doc = readDocument(request.document ?? '', document);
      return liveImpact(await openRunner(target), doc, ownershipFor(request.rulePriorities));
    }
    case 'trace': {
      const layout =
        request.document === undefined ? undefined : readDocument(request.document, document).layout;
      return liveTrace(await openRunner(target), {
        match: request.match ?? '',
        count: 1,
        seconds: request.seconds ?? 30,
        layout,
      });
    }
  }
}
