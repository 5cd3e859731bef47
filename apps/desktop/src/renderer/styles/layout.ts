// The layout every view shares: two columns side by side (each view sets only their widths through
// `--mw-columns`), stacked panels in a column, rows of controls, tables, and the colours of added and removed
// lines in diffs and plans. Components with tables (the mark bench) adopt `tableStyles` alone.

import { css } from 'lit';

export const tableStyles = css`
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 3px 6px;
    border-bottom: 1px solid var(--mw-border);
  }
  th {
    color: var(--mw-muted);
    font-weight: 500;
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
`;

export const viewStyles = [
  tableStyles,
  css`
    :host {
      display: grid;
      grid-template-columns: var(--mw-columns);
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
    }
    .spaced {
      margin-top: 8px;
    }
    .head {
      display: flex;
      gap: 8px;
      justify-content: space-between;
      align-items: baseline;
    }
    .tag {
      font-size: 11px;
      color: var(--mw-muted);
    }
  `,
];
