// The whole app on the in-memory backend, for flows through several views.

import '../../app/app.component';
import { AppStore } from '../../data/app-store';
import { adoptTokens } from '../../styles/tokens';
import { createMemoryApi } from '../memory-api';

adoptTokens(document);
const api = createMemoryApi();
const app = document.createElement('mw-app');
app.store = new AppStore(api);
document.body.append(app);
Object.assign(globalThis, {
  apiCalls: () => [...api.calls],
  layoutsInDb: async () => (await api.listLayouts()).map((l) => `${l.name}@${l.currentVersion}`),
  ready: true,
});
