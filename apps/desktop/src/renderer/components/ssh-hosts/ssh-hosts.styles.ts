import { css } from 'lit';

export const sshHostsStyles = css`
  :host {
    display: block;
    margin-top: 8px;
  }
  ul {
    list-style: none;
    margin: 4px 0;
    padding: 0;
  }
  li {
    border-top: 1px solid var(--mw-border);
    padding: 4px 0;
  }
  .fingerprint {
    overflow-wrap: anywhere;
  }
  .state-changed,
  .state-unverified {
    color: var(--mw-known);
    font-weight: 600;
  }
  input.address {
    flex: 1;
    min-width: 0;
  }
`;
