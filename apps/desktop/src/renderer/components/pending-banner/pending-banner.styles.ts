import { css } from 'lit';

export const pendingBannerStyles = css`
  :host {
    display: block;
  }
  .banner {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px;
    padding: 6px 14px;
    background: var(--mw-panel);
    border-bottom: 2px solid var(--mw-known);
  }
  .seconds {
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .writes {
    flex-basis: 100%;
    font-size: 12px;
    color: var(--mw-muted);
  }
  .error {
    flex-basis: 100%;
    color: var(--mw-error);
    font-size: 12px;
  }
`;
