import { css } from 'lit';

export const suggestPanelStyles = css`
  :host {
    display: block;
  }
  .head {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    gap: 8px;
  }
  input.num {
    width: 44px;
  }
  .line {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 8px;
    margin: 4px 0;
  }
  .tag {
    min-width: 110px;
    color: var(--mw-muted);
  }
  button.run {
    font-size: 12px;
  }
`;
