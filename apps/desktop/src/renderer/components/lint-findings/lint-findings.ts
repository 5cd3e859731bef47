// The linter's findings about one part of the document, shown beside it: severity, code and what went wrong.

import type { LintFinding } from '@markwright/core';
import { css, html, nothing } from 'lit';

/** A list of findings (nothing when there are none); `testid` names it for the flows. */
export function lintFindings(findings: readonly LintFinding[], testid: string) {
  if (findings.length === 0) return nothing;
  return html`<ul class="lint" data-testid=${testid} aria-label="design lint">
    ${findings.map(
      (f) => html`<li class="lint-${f.severity}" data-code=${f.code}>
        <span class="lint-tag">${f.severity} ${f.code}</span> ${f.message}
      </li>`,
    )}
  </ul>`;
}

export const lintFindingStyles = css`
  ul.lint {
    list-style: none;
    margin: 4px 0 0;
    padding: 0;
    font-size: 12px;
  }
  ul.lint li {
    padding: 2px 0 2px 6px;
    border-left: 3px solid var(--mw-muted);
  }
  ul.lint li.lint-error {
    border-left-color: var(--mw-error);
  }
  ul.lint li.lint-error .lint-tag {
    color: var(--mw-error);
  }
  .lint-tag {
    font-family: var(--mw-mono);
    font-weight: 600;
  }
`;
