/** What a command may touch: its arguments and the three standard streams (files and the kernel go through core/host). */
export interface CommandIo {
  readonly args: readonly string[];
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
}

/** Exit codes of the command-line contract; `disagreed`: the box or the kernel did not do what was expected (apply --confirm-when-verified reverts; simulate --verify found a difference). */
export const EXIT = { ok: 0, badInput: 1, environment: 2, disagreed: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type Command = (io: CommandIo) => Promise<ExitCode>;
