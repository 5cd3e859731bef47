// The page's entry: design tokens, the backend for this shell (preload bridge or serve-mode HTTP), the app.

import { getApi } from '@markwright/api/client';
import './app/app.component';
import { AppStore } from './data/app-store';
import { adoptTokens } from './styles/tokens';

adoptTokens(document);
const app = document.createElement('mw-app');
app.store = new AppStore(getApi());
document.body.append(app);
