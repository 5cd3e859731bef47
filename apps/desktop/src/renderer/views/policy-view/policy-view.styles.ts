import { css } from 'lit';

export const policyViewStyles = css`
  :host {
    --mw-columns: minmax(0, 1fr) 440px;
  }
  .card {
    border: 1px solid var(--mw-border);
    border-radius: 5px;
    padding: 6px 8px;
    margin-bottom: 6px;
  }
  .line {
    display: flex;
    gap: 6px;
    flex-wrap: wrap;
    align-items: flex-start;
    margin-bottom: 4px;
  }
  .cell {
    display: flex;
    flex-direction: column;
  }
  .cell label {
    font-size: 11px;
    color: var(--mw-muted);
  }
  .tag {
    min-width: 42px;
    padding-top: 4px;
  }
  .cell input {
    width: 90px;
  }
  .cell select {
    width: 104px;
  }
  .cell input.short {
    width: 50px;
  }
  .cell input.wide {
    width: 170px;
  }
  .cell .error {
    max-width: 180px;
  }
  [role='tablist'] {
    display: flex;
    gap: 2px;
    margin-bottom: 6px;
  }
  [role='tab'][aria-selected='true'] {
    background: var(--mw-accent);
    color: var(--mw-accent-fg);
  }
  pre {
    max-height: 560px;
  }
`;
