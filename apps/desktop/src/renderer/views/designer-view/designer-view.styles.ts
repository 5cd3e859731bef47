import { css } from 'lit';

export const designerViewStyles = css`
  :host {
    --mw-columns: minmax(0, 1fr) 340px;
  }
  .head {
    justify-content: flex-start;
    align-items: center;
    flex-wrap: wrap;
  }
  .head input[data-testid='layout-name'] {
    width: 180px;
  }
  .head input[data-testid='save-note'] {
    width: 200px;
  }
  .state {
    font-size: 12px;
    padding: 2px 8px;
    border-radius: 10px;
    background: var(--mw-cell);
  }
  .state.saved {
    color: var(--mw-ok);
  }
  .state.invalid {
    color: var(--mw-error);
  }
  .strip-head {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    margin-bottom: 2px;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  .chip {
    border-radius: 10px;
    padding: 1px 10px;
    border: 2px solid transparent;
    color: var(--mw-field-label);
  }
  .chip[aria-pressed='true'] {
    border-color: var(--mw-fg);
  }
  ul.conflicts {
    margin: 0;
    padding-left: 16px;
    max-height: 96px;
    overflow: auto;
  }
  ul.conflicts li {
    margin-bottom: 2px;
  }
  ul.conflicts .detail {
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    font-size: 12px;
  }
  .sev {
    font-size: 11px;
    padding: 0 5px;
    border-radius: 8px;
    background: var(--mw-cell);
  }
  ul.problems {
    margin: 0;
    padding-left: 16px;
  }
  button.link {
    border: none;
    background: none;
    padding: 0;
    text-decoration: underline;
    color: var(--mw-fg);
  }
  .empty {
    padding: 40px;
    text-align: center;
  }
`;
