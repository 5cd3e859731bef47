import { css } from 'lit';

export const layoutsViewStyles = css`
  :host {
    --mw-columns: minmax(0, 1fr) 420px;
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
`;
