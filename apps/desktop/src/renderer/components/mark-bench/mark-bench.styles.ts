import { css } from 'lit';

export const markBenchStyles = css`
  :host {
    display: block;
  }
  .cols {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 14px;
  }
  .row {
    display: flex;
    gap: 8px;
    align-items: center;
    margin-bottom: 6px;
  }
  table {
    margin-top: 6px;
  }
  td,
  th {
    padding: 2px 6px;
  }
  .pick {
    display: grid;
    grid-template-columns: 90px 1fr;
    gap: 4px 8px;
    align-items: center;
  }
  .pick .error {
    grid-column: 2;
  }
  pre {
    margin-top: 6px;
  }
  .vm {
    font-size: 14px;
    font-weight: 600;
  }
`;
