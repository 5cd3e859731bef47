// One IPC channel per API method. A message from anything but our own top frame is refused before the
// dispatcher (and so the service) sees it.

import { ipcMain } from 'electron';
import type { ApiEnvelope } from '../api/envelope';
import { API_METHODS, ipcChannel } from '../api/methods';
import type { Dispatch } from '../backend/dispatch';
import { isTrustedFrame } from './security';

const REFUSED: ApiEnvelope = {
  ok: false,
  error: { kind: 'environment', message: 'refused: the message did not come from the Markwright window' },
};

/** Registers every handler; returns a function that removes them. */
export function registerApiHandlers(dispatch: Dispatch): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), async (event, argument: unknown) =>
      isTrustedFrame(event.senderFrame) ? dispatch(method, argument) : REFUSED,
    );
  }
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}
