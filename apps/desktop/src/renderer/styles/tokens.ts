// Document-level design tokens for light and dark themes: the system's preference unless the user picked one
// (`data-theme` on <html>). Adopted as a constructed stylesheet, which the page's CSP allows.

export const tokenCss = `
:root {
  color-scheme: light;
  --mw-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  --mw-mono: ui-monospace, 'DejaVu Sans Mono', Menlo, monospace;
  --mw-bg: #f4f5f8; --mw-panel: #ffffff; --mw-fg: #1d2330; --mw-muted: #667085; --mw-border: #d5d9e0;
  --mw-cell: #eef0f4; --mw-accent: #2156d9; --mw-accent-fg: #ffffff; --mw-error: #c62828; --mw-ok: #2e7d32;
  --mw-focus: #2156d9; --mw-code-bg: #f6f7f9; --mw-input-bg: #ffffff; --mw-button-bg: #f1f3f6;
  --mw-known: #e08a00; --mw-live: #7c3aed; --mw-field-label: #14181f; --mw-hit: #fff4cc;
  --mw-f0: #9cc3ff; --mw-f1: #ffc48a; --mw-f2: #a6e3a1; --mw-f3: #f5a3c7; --mw-f4: #c9b6ff;
  --mw-f5: #8fe0e0; --mw-f6: #ffe08a; --mw-f7: #d9c2a7; --mw-f8: #b8d98c; --mw-f9: #f7a6a6;
}
:root[data-theme='dark'] {
  color-scheme: dark;
  --mw-bg: #12151a; --mw-panel: #1b1f27; --mw-fg: #e6e8ec; --mw-muted: #98a2b3; --mw-border: #343b48;
  --mw-cell: #252a34; --mw-accent: #4c84f5; --mw-accent-fg: #ffffff; --mw-error: #ff6b6b; --mw-ok: #6ccf73;
  --mw-focus: #7aa5ff; --mw-code-bg: #151920; --mw-input-bg: #12151a; --mw-button-bg: #2a303b;
  --mw-known: #f0a030; --mw-live: #a78bfa; --mw-field-label: #f4f6fa; --mw-hit: #3b3416;
  --mw-f0: #2f5fb3; --mw-f1: #a5601f; --mw-f2: #3b7f36; --mw-f3: #9c3d68; --mw-f4: #6a52b8;
  --mw-f5: #237a7a; --mw-f6: #8a7318; --mw-f7: #7a5f43; --mw-f8: #56762a; --mw-f9: #a04545;
}
@media (prefers-color-scheme: dark) {
  :root:not([data-theme='light']) {
    color-scheme: dark;
    --mw-bg: #12151a; --mw-panel: #1b1f27; --mw-fg: #e6e8ec; --mw-muted: #98a2b3; --mw-border: #343b48;
    --mw-cell: #252a34; --mw-accent: #4c84f5; --mw-accent-fg: #ffffff; --mw-error: #ff6b6b; --mw-ok: #6ccf73;
    --mw-focus: #7aa5ff; --mw-code-bg: #151920; --mw-input-bg: #12151a; --mw-button-bg: #2a303b;
    --mw-known: #f0a030; --mw-live: #a78bfa; --mw-field-label: #f4f6fa; --mw-hit: #3b3416;
    --mw-f0: #2f5fb3; --mw-f1: #a5601f; --mw-f2: #3b7f36; --mw-f3: #9c3d68; --mw-f4: #6a52b8;
    --mw-f5: #237a7a; --mw-f6: #8a7318; --mw-f7: #7a5f43; --mw-f8: #56762a; --mw-f9: #a04545;
  }
}
html, body { margin: 0; height: 100%; background: var(--mw-bg); color: var(--mw-fg); font-family: var(--mw-font); }
`;

export function adoptTokens(doc: Document): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(tokenCss);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
}

export type ThemeChoice = 'system' | 'light' | 'dark';
const THEME_KEY = 'markwright.theme';

/** The page's storage, when it has one (opaque origins such as about:blank throw on access). */
function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function readTheme(): ThemeChoice {
  const t = storage()?.getItem(THEME_KEY);
  return t === 'light' || t === 'dark' ? t : 'system';
}

export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
  storage()?.setItem(THEME_KEY, choice);
}
