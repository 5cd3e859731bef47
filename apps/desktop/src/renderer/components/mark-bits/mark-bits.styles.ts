import { css } from 'lit';

export const markBitsStyles = css`
  :host {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .bits {
    display: grid;
    grid-template-columns: repeat(32, 7px);
    gap: 1px;
  }
  .b {
    height: 12px;
    background: var(--mw-cell);
    border-radius: 1px;
    position: relative;
  }
  .b.one::after {
    content: '';
    position: absolute;
    inset: 3px 1px;
    background: var(--mw-fg);
    border-radius: 1px;
  }
  .b.changed {
    outline: 1px solid var(--mw-error);
  }
  .b.nibble {
    margin-left: 2px;
  }
`;
