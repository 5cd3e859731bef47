// One IPC channel per API method. A message from anything but our own top frame is refused before the
// dispatcher (and so the service) sees it.

import type { ApiEnvelope } from '@markwright/api/envelope';
import { API_METHODS, ipcChannel } from '@markwright/api/methods';
import type { Dispatch } from '@markwright/app-backend/backend';
import { ipcMain } from 'electron';
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
