// The error report (`--json` failures, the helper's answers) is defined beside the typed errors it describes, which
// sit below everything else in core; it is listed here with the other contracts.
export type { ErrorKind, ErrorReport, ErrorShape } from '../errors/shape';
