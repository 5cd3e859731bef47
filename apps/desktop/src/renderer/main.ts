// The page's entry: design tokens, the backend for this shell (preload bridge or serve-mode HTTP), the app.

import { getApi } from '@markwright/api/client';
import './app/app.component';
import { AppData } from './data/app-data';
import { adoptTokens } from './styles/tokens';

adoptTokens(document);
const app = document.createElement('mw-app');
app.data = new AppData(getApi());
document.body.append(app);
