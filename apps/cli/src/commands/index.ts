import type { Command } from '../io';

/** Every verb, loaded on demand so a short command does not pay for the others' start-up. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {};

/** Verbs register here from their own modules (see registry.ts). */
export function register(verb: string, summary: string, load: () => Promise<Command>): void {
  COMMANDS[verb] = { summary, load };
}
