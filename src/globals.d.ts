/** The app version from package.json, injected by vite.config.ts (written into export manifests). */
declare const __APP_VERSION__: string;
