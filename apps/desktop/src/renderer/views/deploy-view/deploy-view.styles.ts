import { css } from 'lit';

export const deployViewStyles = css`
  :host {
    display: grid;
    grid-template-columns: 380px minmax(0, 1fr);
    gap: 12px;
    align-items: start;
  }
  .col {
    display: flex;
    flex-direction: column;
    gap: 10px;
    min-width: 0;
  }
  .row {
    display: flex;
    gap: 6px;
    align-items: center;
    flex-wrap: wrap;
    margin-bottom: 6px;
  }
  dl {
    display: grid;
    grid-template-columns: 110px 1fr;
    gap: 2px 8px;
    margin: 0;
  }
  dt {
    color: var(--mw-muted);
  }
  dd {
    margin: 0;
  }
  .changes {
    max-height: 260px;
  }
  .add {
    color: var(--mw-ok);
  }
  .remove {
    color: var(--mw-error);
  }
  .keep {
    color: var(--mw-muted);
  }
  .countdown {
    font-size: 20px;
    font-weight: 700;
  }
  .pending {
    border-color: var(--mw-known);
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  td,
  th {
    text-align: left;
    padding: 3px 6px;
    border-bottom: 1px solid var(--mw-border);
  }
  th {
    color: var(--mw-muted);
    font-weight: 500;
  }
  input.num {
    width: 60px;
  }
  .outcome {
    font-weight: 600;
  }
`;
