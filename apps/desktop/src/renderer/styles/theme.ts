// Shared look: design tokens come from the document (index.html's stylesheet sets them for light and dark);
// these rules are adopted by every component.

import { css } from 'lit';

export const baseStyles = css`
  :host {
    font-family: var(--mw-font);
    color: var(--mw-fg);
    font-size: 13px;
  }
  button {
    font: inherit;
    color: var(--mw-fg);
    background: var(--mw-button-bg);
    border: 1px solid var(--mw-border);
    border-radius: 4px;
    padding: 3px 10px;
    cursor: pointer;
  }
  button.primary {
    background: var(--mw-accent);
    color: var(--mw-accent-fg);
    border-color: var(--mw-accent);
  }
  button.danger {
    color: var(--mw-error);
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  [tabindex]:focus-visible {
    outline: 2px solid var(--mw-focus);
    outline-offset: 1px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--mw-fg);
    background: var(--mw-input-bg);
    border: 1px solid var(--mw-border);
    border-radius: 4px;
    padding: 3px 6px;
    box-sizing: border-box;
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: var(--mw-error);
  }
  textarea,
  pre,
  code,
  .mono {
    font-family: var(--mw-mono);
    font-size: 12px;
  }
  pre {
    background: var(--mw-code-bg);
    border: 1px solid var(--mw-border);
    border-radius: 4px;
    padding: 6px 8px;
    margin: 0;
    overflow: auto;
    white-space: pre;
    tab-size: 4;
  }
  .error {
    color: var(--mw-error);
    font-size: 12px;
  }
  .muted {
    color: var(--mw-muted);
  }
  h2,
  h3 {
    margin: 0 0 6px;
    font-size: 14px;
    font-weight: 600;
  }
  h3 {
    font-size: 13px;
  }
  .panel {
    background: var(--mw-panel);
    border: 1px solid var(--mw-border);
    border-radius: 6px;
    padding: 10px 12px;
  }
`;

/** Field colours by palette index (classes `field-color-N`, see logic/strip-cells). */
export const fieldColors = css`
  .field-color-0 { background: var(--mw-f0); }
  .field-color-1 { background: var(--mw-f1); }
  .field-color-2 { background: var(--mw-f2); }
  .field-color-3 { background: var(--mw-f3); }
  .field-color-4 { background: var(--mw-f4); }
  .field-color-5 { background: var(--mw-f5); }
  .field-color-6 { background: var(--mw-f6); }
  .field-color-7 { background: var(--mw-f7); }
  .field-color-8 { background: var(--mw-f8); }
  .field-color-9 { background: var(--mw-f9); }
`;
