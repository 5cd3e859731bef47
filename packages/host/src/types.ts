// JSON shapes the host package returns and the CLI prints with --json live in core's reports (one place for every
// contract); the host re-exports them for its callers.

export type {
  ApplyResult,
  DeploymentOutcome,
  DeploymentRecord,
  DeployStatus,
  DetectedConsumer,
  NftObject,
  OwnedState,
  OwnedTable,
  PlanChange,
  PlanProblem,
  PlanReport,
  ProbeReport,
  ToolVersions,
} from '@markwright/core';

/** Where commands run: this box, or inside a named network namespace of it. */
export type Target = { readonly kind: 'local' } | { readonly kind: 'netns'; readonly name: string };
