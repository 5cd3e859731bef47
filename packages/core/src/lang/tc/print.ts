export { emitTcBatch, tcFilterAddWords } from './print-batch';
