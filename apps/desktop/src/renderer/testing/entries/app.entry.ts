// The whole app on the in-memory backend, for flows through several views.

import '../../app/app.component';
import { AppData } from '../../data/app-data';
import { adoptTokens } from '../../styles/tokens';
import { createMemoryApi } from '../memory-api';

adoptTokens(document);
const api = createMemoryApi();
const app = document.createElement('mw-app');
app.data = new AppData(api);
document.body.append(app);
Object.assign(globalThis, {
  apiCalls: () => [...api.calls],
  layoutsInDb: async () => (await api.listLayouts()).map((l) => `${l.name}@${l.currentVersion}`),
  // What the backend does on the next applies: fail with an error, or find the box disagreeing.
  failNextApply: (message: string) => (api as unknown as { failures: string[] }).failures.push(message),
  rememberTarget: (name: string, target: string) => api.setLayoutTarget({ name, target }),
  disagreeNextApply: (d: { rule: string; field: string; expected: string; seen: string }) =>
    (api as unknown as { disagreements: unknown[] }).disagreements.push(d),
  ready: true,
});
