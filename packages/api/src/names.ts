// The layout name rule, without zod, so the renderer can hold names typed in the UI to the same rule the API
// schema applies (schema.ts builds `layoutName` from it).

/** What people type as a layout name: shown in lists and used in file names on export. */
export const LAYOUT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;
export const LAYOUT_NAME_MAX = 128;
export const LAYOUT_NAME_MESSAGES = {
  empty: 'must not be empty',
  long: `must be at most ${LAYOUT_NAME_MAX} characters`,
  pattern: 'may hold letters, digits, space, dot, dash and underscore',
} as const;

/** Why the API would refuse this layout name, or null. */
export function layoutNameProblem(name: string): string | null {
  if (name.length === 0) return LAYOUT_NAME_MESSAGES.empty;
  if (name.length > LAYOUT_NAME_MAX) return LAYOUT_NAME_MESSAGES.long;
  if (!LAYOUT_NAME_PATTERN.test(name)) return LAYOUT_NAME_MESSAGES.pattern;
  return null;
}
