import { describe, expect, it } from 'vitest';
import { layoutNameProblem } from './names';
import { layoutName } from './schema';

describe('layout name rule without zod', () => {
  it('agrees with the API schema, message for message', () => {
    for (const name of [
      'edge',
      'Edge Box 2',
      'a.b_c-d',
      '',
      '-edge',
      ' edge',
      'é',
      'x'.repeat(128),
      'x'.repeat(129),
    ]) {
      const parsed = layoutName.safeParse(name);
      expect(layoutNameProblem(name)).toBe(parsed.success ? null : parsed.error.issues[0]!.message);
    }
  });
});
