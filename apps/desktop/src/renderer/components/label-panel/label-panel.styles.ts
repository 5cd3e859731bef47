import { css } from 'lit';

export const labelPanelStyles = css`
  :host {
    display: block;
  }
  .head {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    margin-bottom: 2px;
  }
  .labels {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  li {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    gap: 6px 10px;
  }
  .cell {
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-width: 0;
  }
  .cell.name input {
    width: 140px;
  }
  .cell.context {
    flex: 1;
  }
  .cell.context input {
    width: 100%;
    font-family: var(--mw-mono, monospace);
  }
  .cell > label {
    color: var(--mw-muted);
    font-size: 12px;
  }
  .persist {
    align-self: center;
    white-space: nowrap;
  }
`;
