import type { Target } from '../types';
import { ToolError } from './errors';
import type { Runner, RunOptions, RunResult } from './runner';

export type FakeHandler = (
  argv: readonly string[],
  input: string | undefined,
) => Partial<RunResult> | undefined;

/** A Runner for unit tests: records every call and answers from handlers (first that answers wins). */
export class FakeRunner implements Runner {
  readonly calls: { argv: string[]; input: string | undefined }[] = [];
  private readonly handlers: FakeHandler[] = [];

  constructor(readonly target: Target = { kind: 'local' }) {}

  on(handler: FakeHandler): this {
    this.handlers.push(handler);
    return this;
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ argv: [...argv], input: options.input });
    let answer: Partial<RunResult> | undefined;
    for (const handler of this.handlers) {
      answer = handler(argv, options.input);
      if (answer) break;
    }
    const result = { code: answer?.code ?? 0, stdout: answer?.stdout ?? '', stderr: answer?.stderr ?? '' };
    if (result.code !== 0 && !options.allowFail) throw new ToolError(argv, result.code, result.stderr);
    return result;
  }
}
