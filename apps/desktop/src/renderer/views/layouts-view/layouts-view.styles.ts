import { css } from 'lit';

export const layoutsViewStyles = css`
  :host {
    display: grid;
    grid-template-columns: minmax(0, 1fr) 420px;
    gap: 12px;
    align-items: start;
  }
  .col {
    display: flex;
    flex-direction: column;
    gap: 10px;
    min-width: 0;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 4px 6px;
    border-bottom: 1px solid var(--mw-border);
  }
  th {
    color: var(--mw-muted);
    font-weight: 500;
  }
  tr.open td:first-child {
    font-weight: 600;
  }
  td {
    white-space: nowrap;
  }
  .actions {
    display: flex;
    gap: 3px;
  }
  .actions button {
    padding: 2px 6px;
  }
  .row {
    display: flex;
    gap: 6px;
    align-items: center;
    flex-wrap: wrap;
  }
  .spaced {
    margin-top: 8px;
  }
  [role='alertdialog'] {
    margin-top: 8px;
    border-color: var(--mw-error);
  }
  textarea {
    width: 100%;
    min-height: 120px;
    resize: vertical;
  }
  .diff {
    max-height: 300px;
  }
  .diff .add {
    color: var(--mw-ok);
  }
  .diff .remove {
    color: var(--mw-error);
  }
  dialog {
    background: var(--mw-panel);
    color: var(--mw-fg);
    border: 1px solid var(--mw-border);
    border-radius: 6px;
  }
`;
