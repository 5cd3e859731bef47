// JSON shape of `markwright simulate --verify --json`: the simulator's trace and what the kernel did with the
// same packets in scratch namespaces.

import type { PacketResult } from './types';

/** What the kernel did with one replayed packet, or why it was not replayed. */
export interface KernelObservation {
  readonly replayed: boolean;
  readonly reason?: string;
  readonly verdict?: 'accept' | 'drop';
  readonly mark?: number;
  readonly ctmark?: number;
  readonly oif?: string | null;
}

export interface VerifyRow {
  readonly packet: number;
  readonly kernel: KernelObservation;
  readonly simulator: { verdict: 'accept' | 'drop'; mark: number; ctmark: number; oif: string | null };
  /** null when the packet could not be replayed. */
  readonly agree: boolean | null;
  readonly differences: readonly string[];
}

export interface VerifyReport {
  readonly packets: readonly PacketResult[];
  readonly verify: {
    readonly agreed: number;
    readonly compared: number;
    readonly rows: readonly VerifyRow[];
  };
}
