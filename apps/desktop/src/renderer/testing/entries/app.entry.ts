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
  ready: true,
});
