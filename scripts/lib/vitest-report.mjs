// Counts one vitest JSON report. Each failing test counts once (vitest's suite counts also include every
// enclosing describe, so they are not added); a test file that failed without a failing test (it did not
// load, or a file-level hook threw) counts once.

/**
 * @param {{ numPassedTests: number, numFailedTests: number, numPendingTests: number, numTodoTests?: number,
 *   testResults?: { name: string, status: string, message?: string, assertionResults?: { status: string }[] }[] }} report
 * @returns {{ passed: number, failed: number, skipped: number, brokenFiles: { name: string, message: string }[] }}
 */
export function countReport(report) {
  const brokenFiles = (report.testResults ?? [])
    .filter((file) => file.status === 'failed')
    .filter((file) => !(file.assertionResults ?? []).some((test) => test.status === 'failed'))
    .map((file) => ({ name: file.name, message: firstLine(file.message ?? 'no message') }));
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles.length,
    skipped: report.numPendingTests + (report.numTodoTests ?? 0),
    brokenFiles,
  };
}

const firstLine = (text) => text.split('\n').find((line) => line.trim() !== '') ?? text;
