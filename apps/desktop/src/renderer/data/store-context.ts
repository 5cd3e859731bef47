import { createContext } from '@lit/context';
import type { AppStore } from './app-store';

/** The app store, provided by the root element to every view. */
export const storeContext = createContext<AppStore>(Symbol('markwright-store'));
