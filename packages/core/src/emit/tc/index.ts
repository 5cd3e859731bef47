export { emitTcBatch, tcFilterAddWords } from './batch';
