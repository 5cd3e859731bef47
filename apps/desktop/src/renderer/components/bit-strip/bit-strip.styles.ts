import { css, unsafeCSS } from 'lit';

// Label placement by class (the page's CSP refuses style attributes): `gs-N` starts at column N, `sp-N` spans N.
const placement = unsafeCSS(
  Array.from(
    { length: 32 },
    (_, i) => `.gs-${i + 1}{grid-column-start:${i + 1}}.sp-${i + 1}{grid-column-end:span ${i + 1}}`,
  ).join(''),
);

export const bitStripStyles = css`
  ${placement}
  :host {
    display: block;
  }
  .strip {
    display: grid;
    grid-template-columns: repeat(32, minmax(0, 1fr));
    user-select: none;
    touch-action: none;
    border-radius: 4px;
  }
  .num {
    font-size: 9px;
    text-align: center;
    color: var(--mw-muted);
    padding-bottom: 1px;
  }
  .num.nibble {
    color: var(--mw-fg);
  }
  .cell {
    grid-row: 2;
    height: 30px;
    border: 1px solid var(--mw-border);
    border-left-width: 0;
    background: var(--mw-cell);
    position: relative;
    box-sizing: border-box;
    display: flex;
    align-items: center;
    justify-content: center;
    font-family: var(--mw-mono);
    font-size: 11px;
  }
  .cell.col-0 {
    border-left-width: 1px;
  }
  .cell.nibble-edge {
    border-right-color: var(--mw-muted);
  }
  .cell.owned {
    border-top-color: transparent;
    border-bottom-color: transparent;
  }
  .cell.run-high {
    border-top-left-radius: 5px;
    border-bottom-left-radius: 5px;
  }
  .cell.run-low {
    border-top-right-radius: 5px;
    border-bottom-right-radius: 5px;
  }
  .cell.selected {
    box-shadow: inset 0 3px 0 var(--mw-fg), inset 0 -3px 0 var(--mw-fg);
  }
  .cell.conflict::after {
    content: '';
    position: absolute;
    right: 1px;
    top: 1px;
    width: 6px;
    height: 6px;
    border-radius: 3px;
    background: var(--mw-error);
  }
  .cell.preview {
    outline: 2px dashed var(--mw-accent);
    outline-offset: -3px;
  }
  .cell.preview.refused {
    outline-color: var(--mw-error);
  }
  .cell.one {
    font-weight: 700;
  }
  .cell.zero {
    color: var(--mw-muted);
  }
  .handle {
    position: absolute;
    top: 0;
    bottom: 0;
    width: 6px;
    cursor: ew-resize;
  }
  .handle.high {
    left: 0;
  }
  .handle.low {
    right: 0;
  }
  .label {
    grid-row: 3;
    font-size: 11px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    text-align: center;
    padding: 0 2px;
    border-radius: 0 0 4px 4px;
    color: var(--mw-field-label);
  }
  .marker-row-label {
    grid-column: 1 / -1;
    font-size: 10px;
    color: var(--mw-muted);
  }
  .marker {
    height: 6px;
    margin: 1px 1px 0;
    border-radius: 2px;
  }
  .marker.known {
    background: var(--mw-known);
  }
  .marker.live {
    background: var(--mw-live);
  }
  .message {
    min-height: 16px;
  }
  .mode-edit .cell {
    cursor: crosshair;
  }
  .mode-edit .cell.owned {
    cursor: grab;
  }
  .mode-toggle .cell {
    cursor: pointer;
  }
`;
