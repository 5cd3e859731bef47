import { css } from 'lit';

export const fieldInspectorStyles = css`
  :host {
    display: block;
  }
  .grid {
    display: grid;
    grid-template-columns: 80px minmax(0, 1fr);
    gap: 6px 8px;
    align-items: start;
  }
  label {
    padding-top: 4px;
    color: var(--mw-muted);
  }
  .control {
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-width: 0;
  }
  .control > input,
  .control > select {
    width: 100%;
  }
  .value-row input {
    min-width: 0;
  }
  .row {
    display: flex;
    gap: 6px;
    align-items: center;
  }
  .row input[type='text'] {
    flex: 1;
    min-width: 0;
  }
  input.num {
    width: 70px;
  }
  .values {
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .value-row {
    display: grid;
    grid-template-columns: 1fr 80px auto;
    gap: 4px;
  }
  .value-row .error {
    grid-column: 1 / -1;
  }
  textarea {
    width: 100%;
    min-height: 40px;
    resize: vertical;
  }
  .checks {
    display: flex;
    gap: 14px;
    padding-top: 4px;
  }
  .checks label {
    padding: 0;
    color: var(--mw-fg);
  }
  .footer {
    display: flex;
    justify-content: space-between;
    margin-top: 10px;
  }
`;
