import { css } from 'lit';

export const appStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 100vh;
    background: var(--mw-bg);
  }
  /* Where you are (layout, target) and what waits for Keep stay in sight while a long view scrolls. */
  .top {
    position: sticky;
    top: 0;
    z-index: 10;
  }
  header {
    display: flex;
    align-items: center;
    gap: 16px;
    padding: 6px 14px;
    background: var(--mw-panel);
    border-bottom: 1px solid var(--mw-border);
  }
  .brand {
    font-weight: 700;
    font-size: 15px;
  }
  [role='tablist'] {
    display: flex;
    gap: 2px;
  }
  [role='tab'] {
    border: none;
    background: transparent;
    padding: 6px 12px;
    border-radius: 4px;
  }
  [role='tab'][aria-selected='true'] {
    background: var(--mw-cell);
    font-weight: 600;
  }
  .spacer {
    flex: 1;
  }
  .open {
    color: var(--mw-muted);
  }
  .target {
    font-family: var(--mw-mono, monospace);
  }
  .target.unset {
    color: var(--mw-muted);
    font-style: italic;
  }
  main {
    padding: 12px 14px;
    flex: 1;
  }
  footer {
    padding: 4px 14px;
    border-top: 1px solid var(--mw-border);
    background: var(--mw-panel);
    min-height: 18px;
    font-size: 12px;
  }
  footer .ok {
    color: var(--mw-ok);
  }
  footer .error {
    color: var(--mw-error);
    font-size: 12px;
  }
`;
