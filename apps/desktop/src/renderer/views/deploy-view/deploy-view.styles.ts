import { css } from 'lit';

export const deployViewStyles = css`
  :host {
    --mw-columns: 380px minmax(0, 1fr);
  }
  .row {
    margin-bottom: 6px;
  }
  /* A checkbox stays beside its label when the label wraps. */
  .row.check {
    flex-wrap: nowrap;
    align-items: flex-start;
  }
  dl {
    display: grid;
    grid-template-columns: 110px 1fr;
    gap: 2px 8px;
    margin: 0;
  }
  dt {
    color: var(--mw-muted);
  }
  dd {
    margin: 0;
  }
  .changes {
    max-height: 260px;
  }
  .countdown {
    font-size: 20px;
    font-weight: 700;
  }
  .pending {
    border-color: var(--mw-known);
  }
  input.num {
    width: 60px;
  }
  .outcome {
    font-weight: 600;
  }
  /* Refusals quote fingerprints and paths, which have no break points of their own. */
  .error {
    overflow-wrap: anywhere;
  }
  .hazards {
    margin: 4px 0 0;
    padding-left: 18px;
  }
  .hazards li {
    margin-bottom: 6px;
  }
  tr.ending td {
    padding: 0 8px 8px 24px;
  }
  tr.ending p {
    margin: 2px 0;
  }
`;
