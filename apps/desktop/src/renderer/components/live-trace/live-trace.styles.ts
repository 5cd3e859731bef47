import { css } from 'lit';

export const liveTraceStyles = css`
  :host {
    display: block;
  }
  tr.differs td {
    outline: 2px solid var(--mw-danger, #c62828);
    outline-offset: -2px;
  }
  .owner {
    font-size: 0.85em;
  }
  .owner.foreign {
    color: var(--mw-danger, #c62828);
  }
  .fields {
    font-size: 0.85em;
  }
`;
