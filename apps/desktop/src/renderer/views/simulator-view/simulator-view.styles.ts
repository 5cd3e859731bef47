import { css } from 'lit';

export const simulatorViewStyles = css`
  :host {
    --mw-columns: 300px minmax(0, 1fr);
  }
  form {
    display: grid;
    grid-template-columns: 70px 1fr;
    gap: 4px 8px;
    align-items: center;
  }
  form .error {
    grid-column: 2;
  }
  form input,
  form select {
    width: 100%;
  }
  .full {
    grid-column: 1 / -1;
  }
  details textarea {
    width: 100%;
    min-height: 60px;
    resize: vertical;
  }
  details label {
    display: block;
    font-size: 11px;
    color: var(--mw-muted);
    margin-top: 4px;
  }
  .summary {
    display: flex;
    gap: 14px;
    flex-wrap: wrap;
    margin: 6px 0;
  }
  table {
    margin-top: 6px;
  }
  td,
  th {
    vertical-align: top;
  }
  tr.matched td {
    background: var(--mw-hit);
  }
  td.rule {
    overflow-wrap: anywhere;
  }
  td.marks {
    width: 350px;
    white-space: nowrap;
  }
  td.marks .tag {
    display: inline-block;
    width: 34px;
  }
  .kind {
    font-size: 11px;
    color: var(--mw-muted);
  }
  .verdict-drop {
    color: var(--mw-error);
    font-weight: 600;
  }
  .verdict-accept {
    color: var(--mw-ok);
    font-weight: 600;
  }
  .legend {
    display: flex;
    gap: 6px;
    flex-wrap: wrap;
  }
  .legend span {
    padding: 0 6px;
    border-radius: 8px;
    font-size: 11px;
    color: var(--mw-field-label);
  }
  .notes {
    margin: 4px 0 8px;
    padding-left: 18px;
    color: var(--mw-muted);
  }
  td.labels {
    white-space: nowrap;
  }
  td.labels .mono {
    font-size: 12px;
  }
`;
