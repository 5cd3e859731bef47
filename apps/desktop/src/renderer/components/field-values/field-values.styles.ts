import { css } from 'lit';

export const fieldValuesStyles = css`
  :host {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 10px;
    align-items: flex-start;
  }
  .item {
    display: flex;
    flex-direction: column;
  }
  .item label {
    font-size: 11px;
    color: var(--mw-muted);
  }
  input {
    width: 80px;
  }
  .error {
    max-width: 200px;
  }
`;
