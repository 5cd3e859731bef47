import { css } from 'lit';

export const hookDiagramStyles = css`
  :host {
    display: block;
  }
  .path {
    display: grid;
    grid-template-columns: repeat(9, auto);
    grid-template-rows: repeat(3, auto);
    align-items: center;
    justify-content: start;
    gap: 3px 4px;
  }
  .box {
    border: 1px solid var(--mw-border);
    border-radius: 5px;
    padding: 3px 8px;
    text-align: center;
    color: var(--mw-muted);
    font-size: 12px;
  }
  .box.visited {
    background: var(--mw-accent);
    border-color: var(--mw-accent);
    color: var(--mw-accent-fg);
  }
  .box.hit {
    box-shadow: 0 0 0 2px var(--mw-known);
  }
  .arrow {
    color: var(--mw-muted);
  }
  .r1 { grid-row: 1; }
  .r2 { grid-row: 2; }
  .r3 { grid-row: 3; }
  .c1 { grid-column: 1; }
  .c2 { grid-column: 2; }
  .c3 { grid-column: 3; }
  .c4 { grid-column: 4; }
  .c5 { grid-column: 5; }
  .c6 { grid-column: 6; }
  .c7 { grid-column: 7; }
  .c8 { grid-column: 8; }
  .c9 { grid-column: 9; }
`;
